/**
 * The sweeps domain's data: what a sweep runs, its record and its plan.
 */
import type { Placement } from '../../grid/placement';
import type { SweepBlend } from '../../sweep/types';
import type { ModelInfo } from './files';

/** Which cases a sweep runs: `current` the open image + labels (both required), `demo` the bundled demo's cases. */
export const SWEEP_CASES = ['current', 'demo'] as const;

/** Which cases a sweep runs (see {@link SWEEP_CASES}). */
export type SweepCases = (typeof SWEEP_CASES)[number];

/** What a sweep from the UI runs. */
export interface SweepRequest {
  /** Patch sizes (one number: all axes). */
  patchSizes: number[];
  overlaps: number[];
  blends: SweepBlend[];
  placements: Placement[];
  /** Timed runs per configuration (1–5). */
  repeats: number;
  /** `current`: the open image + labels (both required); `demo`: the bundled demo's cases. */
  cases: SweepCases;
}

/** A sweep of the project (`sweeps/<id>/`). */
export interface SweepRecord {
  id: string;
  createdAt: string;
  configs: number;
  cases: number;
  /** Whether every (case, configuration) has a result. */
  complete: boolean;
  dir: string;
}

/** What a sweep would run, shown before it runs (`sweep:plan`). */
export interface SweepPlanInfo {
  which: SweepRequest['cases'];
  /** The model it runs: the open one for `current`, the bundled demo model for `demo` (null: none open). */
  model: ModelInfo | null;
  /** Its cases, by file name. */
  cases: { id: string; image: string; label: string }[];
  /** Spatial shape inference runs over for the first case (`patchAdvice`'s `gridShape`; null when unknown). */
  grid: number[] | null;
}
