// Hand-made sweeps and results for the summary tests (pure: no model, no files).
import { planSweep } from '../../shared/sweep/grid';
import type { CaseResult, SweepConfig, SweepFile, SweepGrid } from '../../shared/sweep/types';

/** Patch 64, overlap 0 and 0.5, gaussian and performance-weighted blending. */
export const grid: SweepGrid = { patchSizes: [[64]], overlaps: [[0], [0.5]], placements: ['stride'], blends: ['gaussian', 'performance-weighted'], mirror: [false] };

/** A sweep of that grid over these case ids (fingerprints `fp-<id>`). */
export function sweepOf(caseIds: string[]): SweepFile {
  const plan = planSweep(grid, { spatialAxes: 3 });
  return {
    format: 'patchlens.sweep',
    version: 1,
    created: '2025-01-01T00:00:00.000Z',
    updated: '2025-01-01T00:00:00.000Z',
    grid,
    spatialAxes: 3,
    configs: plan.configs,
    calibration: plan.calibration,
    cases: caseIds.map((id) => ({ id, image: `/data/${id}.nii.gz`, label: `/data/${id}-label.nii.gz` })),
    fingerprints: Object.fromEntries(caseIds.map((id) => [id, `fp-${id}`])),
    model: { name: 'm', sha256: 'a'.repeat(64) },
    settings: { repeats: 3, warmup: 'patch', batchSize: 1, measure: 'absoluteError', diceMode: 'auto', crop: true },
  };
}

/** A result with the given timed runs and Dice. */
export function result(caseId: string, config: SweepConfig, runsMs: number[], dice: number, extra: Partial<CaseResult> = {}): CaseResult {
  const sorted = [...runsMs].sort((a, b) => a - b);
  const med = sorted[sorted.length >> 1];
  return {
    caseId,
    configId: config.id,
    config,
    windows: config.overlap[0] === 0 ? 8 : 27,
    timing: { medianMs: med, minMs: sorted[0], maxMs: sorted[sorted.length - 1], runs: runsMs.length, preprocessMs: 1, modelMs: med - 2, stitchMs: 1, postprocessMs: 0, runsMs },
    dice: { mode: 'foreground', perClass: [{ label: -1, dice, predicted: 1000, reference: 1000 }], mean: dice },
    machine: 'm1',
    backend: 'cpu',
    performance: null,
    domainSize: [128, 128, 128],
    gridShape: [128, 128, 128],
    calibration: false,
    fingerprint: `fp-${caseId}`,
    warnings: [],
    finishedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

