import { PLACEMENTS, type Placement } from '../grid/placement';
import { BLEND_MODES, type BlendMode } from '../stitching/types';
import { INFERENCE_MEASURES, type InferenceMeasure } from '../engine/inference/inferencePerformance';
import { describe } from '../util/validate';
import { DEFAULT_BLEND, DEFAULT_MEASURE, DEFAULT_OVERLAP, DEFAULT_PLACEMENT } from './defaults';
import { intervalText, isOverlap, isPatchEdge, OVERLAP_LIMITS, PATCH_LIMITS } from './limits';

/** Settings of one inference run (what the app's run form makes and a run record keeps). */
export interface RunSettings {
  /** Patch size per spatial axis (one entry: every axis), each within `PATCH_LIMITS`. */
  patchSize: number[];
  /** Overlap fraction within `OVERLAP_LIMITS`, one for all axes. */
  overlap: number;
  placement: Placement;
  blend: BlendMode;
  /** Measure of the patch performance map. */
  measure: InferenceMeasure;
}

/** A run's settings when nobody chose them (the patch comes from the model and the image: `defaultPatch`). */
export const DEFAULT_RUN_SETTINGS: Readonly<Omit<RunSettings, 'patchSize'>> = { overlap: DEFAULT_OVERLAP, placement: DEFAULT_PLACEMENT, blend: DEFAULT_BLEND, measure: DEFAULT_MEASURE };

/** The keys of {@link RunSettings}, in the order the errors name them. */
export const RUN_SETTINGS_KEYS = ['patchSize', 'overlap', 'placement', 'blend', 'measure'] as const;

/** A run or sweep parameter outside its limits (a RangeError; the contract rethrows it as its own). */
export class SettingsError extends RangeError {
  override name = 'SettingsError';
}

/** How a check reports: an error class taking the whole message (default {@link SettingsError}). */
export type ErrorClass = new (message: string) => Error;

/**
 * `value` as a patch edge within `PATCH_LIMITS`, else throws `<where>: <name> must be an integer
 * in [1, 1024], got <value>`.
 */
export function checkPatchEdge(value: unknown, name: string, where: string, ErrorType: ErrorClass = SettingsError): number {
  if (!isPatchEdge(value)) throw new ErrorType(`${where}: ${name} must be an integer in ${intervalText(PATCH_LIMITS)}, got ${describe(value)}`);
  return value;
}

/** `value` as an overlap within `OVERLAP_LIMITS`, else throws `<where>: <name> must be in [0, 0.9], got <value>`. */
export function checkOverlap(value: unknown, name: string, where: string, ErrorType: ErrorClass = SettingsError): number {
  if (!isOverlap(value)) throw new ErrorType(`${where}: ${name} must be in ${intervalText(OVERLAP_LIMITS)}, got ${describe(value)}`);
  return value;
}

/** `value` as one of `allowed`, else throws `<where>: <name> must be one of a, b, got <value>`. */
export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, where: string, ErrorType: ErrorClass = SettingsError): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new ErrorType(`${where}: ${name} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  return value as T;
}

/**
 * Checks run settings as they arrive from outside (the renderer, a run record): a plain object
 * with exactly the keys of {@link RunSettings}, a patch of 1 to 3 edges within `PATCH_LIMITS`,
 * an overlap within `OVERLAP_LIMITS`, a known placement, blend and measure.
 * @param where what the message starts with: the channel (`run:start`) or the function
 * @param ErrorType the error thrown (default {@link SettingsError})
 * @returns a fresh copy of the settings
 * @throws naming the field: `run:start: settings.overlap must be in [0, 0.9], got 1.2`
 */
export function checkRunSettings(value: unknown, where: string, ErrorType: ErrorClass = SettingsError): RunSettings {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) throw new ErrorType(`${where}: settings must be an object, got ${describe(value)}`);
  const o = value as Record<string, unknown>;
  const keys: readonly string[] = RUN_SETTINGS_KEYS;
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ErrorType(`${where}: unknown argument settings.${k}`);
  for (const k of keys) if (o[k] === undefined) throw new ErrorType(`${where}: settings.${k} is required`);
  const patch = o.patchSize;
  if (!Array.isArray(patch) || patch.length < 1 || patch.length > 3) {
    throw new ErrorType(`${where}: settings.patchSize must be an array of 1 to 3 positive integers, got ${describe(patch)}`);
  }
  return {
    // Array.from, not map: map skips the holes of a sparse array, which would pass unchecked.
    patchSize: Array.from(patch, (p, i) => checkPatchEdge(p, `settings.patchSize[${i}]`, where, ErrorType)),
    overlap: checkOverlap(o.overlap, 'settings.overlap', where, ErrorType),
    placement: checkOneOf(o.placement, PLACEMENTS, 'settings.placement', where, ErrorType),
    blend: checkOneOf(o.blend, BLEND_MODES, 'settings.blend', where, ErrorType),
    measure: checkOneOf(o.measure, INFERENCE_MEASURES, 'settings.measure', where, ErrorType),
  };
}
