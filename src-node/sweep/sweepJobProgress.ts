/**
 * A sweep's progress as one job fraction that never goes backwards (issue 12, item 11).
 *
 * The whole sweep is counted in inference runs: every pair's `repeats` timed runs (plus its own
 * warm-up with `warmup: 'each'`), plus one untimed warm-up (calibration configuration) per patch
 * size with `warmup: 'patch'`. A run in flight adds its own share (preprocess → windows →
 * postprocess, which only grows); a finished run, a kept result (`skip`) or a saved pair moves the
 * count on. Untimed runs the plan could not foresee (a calibration map another shard owns) add
 * nothing: the fraction holds still while they run instead of shrinking the share of the rest.
 *
 * The old formula (finished pairs + the share of the pair in flight, counted from the model's
 * windows only) fell back to the start of a run as soon as the run left its `model` phase, and
 * ignored the warm-up and calibration runs: 51 % → 58 % → 50 %.
 */
import type { InferenceProgress } from '../../shared/engine/inference/runOnGrid';
import type { SweepSettings } from '../../shared/sweep/types';
import type { SweepProgress } from './runSweep';

/** What the fraction is counted over. */
export interface SweepJobPlan {
  /** Distinct patch sizes of the grid (one `patch` warm-up each). */
  patchSizes: number;
  repeats: number;
  warmup: SweepSettings['warmup'];
}

/** A job's progress (the contract's `JobInfo['progress']`). */
export interface SweepJobProgress {
  fraction: number;
  phase: string;
  etaMs: number | null;
  message: string;
}

/** Share of one run by the inference phase: preprocessing 0–5 %, the windows 5–95 %, postprocessing 95–100 %. */
function runShare(p: InferenceProgress | undefined): number {
  if (!p) return 0;
  const part = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  if (p.phase === 'preprocess') return 0.05 * part;
  if (p.phase === 'model') return 0.05 + 0.9 * part;
  return 0.95 + 0.05 * part;
}

/**
 * A function that turns each {@link SweepProgress} event, in the order `runSweep` sends them,
 * into the job's progress. Keep one per sweep job (it counts the runs it has seen).
 * @param plan what the sweep runs (see {@link SweepJobPlan})
 * @param now the clock for the time left (default `Date.now`)
 */
export function sweepJobProgress(plan: SweepJobPlan, now: () => number = Date.now): (p: SweepProgress) => SweepJobProgress {
  const perPair = plan.repeats + (plan.warmup === 'each' ? 1 : 0);
  const patchWarmups = plan.warmup === 'patch' ? plan.patchSizes : 0;
  const t0 = now();
  let total = 0;
  let completed = 0;
  let warmupsSeen = 0;
  /** The run in flight: its key, whether the plan counts it, its share so far. */
  let current: { key: string; counted: boolean; share: number } | null = null;
  const finishCurrent = () => {
    if (current?.counted) completed++;
    current = null;
  };
  return (p) => {
    // `total` pairs is the shard's, known from the first event.
    if (total === 0) total = Math.max(1, p.total * perPair + patchWarmups);
    if (p.stage === 'skip') {
      finishCurrent();
      completed += perPair;
    } else if (p.stage === 'load' || p.stage === 'saved') {
      finishCurrent();
    } else {
      const key = `${p.caseId}\n${p.configId}\n${p.stage}\n${p.run ?? ''}`;
      if (current?.key !== key) {
        finishCurrent();
        let counted = p.stage === 'run' || (p.stage === 'warmup' && plan.warmup === 'each');
        if (p.stage === 'warmup' && plan.warmup === 'patch' && warmupsSeen < patchWarmups) {
          warmupsSeen++;
          counted = true;
        }
        current = { key, counted, share: 0 };
      }
      current.share = Math.max(current.share, runShare(p.inference));
    }
    const units = Math.min(total, completed + (current?.counted ? current.share : 0));
    const fraction = units / total;
    const elapsed = now() - t0;
    const what = p.stage === 'run' ? `run ${p.run}/${p.runs}` : p.stage === 'warmup' ? 'warm-up' : p.stage === 'calibrate' ? 'calibration' : p.stage;
    return {
      fraction,
      phase: 'sweep',
      etaMs: fraction > 0.02 ? Math.round((elapsed * (1 - fraction)) / fraction) : null,
      message: `${p.done}/${p.total} pairs · ${p.caseId} ${p.configId} · ${what}`,
    };
  };
}
