/**
 * The checks of run and sweep parameters (patch sizes, overlaps, placements, blends, measures,
 * repeats) as the contract takes them: the one place their limits are applied to a request.
 */
import type { RunSettings } from '../contract/runs';
import { SWEEP_CASES, type SweepRequest } from '../contract/sweeps';
import { PLACEMENTS } from '../../grid/placement';
import { BLEND_MODES } from '../../stitching/types';
import { INFERENCE_MEASURES } from '../../engine/inference/inferencePerformance';
import { SWEEP_BLENDS } from '../../sweep/grid';
import { describe } from '../../util/validate';
import { ARG_LIMITS } from './argLimits';
import { fail, int, list, object, oneOf } from './checks';

/** `value` if it is an overlap fraction in [0, 1). */
export function overlap(ch: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) fail(ch, `${name} must be in [0, 1), got ${describe(value)}`);
  return value;
}

/** `settings` of `run:start`, checked. */
export function runSettings(ch: string, value: unknown): RunSettings {
  const o = object(ch, 'settings', value, ['patchSize', 'overlap', 'placement', 'blend', 'measure']);
  const patchSize = Array.isArray(o.patchSize) ? o.patchSize : fail(ch, `settings.patchSize must be an array of 1 to 3 positive integers, got ${describe(o.patchSize)}`);
  if (patchSize.length < 1 || patchSize.length > 3) fail(ch, `settings.patchSize must be an array of 1 to 3 positive integers, got ${describe(patchSize)}`);
  return {
    patchSize: Array.from(patchSize, (p, i) => int(ch, `settings.patchSize[${i}]`, p, 1, ARG_LIMITS.maxPatch)),
    overlap: overlap(ch, 'settings.overlap', o.overlap),
    placement: oneOf(ch, 'settings.placement', o.placement, PLACEMENTS),
    blend: oneOf(ch, 'settings.blend', o.blend, BLEND_MODES),
    measure: oneOf(ch, 'settings.measure', o.measure, INFERENCE_MEASURES),
  };
}

/** `request` of `sweep:start`, checked. */
export function sweepRequest(ch: string, value: unknown): SweepRequest {
  const o = object(ch, 'request', value, ['patchSizes', 'overlaps', 'blends', 'placements', 'repeats', 'cases']);
  const n = ARG_LIMITS.maxSweepList;
  return {
    patchSizes: list(ch, 'request.patchSizes', o.patchSizes, 1, n, (name, v) => int(ch, name, v, 1, ARG_LIMITS.maxPatch)),
    overlaps: list(ch, 'request.overlaps', o.overlaps, 1, n, (name, v) => overlap(ch, name, v)),
    blends: list(ch, 'request.blends', o.blends, 1, n, (name, v) => oneOf(ch, name, v, SWEEP_BLENDS)),
    placements: list(ch, 'request.placements', o.placements, 1, n, (name, v) => oneOf(ch, name, v, PLACEMENTS)),
    repeats: int(ch, 'request.repeats', o.repeats, 1, 5),
    cases: oneOf(ch, 'request.cases', o.cases, SWEEP_CASES),
  };
}
