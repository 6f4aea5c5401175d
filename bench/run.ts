/**
 * PatchLens core benchmark (`npm run bench`).
 *
 * Prints machine-readable lines only: one JSON object per line, the first one describing the
 * machine. Every measured line has `bench`, `metric`, `value` and `unit`, plus extra fields.
 *
 *   1. stitch         slidingWindow over a 160×192×160×1 volume, patch 64³, overlap 0.5, stride
 *                     placement, gaussian blending, batch 1, identity predictor: pure stitching cost,
 *                     with its numpy peer's time and `ratio_vs_numpy` (bench/stitchBench.ts).
 *   2. stitch_budget  the same with a predictor that busy-waits 5 ms per 64³ patch; the target is
 *                     that stitching (everything outside the predictor) stays below 5 % of the run.
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
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv3dBench } from './conv3dBench';
import { engineBench } from './engineBench';
import { stitchBench } from './stitchBench';
import { recommendMarginBench } from './recommendMarginBench';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referenceMap = resolve(repoRoot, '..', 'shared', 'reference', 'patch-performance-map-variable-32x128x128x1.npy');

/**
 * `BENCH_ONLY=stitch,conv3d` runs only the named parts (stitch, recommend_margin, conv3d, engine,
 * nifti_bomb, cancel, reevaluate, annotation_stall, frame_gaps); unset, everything runs.
 */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
/** True when the part `name` is to run. */
function wants(name: string): boolean {
  return ONLY.length === 0 || ONLY.includes(name);
}

/** Prints one JSON line. */
function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
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

  if (wants('stitch')) await stitchBench(emit);

  if (!wants('recommend_margin')) return;
  // 4. recommendMargin on the real variable map of the original project, beside numpy's brute force.
  recommendMarginBench(emit, referenceMap);
}

main()
  .then(() => (wants('conv3d') ? conv3dBench(emit) : undefined))
  .then(() => (wants('engine') ? engineBench(emit) : undefined))
  .then(async () => (wants('nifti_bomb') ? (await import('./niftiBomb')).niftiBombBench(emit) : undefined))
  .then(async () => (wants('cancel') ? (await import('./cancelBench')).cancelBench(emit) : undefined))
  .then(async () => (wants('reevaluate') ? (await import('./reevaluateBench')).reevaluateBench(emit) : undefined))
  .then(async () => (wants('annotation_stall') ? (await import('./annotationStallBench')).annotationStallBench(emit) : undefined))
  .then(async () => (wants('frame_gaps') ? (await import('./frameGapsBench')).frameGapsBench(emit) : undefined))
  .catch((e: unknown) => {
  emit({ bench: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exitCode = 1;
});
