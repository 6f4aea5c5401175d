/** The defaults of a sweep's grid and run settings (the app's sweep form, `patchlens sweep`, `runSweep`). */
import type { Placement } from '../grid/placement';
import type { SweepBlend, SweepSettings } from '../sweep/types';
import { DEFAULT_BLEND, DEFAULT_MEASURE, DEFAULT_OVERLAP, DEFAULT_PLACEMENT } from './defaults';

/** A sweep's overlaps unless told otherwise: none, MONAI's 0.25 and {@link DEFAULT_OVERLAP}. */
export const DEFAULT_SWEEP_OVERLAPS: readonly number[] = [0, 0.25, DEFAULT_OVERLAP];

/** A sweep's blends unless told otherwise: plain averaging against {@link DEFAULT_BLEND}. */
export const DEFAULT_SWEEP_BLENDS: readonly SweepBlend[] = ['constant', DEFAULT_BLEND];

/** A sweep's placements unless told otherwise. */
export const DEFAULT_SWEEP_PLACEMENTS: readonly Placement[] = [DEFAULT_PLACEMENT];

/** A sweep's run settings unless told otherwise (see {@link SweepSettings}). */
export const DEFAULT_SWEEP_SETTINGS: Readonly<SweepSettings> = { repeats: 3, warmup: 'patch', batchSize: 1, measure: DEFAULT_MEASURE, diceMode: 'auto', crop: true };
