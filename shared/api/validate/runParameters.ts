/**
 * The checks of run and sweep parameters (patch sizes, overlaps, placements, blends, measures,
 * repeats) as the contract takes them. Their limits and lists are shared/settings' (the same the
 * app's forms, the CLI and the core apply); these only word the error as the contract's
 * {@link ArgsError} naming the channel.
 */
import type { RunSettings } from '../contract/runs';
import { SWEEP_CASES, type SweepRequest } from '../contract/sweeps';
import { APP_SWEEP_REPEATS_LIMITS, checkOverlap, checkPatchEdge, checkRunSettings, MAX_SWEEP_LIST, PLACEMENTS, SWEEP_BLENDS } from '../../settings/index';
import { ArgsError, int, list, object, oneOf } from './checks';

/** `value` if it is an overlap fraction within shared/settings' `OVERLAP_LIMITS` ([0, 0.9]). */
export function overlap(ch: string, name: string, value: unknown): number {
  return checkOverlap(value, name, ch, ArgsError);
}

/** `settings` of `run:start`, checked with shared/settings' `checkRunSettings`. */
export function runSettings(ch: string, value: unknown): RunSettings {
  return checkRunSettings(value, ch, ArgsError);
}

/** `request` of `sweep:start`, checked against shared/settings' limits and lists. */
export function sweepRequest(ch: string, value: unknown): SweepRequest {
  const o = object(ch, 'request', value, ['patchSizes', 'overlaps', 'blends', 'placements', 'repeats', 'cases']);
  const n = MAX_SWEEP_LIST;
  return {
    patchSizes: list(ch, 'request.patchSizes', o.patchSizes, 1, n, (name, v) => checkPatchEdge(v, name, ch, ArgsError)),
    overlaps: list(ch, 'request.overlaps', o.overlaps, 1, n, (name, v) => overlap(ch, name, v)),
    blends: list(ch, 'request.blends', o.blends, 1, n, (name, v) => oneOf(ch, name, v, SWEEP_BLENDS)),
    placements: list(ch, 'request.placements', o.placements, 1, n, (name, v) => oneOf(ch, name, v, PLACEMENTS)),
    repeats: int(ch, 'request.repeats', o.repeats, APP_SWEEP_REPEATS_LIMITS.min, APP_SWEEP_REPEATS_LIMITS.max),
    cases: oneOf(ch, 'request.cases', o.cases, SWEEP_CASES),
  };
}
