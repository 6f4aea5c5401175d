import { PLACEMENTS, type Placement } from '../grid/placement';
import { describe, perAxis } from '../util/validate';
import { DEFAULT_OVERLAP, DEFAULT_PLACEMENT } from './defaults';
import { intervalText, isOverlap, isPatchEdge, OVERLAP_LIMITS, PATCH_LIMITS } from './limits';

/** Where the windows go, one entry per spatial axis (a triple for a 3-D image): what the core plans with. */
export interface WindowSettings {
  patchSize: number[];
  overlap: number[];
  placement: Placement[];
}

/** Window settings as the faces give them: one value for every axis, or one per axis. */
export interface WindowSettingsInput {
  /** `'whole'`: one window over the whole image (its shape, any size, no overlap). */
  patchSize: number | readonly number[] | 'whole';
  /** Default `DEFAULT_OVERLAP`. */
  overlap?: number | readonly number[];
  /** Default `DEFAULT_PLACEMENT`. */
  placement?: Placement | readonly Placement[];
}

/**
 * The one normalization of window settings: the defaults filled in, every value repeated to one
 * per spatial axis, each checked against `PATCH_LIMITS` and `OVERLAP_LIMITS`. A `'whole'` patch
 * is the image's shape with overlap 0 on every axis.
 * @param fn the function the errors name (`runInference: overlap must be in [0, 0.9], got 0.95`)
 * @param spatial the image's spatial shape (each list gets one entry per axis)
 * @throws RangeError naming `fn` and the field: a list of another length, a value out of its limits
 */
export function normalizeWindowSettings(fn: string, input: WindowSettingsInput, spatial: readonly number[]): WindowSettings {
  const spatialAxes = spatial.length;
  const axes = <T>(name: string, value: T | readonly T[]): T[] => {
    if (Array.isArray(value) && value.length !== spatialAxes) {
      throw new RangeError(`${fn}: ${name} has ${value.length} axes but the image has ${spatialAxes} spatial axes`);
    }
    return perAxis(fn, name, value, spatialAxes);
  };
  const at = (name: string, value: unknown, a: number) => (Array.isArray(value) ? `${name}[${a}]` : name);
  const placement = axes('placement', input.placement ?? DEFAULT_PLACEMENT);
  placement.forEach((p, a) => {
    if (!PLACEMENTS.includes(p)) throw new RangeError(`${fn}: ${at('placement', input.placement, a)} must be one of ${PLACEMENTS.join(', ')}, got ${describe(p)}`);
  });
  if (input.patchSize === 'whole') return { patchSize: [...spatial], overlap: spatial.map(() => 0), placement };
  const patchSize = axes('patch size', input.patchSize);
  patchSize.forEach((p, a) => {
    if (!isPatchEdge(p)) throw new RangeError(`${fn}: ${at('patchSize', input.patchSize, a)} must be an integer in ${intervalText(PATCH_LIMITS)}, got ${describe(p)}`);
  });
  const overlap = axes('overlap', input.overlap ?? DEFAULT_OVERLAP);
  overlap.forEach((o, a) => {
    if (!isOverlap(o)) throw new RangeError(`${fn}: ${at('overlap', input.overlap, a)} must be in ${intervalText(OVERLAP_LIMITS)}, got ${describe(o)}`);
  });
  return { patchSize, overlap, placement };
}
