import type { ComputeMap, ComputeTaskResult, ComputeVolume } from '../../shared/api/contract';
import type { EngineMap, EngineResult, EngineVolume } from '../engine/protocol';

const FN = 'toComputeTaskResult';
const MAX_WARNINGS = 256;
const MAX_TEXT = 4096;

/** A text cut to the contract's longest free text. */
function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** A volume of the engine's result as a {@link ComputeVolume}: float32 / uint8 data kept as they are (no copy), other types as float32. */
function toVolume(name: string, v: EngineVolume | null | undefined): ComputeVolume {
  if (!v) throw new Error(`${FN}: the engine result has no ${name} (the run must ask for it)`);
  const data = v.data instanceof Float32Array || v.data instanceof Uint8Array ? v.data : Float32Array.from(v.data as ArrayLike<number>);
  return { data, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((row) => [...row]) };
}

/** A patch-shaped map as a {@link ComputeMap}: its raw accumulator (main rebuilds and merges the map from it). */
function toMap(m: EngineMap | null, fallbackMeasure: string | null): ComputeMap | null {
  if (!m) return null;
  return {
    shape: [...m.shape],
    count: m.count,
    measure: m.measure ?? m.accumulator.measure ?? fallbackMeasure,
    accumulator: { shape: [...m.accumulator.shape], sum: m.accumulator.sum, count: m.accumulator.count },
  };
}

/**
 * Reduces the engine worker's result to what a page compute task hands to main
 * (`compute:done`): the volumes (typed arrays shared, not copied), the maps' accumulators, Dice,
 * timing, the backend (renderer and software flag included), the grid and the per-window
 * predictions (when main asked for them); drops the NIfTI bytes,
 * the means of the maps and the worker's diagnostics.
 * @throws Error naming the missing output when the run did not return probabilities or coverage
 */
export function toComputeTaskResult(r: EngineResult): ComputeTaskResult {
  if (!r.coverage) throw new Error(`${FN}: the engine result has no coverage (the run must ask for it)`);
  return {
    labels: toVolume('labels', r.labels),
    probabilities: toVolume('probabilities', r.probabilities),
    coverage: { count: toVolume('coverage.count', r.coverage.count), weight: toVolume('coverage.weight', r.coverage.weight) },
    patchPerformance: toMap(r.patchPerformance, null),
    consistency: toMap(r.consistency, 'consistency'),
    dice: r.dice,
    domainDice: r.domainDice,
    windows: r.windows,
    timing: { ...r.timing },
    backend: {
      name: r.backend.name,
      reason: clip(r.backend.reason ?? 'chosen by the page'),
      renderer: r.backend.renderer === undefined ? null : clip(r.backend.renderer),
      software: r.backend.software === true,
    },
    grid: { shape: [...r.grid.shape], domain: { start: [...r.grid.domain.start], size: [...r.grid.domain.size] }, steps: [...r.grid.steps] },
    options: { ...r.options },
    classes: r.classes.map((c) => ({ name: c.name, color: [...c.color] as [number, number, number] })),
    // runInference already names every backend fallback in its warnings (the contract's limits: 256 of 4096 characters).
    warnings: r.warnings.slice(0, MAX_WARNINGS).map((w) => clip(w)),
    // The per-window predictions as they are (typed array shared, not copied); a reason as free text.
    ...(r.predictions ? { predictions: 'absent' in r.predictions ? { absent: clip(r.predictions.absent) } : r.predictions } : {}),
  };
}
