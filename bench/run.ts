/**
 * PatchLens core benchmark (`npm run bench`).
 *
 * Prints machine-readable lines only: one JSON object per line, the first one describing the
 * machine. Every measured line has `bench`, `metric`, `value` and `unit`, plus extra fields.
 *
 *   1. stitch         slidingWindow over a 160×192×160×1 volume, patch 64³, overlap 0.5, stride
 *                     placement, gaussian blending, batch 1, identity predictor: pure stitching cost.
 *   2. stitch_budget  the same with a predictor that busy-waits 5 ms per 64³ patch; the budget is
 *                     that stitching (everything outside the predictor) stays below 10 % of the run.
 *   3. stitch_blend   the budget run once more for every other blend mode.
 *   3b. stitch_budget_async  the budget with an asynchronous 5 ms predictor (a GPU or a Worker):
 *                     the core stitches batch k while the predictor works on batch k+1.
 *   4. recommend_margin  recommendMargin on the real 32×128×128×1 reference map, with the numpy brute
 *                     force's time and `ratio_vs_numpy` (bench/recommendMarginBench.ts).
 *   5. conv3d_*       the CPU Conv3D kernels against tfjs-backend-cpu (bench/conv3dBench.ts).
 *   6. engine_model, peak_memory_256  a real model on real MRI per backend (bench/engineBench.ts).
 *   6b. cancel_within_window  an aborted 128³ pass against a whole one (bench/cancelBench.ts).
 *   6c. reevaluate_full, reevaluate_incremental, reevaluate_margin_noise  re-evaluation from a uint8 prediction cache after a
 *                     reference edit, demo and 256³ run sizes (bench/reevaluateBench.ts).
 *   6d. annotation_stall  the longest event-loop stall while a 256³ run is re-evaluated and its
 *                     labels saved, inline against worker thread + async gzip (bench/annotationStallBench.ts).
 *   7. frame_gaps     the app page's frame gaps while a run goes, compute in main and in the page
 *                     (Chromium; bench/frameGapsBench.ts).
 *
 * Every timed scenario runs once to warm up, then `repeats` times; the reported numbers come from
 * the run with the median total time (so total = predictor + outside holds within that run).
 */
import { mulberry32 } from '../shared/util/mulberry32';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv3dBench } from './conv3dBench';
import { engineBench } from './engineBench';
import { recommendMarginBench } from './recommendMarginBench';
import {
  planWindows,
  slidingWindow,
  type BlendMode,
  type NdArray,
  type Predictor,
} from '../shared/index';

/** Image, patch and placement of the stitching scenarios. */
const SHAPE = [160, 192, 160] as const;
const PATCH = 64;
const OVERLAP = 0.5;
/** The model cost: 5 ms of predictor time per 64³ patch. */
const MS_PER_64_CUBE = 5;
/** The budget: stitching overhead below 10 % of the run. */
const BUDGET = 0.1;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referenceMap = resolve(repoRoot, '..', 'shared', 'reference', 'patch-performance-map-variable-32x128x128x1.npy');

/** Prints one JSON line. */
function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Rounds for display without losing what matters in a benchmark. */
function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}


/** One timed sliding-window run. */
interface RunTiming {
  totalMs: number;
  predictorMs: number;
  windows: number;
}

/**
 * A predictor that returns its batch unchanged after busy-waiting `msPer64Cube` per 64³ of patch
 * voxels (0: identity), and that adds the wall time of every call to `timing.predictorMs`.
 */
function makePredictor(msPer64Cube: number, timing: RunTiming, kind: PredictorKind = 'busy'): Predictor {
  if (kind === 'async') {
    // A GPU- or Worker-like model: the time passes off this thread (a timer), so the core can
    // stitch the previous batch meanwhile. Only one call is in flight at a time, so the sum of
    // call-to-resolution times is the time covered by the predictor.
    return async (batch) => {
      const t0 = performance.now();
      const patches = batch.shape[0];
      const voxelsPerPatch = batch.shape.slice(1, -1).reduce((a, b) => a * b, 1);
      await new Promise((r) => setTimeout(r, (msPer64Cube * patches * voxelsPerPatch) / PATCH ** 3));
      timing.windows += patches;
      timing.predictorMs += performance.now() - t0;
      return batch;
    };
  }
  return (batch) => {
    const t0 = performance.now();
    const patches = batch.shape[0];
    const voxelsPerPatch = batch.shape.slice(1, -1).reduce((a, b) => a * b, 1);
    const spin = (msPer64Cube * patches * voxelsPerPatch) / PATCH ** 3;
    if (spin > 0) while (performance.now() - t0 < spin) { /* busy-wait: a model that holds the thread */ }
    timing.windows += patches;
    timing.predictorMs += performance.now() - t0;
    return batch;
  };
}

/** `busy`: the model holds this thread (CPU inference); `async`: it runs elsewhere (GPU, Worker). */
type PredictorKind = 'busy' | 'async';

/** One slidingWindow run over `volume`. */
async function timeRun(volume: NdArray<Float32Array>, blend: BlendMode, msPer64Cube: number, kind: PredictorKind = 'busy'): Promise<RunTiming> {
  const timing: RunTiming = { totalMs: 0, predictorMs: 0, windows: 0 };
  const predict = makePredictor(msPer64Cube, timing, kind);
  const t0 = performance.now();
  const out = await slidingWindow(volume, predict, { patchSize: PATCH, overlap: OVERLAP, placement: 'stride', blend, batchSize: 1 });
  timing.totalMs = performance.now() - t0;
  if (out.data.length !== volume.data.length) throw new Error(`bench: output has ${out.data.length} values, expected ${volume.data.length}`);
  return timing;
}

