import type { ComputeMap, ComputeTaskResult, ComputeVolume } from '../../shared/api/contract';
import type { Volume } from '../../shared/io/volume';
import type { InferenceResult } from '../../shared/engine/inference/runInference';
import type { PerformanceMap } from '../../shared/performance/PerformanceMap';
import type { PredictionCollector } from '../../shared/reevaluate';

function toVolume(v: Volume): ComputeVolume {
  if (!(v.data instanceof Float32Array || v.data instanceof Uint8Array)) throw new TypeError(`toComputeTaskResult: volume data must be a Float32Array or Uint8Array, got ${Object.prototype.toString.call(v.data)}`);
  return { data: v.data, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((row) => [...row]) };
}

function toMap(m: { shape: number[]; count: number; accumulator: PerformanceMap }, measure: string | null): ComputeMap {
  const a = m.accumulator;
  return { shape: [...m.shape], count: m.count, measure, accumulator: { shape: [...a.shape], sum: Float64Array.from(a.sum), count: a.count } };
}

/**
 * An engine result as a page compute task answers it (`compute:done`): the volumes as they are,
 * the patch maps as their accumulators, the backend with its renderer. What a page compute
 * context sends, built from a run in this process (tests, tools); `finishPageRun` takes it back.
 * @param predictions the run's collector (passed as its `onPrediction`): sent as the page sends
 *   its per-window predictions (no labels: main takes its own)
 */
export function toComputeTaskResult(result: InferenceResult, predictions?: PredictionCollector): ComputeTaskResult {
  const b = result.backend as InferenceResult['backend'] & { software?: boolean };
  return {
    labels: toVolume(result.labels),
    probabilities: toVolume(result.probabilities),
    coverage: { count: toVolume(result.coverage.count), weight: toVolume(result.coverage.weight) },
    patchPerformance: result.patchPerformance && toMap(result.patchPerformance, result.patchPerformance.measure),
    consistency: result.consistency && toMap(result.consistency, 'consistency'),
    dice: result.dice,
    domainDice: result.domainDice,
    windows: result.windows,
    timing: { ...result.timing },
    backend: { name: b.name, reason: b.reason ?? '', renderer: b.renderer ?? null, software: b.software ?? false },
    grid: { shape: [...result.grid.shape], domain: { start: [...result.grid.domain.start], size: [...result.grid.domain.size] }, steps: [...result.grid.steps] },
    options: JSON.parse(JSON.stringify(result.options)) as Record<string, unknown>,
    classes: result.classes.map((c) => ({ name: c.name, color: [c.color[0], c.color[1], c.color[2]] })),
    warnings: [...result.warnings],
    ...(predictions ? { predictions: sentPredictions(predictions, result) } : {}),
  };
}

/** What a page sends of its collector: the cache without its labels (zeros here; main puts the run's own in). */
function sentPredictions(collector: PredictionCollector, result: InferenceResult): NonNullable<ComputeTaskResult['predictions']> {
  const c = collector.finish(new Uint8Array(result.plan.shape.reduce((a, b) => a * b, 1)));
  return { encoding: c.encoding, classes: c.classes, geometry: c.geometry, values: c.probabilities };
}
