import type { InferenceResult } from '../../shared/engine/inference/runInference';
import type { ConfigTiming } from '../../shared/sweep/types';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** A configuration's timing over its timed runs: the median total and split, the spread, and the fastest run's split. */
export function timingOf(runs: readonly Pick<InferenceResult, 'timing'>[]): ConfigTiming {
  const totals = runs.map((r) => r.timing.totalMs);
  const fastest = runs[totals.indexOf(Math.min(...totals))].timing;
  return {
    medianMs: median(totals),
    minMs: Math.min(...totals),
    maxMs: Math.max(...totals),
    runs: runs.length,
    preprocessMs: median(runs.map((r) => r.timing.preprocessMs)),
    modelMs: median(runs.map((r) => r.timing.modelMs)),
    stitchMs: median(runs.map((r) => r.timing.stitchMs)),
    postprocessMs: median(runs.map((r) => r.timing.postprocessMs)),
    runsMs: totals,
    fastest: { preprocessMs: fastest.preprocessMs, modelMs: fastest.modelMs, stitchMs: fastest.stitchMs, postprocessMs: fastest.postprocessMs },
  };
}