/** Warm-up plus `repeats` runs; returns the run with the median total and all totals. */
async function measure(volume: NdArray<Float32Array>, blend: BlendMode, msPer64Cube: number, repeats: number, kind: PredictorKind = 'busy') {
  await timeRun(volume, blend, msPer64Cube, kind);
  const runs: RunTiming[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await timeRun(volume, blend, msPer64Cube, kind));
  const sorted = [...runs].sort((a, b) => a.totalMs - b.totalMs);
  return { median: sorted[(sorted.length - 1) >> 1], totals: runs.map((r) => r3(r.totalMs)) };
}

/** The common fields of a stitching line. */
function stitchFields(t: RunTiming, totals: number[], voxels: number) {
  const outside = t.totalMs - t.predictorMs;
  return {
    total_ms: r3(t.totalMs),
    predictor_ms: r3(t.predictorMs),
    outside_ms: r3(outside),
    overhead_fraction: r3(outside / t.totalMs),
    windows: t.windows,
    voxels_per_s: Math.round(voxels / (t.totalMs / 1000)),
    outside_ms_per_window: r3(outside / t.windows),
    runs: totals.length,
    total_ms_runs: totals,
  };
}

async function main(): Promise<void> {
  const cpuList = cpus();
  emit({
    bench: 'env',
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu_model: cpuList[0]?.model ?? 'unknown',
    cpus: cpuList.length,
    date: new Date().toISOString(),
  });

  // The volume: seeded uniform noise, channels last.
  const voxels = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const rand = mulberry32(20240521);
  const data = new Float32Array(voxels);
  for (let i = 0; i < voxels; i++) data[i] = rand();
  const volume: NdArray<Float32Array> = { data, shape: [...SHAPE, 1] };
  const plannedWindows = planWindows([...SHAPE], { patchSize: PATCH, overlap: OVERLAP, placement: 'stride' }).windows.length;
  const scenario = { shape: [...SHAPE, 1], patch: PATCH, overlap: OVERLAP, placement: 'stride', batch_size: 1 };

  // 1. Pure stitching cost: identity predictor.
  {
    const { median, totals } = await measure(volume, 'gaussian', 0, 5);
    const f = stitchFields(median, totals, voxels);
    emit({ bench: 'stitch', metric: 'voxels_per_s', value: f.voxels_per_s, unit: 'voxel/s', predictor: 'identity', blend: 'gaussian', ...scenario, ...f });
    if (median.windows !== plannedWindows) throw new Error(`bench: ${median.windows} windows predicted, ${plannedWindows} planned`);
  }

  // 2. The budget: a predictor that costs 5 ms per 64³ patch.
  {
    const { median, totals } = await measure(volume, 'gaussian', MS_PER_64_CUBE, 5);
    const f = stitchFields(median, totals, voxels);
    emit({
      bench: 'stitch_budget', metric: 'overhead_fraction', value: f.overhead_fraction, unit: 'fraction',
      budget: BUDGET, budget_ok: f.overhead_fraction < BUDGET,
      predictor: `busy-wait ${MS_PER_64_CUBE} ms per 64^3 patch`, blend: 'gaussian', ...scenario, ...f,
    });
  }

  // 3. The other blend modes under the same predictor.
  for (const blend of ['constant', 'hann', 'gaussian-nnunet', 'crop'] as const) {
    const { median, totals } = await measure(volume, blend, MS_PER_64_CUBE, 3);
    const f = stitchFields(median, totals, voxels);
    emit({
      bench: 'stitch_blend', metric: 'overhead_fraction', value: f.overhead_fraction, unit: 'fraction',
      budget: BUDGET, budget_ok: f.overhead_fraction < BUDGET,
      predictor: `busy-wait ${MS_PER_64_CUBE} ms per 64^3 patch`, blend, ...scenario, ...f,
    });
  }

  // 3b. An asynchronous predictor (GPU / Worker): the core pipelines, stitching batch k while
  //     the model works on batch k+1, so only the stitching that is not hidden counts.
  for (const blend of ['gaussian', 'constant', 'crop'] as const) {
    const { median, totals } = await measure(volume, blend, MS_PER_64_CUBE, 3, 'async');
    const f = stitchFields(median, totals, voxels);
    emit({
      bench: 'stitch_budget_async', metric: 'overhead_fraction', value: f.overhead_fraction, unit: 'fraction',
      budget: BUDGET, budget_ok: f.overhead_fraction < BUDGET,
      predictor: `async ${MS_PER_64_CUBE} ms per 64^3 patch (timer)`, blend, ...scenario, ...f,
    });
  }

  // 4. recommendMargin on the real variable map of the original project, beside numpy's brute force.
  recommendMarginBench(emit, referenceMap);
}

main()
  .then(() => conv3dBench(emit))
  .then(() => engineBench(emit))
  .then(async () => (await import('./niftiBomb')).niftiBombBench(emit))
  .then(async () => (await import('./cancelBench')).cancelBench(emit))
  .then(async () => (await import('./reevaluateBench')).reevaluateBench(emit))
  .then(async () => (await import('./annotationStallBench')).annotationStallBench(emit))
  .then(async () => (await import('./frameGapsBench')).frameGapsBench(emit))
  .catch((e: unknown) => {
  emit({ bench: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exitCode = 1;
});
