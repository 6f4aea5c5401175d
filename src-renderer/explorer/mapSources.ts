import type { RunRecord } from '../../shared/api/contract';
import type { MarginSummary } from '../../shared/sweep/types';

/** Where a patch performance map for the explorer comes from. */
export type MapSource =
  | { kind: 'training'; key: string; label: string }
  | { kind: 'run'; key: string; label: string; runId: string; map: 'performance' | 'consistency' }
  | { kind: 'sweep'; key: string; label: string; sweepId: string; calibrationId: string };

/**
 * The maps on offer: the selected sweep's calibration maps (one per patch size), the model's
 * training map (when its folder has one), and each run's performance and consistency maps.
 */
export function mapSources(input: { hasTrainingMap: boolean; runs: readonly RunRecord[]; sweepId: string | null; margins: readonly MarginSummary[] }): MapSource[] {
  const out: MapSource[] = [];
  if (input.sweepId !== null) {
    for (const m of input.margins) {
      out.push({ kind: 'sweep', key: `sweep:${input.sweepId}:${m.calibrationId}`, label: `sweep ${input.sweepId}: calibration ${m.calibrationId}`, sweepId: input.sweepId, calibrationId: m.calibrationId });
    }
  }
  if (input.hasTrainingMap) out.push({ kind: 'training', key: 'training', label: "the model's training map" });
  for (const r of input.runs) {
    if (r.hasPerformance) out.push({ kind: 'run', key: `run:${r.id}:performance`, label: `run ${r.id} (${r.imageName}): performance`, runId: r.id, map: 'performance' });
    if (r.hasConsistency) out.push({ kind: 'run', key: `run:${r.id}:consistency`, label: `run ${r.id} (${r.imageName}): consistency`, runId: r.id, map: 'consistency' });
  }
  return out;
}
