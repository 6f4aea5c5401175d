/**
 * Re-evaluation without the model (`npm run bench` calls it): the full recomputation of the
 * patch performance map, Dice and the error map from a uint8 prediction cache, and the
 * incremental update after a brush stroke (a ball of radius 5, 515 voxels), for
 *   - the demo run: 91×109×91, 24³ windows at overlap 0.5 (441 windows), 2 classes;
 *   - a brainchop run: 256³, 64³ windows at overlap 0.5 (343 windows), 3 classes.
 * The targets: under 1 s for the demo, under 10 s for the 256³ run. The probabilities are
 * seeded noise: the work does not depend on their values.
 */
import { planWindows } from '../shared/stitching/planWindows';
import { mulberry32 } from '../shared/util/mulberry32';
import { reevaluate } from '../shared/reevaluate/reevaluate';
import type { PredictionCache } from '../shared/reevaluate/predictionCache';
import type { VoxelDiff } from '../shared/annotation/voxelDiff';

interface Scenario {
  name: string;
  shape: number[];
  patch: number;
  classes: number;
  fullRuns: number;
  targetMs: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'demo', shape: [91, 109, 91], patch: 24, classes: 2, fullRuns: 5, targetMs: 1000 },
  { name: 'brainchop_256', shape: [256, 256, 256], patch: 64, classes: 3, fullRuns: 2, targetMs: 10000 },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const r1 = (x: number) => Math.round(x * 10) / 10;

/** A uint8 cache of seeded per-window probabilities (each voxel's classes sum to 255) and a ball-shaped reference. */
function syntheticRun(s: Scenario) {
  const plan = planWindows(s.shape, { patchSize: s.patch, overlap: 0.5 });
  const rand = mulberry32(14);
  const values = plan.windows.length * s.patch ** 3;
  const probabilities = new Uint8Array(values * s.classes);
  for (let v = 0; v < values; v++) {
    let left = 255;
    for (let c = 1; c < s.classes; c++) {
      const q = Math.floor(rand() * (left + 1));
      probabilities[v * s.classes + c] = q;
      left -= q;
    }
    probabilities[v * s.classes] = left;
  }
  const [d, h, w] = s.shape;
  const reference = new Uint8Array(d * h * w);
  const labels = new Uint8Array(d * h * w);
  for (let z = 0; z < d; z++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const r = Math.hypot((z - d / 2) / d, (y - h / 2) / h, (x - w / 2) / w);
        const i = (z * h + y) * w + x;
        reference[i] = r < 0.3 ? (r < 0.15 ? s.classes - 1 : 1) : 0;
        labels[i] = r < 0.31 ? 1 : 0;
      }
  const cache: PredictionCache = { encoding: 'uint8', classes: s.classes, geometry: plan, probabilities, labels };
  return { plan, cache, reference };
}

/** A stroke: every voxel within 5 voxels of `centre` set to `label`. */
function stroke(shape: number[], reference: ArrayLike<number>, centre: number[], label: number): VoxelDiff {
  const [, h, w] = shape;
  const indices: number[] = [];
  const before: number[] = [];
  for (let z = centre[0] - 5; z <= centre[0] + 5; z++)
    for (let y = centre[1] - 5; y <= centre[1] + 5; y++)
      for (let x = centre[2] - 5; x <= centre[2] + 5; x++) {
        const i = (z * h + y) * w + x;
        if ((z - centre[0]) ** 2 + (y - centre[1]) ** 2 + (x - centre[2]) ** 2 <= 25 && reference[i] !== label) {
          indices.push(i);
          before.push(reference[i]);
        }
      }
  return { indices: Uint32Array.from(indices), before: Uint8Array.from(before), after: label };
}

/** Runs the re-evaluation lines; `emit` prints one JSON object per line. */
export async function reevaluateBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  for (const s of SCENARIOS) {
    const { plan, cache, reference } = syntheticRun(s);
    const fullMs: number[] = [];
    let state = reevaluate(cache, plan, reference, { measure: 'absoluteError' }); // warm-up
    for (let i = 0; i < s.fullRuns; i++) {
      const t0 = performance.now();
      state = reevaluate(cache, plan, reference, { measure: 'absoluteError' });
      state.map();
      state.dice();
      fullMs.push(performance.now() - t0);
    }
    const common = { scenario: s.name, shape: s.shape, patch: s.patch, overlap: 0.5, windows: plan.windows.length, classes: s.classes, encoding: 'uint8', measure: 'absoluteError', cache_bytes: cache.probabilities.length + cache.labels.length };
    emit({ bench: 'reevaluate_full', metric: 'ms', value: r1(median(fullMs)), unit: 'ms', target_ms: s.targetMs, target_ok: median(fullMs) < s.targetMs, runs: fullMs.length, ms_runs: fullMs.map(r1), ...common });

    // In the background, so every voxel of the ball changes.
    const centre = s.shape.map((n) => Math.round(n * 0.15));
    const incMs: number[] = [];
    let info = { voxels: 0, windows: [] as number[], pairs: 0 };
    for (let i = 0; i < 6; i++) {
      // alternate painting and undoing the same stroke, so every update starts from the same state
      const diff = stroke(s.shape, state.reference, centre, 1 + (i % (s.classes - 1)));
      const t0 = performance.now();
      info = state.update(diff);
      state.map();
      state.dice();
      if (i > 0) incMs.push(performance.now() - t0);
      state.update(diff, true);
    }
    emit({ bench: 'reevaluate_incremental', metric: 'ms', value: r1(median(incMs)), unit: 'ms', edit: 'ball of radius 5', voxels: info.voxels, windows_touched: info.windows.length, pairs: info.pairs, runs: incMs.length, ms_runs: incMs.map(r1), ...common });

    // The recommendation's noise the app computes with every re-evaluation (leave-one-group-out margins).
    const noiseMs: number[] = [];
    let groups = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      groups = state.marginNoise().groups;
      noiseMs.push(performance.now() - t0);
    }
    const totalMs = median(fullMs) + median(noiseMs);
    emit({ bench: 'reevaluate_margin_noise', metric: 'ms', value: r1(median(noiseMs)), unit: 'ms', groups, full_plus_noise_ms: r1(totalMs), target_ms: s.targetMs, target_ok: totalMs < s.targetMs, runs: noiseMs.length, ms_runs: noiseMs.map(r1), ...common });
  }
}
