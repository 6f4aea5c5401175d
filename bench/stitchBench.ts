/**
 * The stitching lines of `npm run bench` (bench/run.ts; alone: `BENCH_ONLY=stitch npm run bench`).
 *
 *   stitch         slidingWindow over a 160×192×160×1 volume, patch 64³, overlap 0.5, stride
 *                  placement, gaussian blending, batch 1, identity predictor: pure stitching cost,
 *                  beside its numpy peer (bench/python/stitch_numpy.py, the same work in slices,
 *                  run by Debian's /usr/bin/python3 in the same bench run): `ratio_vs_numpy` is
 *                  numpy's time / ours; issue 16's target is ≥ 2.
 *   stitch_budget  the same with a predictor that busy-waits 5 ms per 64³ patch: issue 16's target
 *                  is that everything outside the predictor stays below 5 % of the run.
 *   stitch_blend   the budget run once more for every other blend mode (same target).
 *   stitch_budget_async  the budget with an asynchronous 5 ms predictor (a GPU or a Worker): the
 *                  core stitches batch k while the predictor works on batch k+1.
 *
 * Every timed scenario runs once to warm up, then `repeats` times; the reported numbers come from
 * the run with the median total time (so total = predictor + outside holds within that run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../shared/util/mulberry32';
import { planWindows, slidingWindow, type BlendMode, type NdArray, type Predictor } from '../shared/index';

/** Image, patch and placement of the stitching scenarios. */
const SHAPE = [160, 192, 160] as const;
const PATCH = 64;
const OVERLAP = 0.5;
/** The issue's model cost: 5 ms of predictor time per 64³ patch. */
const MS_PER_64_CUBE = 5;
/** Issue 16's target: stitching overhead below 5 % of the run, for every blend. */
const TARGET_OVERHEAD = 0.05;
/** Issue 16's target: stitching at least twice as fast as the numpy implementation. */
const TARGET_RATIO_VS_NUMPY = 2;
const PYTHON = '/usr/bin/python3';
const NUMPY_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), 'python', 'stitch_numpy.py');

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

/** The numpy peer's median time over `repeats` runs, or why it did not run. */
function numpyPeer(repeats: number): { numpyMs: number; numpy: string } | { skipped: string } {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found (Debian's python3 with python3-numpy runs the peer)` };
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, String(repeats)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    const why = (r.stderr || String(r.error ?? '')).trim().split('\n').pop() ?? '';
    return { skipped: `${PYTHON} ${NUMPY_SCRIPT} failed (${why || `exit ${r.status}`}); is python3-numpy installed?` };
  }
  const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { numpy_ms: number; numpy: string };
  return { numpyMs: line.numpy_ms, numpy: line.numpy };
}

/** Emits the stitch, stitch_budget, stitch_blend and stitch_budget_async lines. */
export async function stitchBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
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
    const peer = numpyPeer(5);
    const ratio = 'skipped' in peer ? null : r3(peer.numpyMs / median.totalMs);
    const vsNumpy = 'skipped' in peer ? { numpy_skipped: peer.skipped } : { numpy_ms: peer.numpyMs, numpy: peer.numpy, ratio_vs_numpy: ratio };
    emit({
      bench: 'stitch', metric: 'voxels_per_s', value: f.voxels_per_s, unit: 'voxel/s', predictor: 'identity', blend: 'gaussian', ...scenario, ...f,
      ...vsNumpy, now: ratio, target: `ratio_vs_numpy >= ${TARGET_RATIO_VS_NUMPY}`, target_ok: ratio === null ? null : ratio >= TARGET_RATIO_VS_NUMPY,
    });
    if (median.windows !== plannedWindows) throw new Error(`bench: ${median.windows} windows predicted, ${plannedWindows} planned`);
  }

  // 2. The budget: a predictor that costs 5 ms per 64³ patch.
  {
    const { median, totals } = await measure(volume, 'gaussian', MS_PER_64_CUBE, 5);
    const f = stitchFields(median, totals, voxels);
    emit({
      bench: 'stitch_budget', metric: 'overhead_fraction', value: f.overhead_fraction, unit: 'fraction',
      now: f.overhead_fraction, target: `overhead_fraction < ${TARGET_OVERHEAD}`, target_ok: f.overhead_fraction < TARGET_OVERHEAD,
      predictor: `busy-wait ${MS_PER_64_CUBE} ms per 64^3 patch`, blend: 'gaussian', ...scenario, ...f,
    });
  }

  // 3. The other blend modes under the same predictor.
  for (const blend of ['constant', 'hann', 'gaussian-nnunet', 'crop'] as const) {
    const { median, totals } = await measure(volume, blend, MS_PER_64_CUBE, 3);
    const f = stitchFields(median, totals, voxels);
    emit({
      bench: 'stitch_blend', metric: 'overhead_fraction', value: f.overhead_fraction, unit: 'fraction',
      now: f.overhead_fraction, target: `overhead_fraction < ${TARGET_OVERHEAD}`, target_ok: f.overhead_fraction < TARGET_OVERHEAD,
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
      now: f.overhead_fraction, target: `overhead_fraction < ${TARGET_OVERHEAD}`, target_ok: f.overhead_fraction < TARGET_OVERHEAD,
      predictor: `async ${MS_PER_64_CUBE} ms per 64^3 patch (timer)`, blend, ...scenario, ...f,
    });
  }
}
