/**
 * The bench's `recommend_margin` line (issue 16): recommendMargin on the real 32×128×128×1
 * variable map of the original project, median of `RUNS` runs after a warm-up, beside the numpy
 * brute force of the same search (bench/python/recommend_margin_numpy.py, every crop summed
 * directly, run by Debian's /usr/bin/python3 in the same bench run). `ratio_vs_numpy` is numpy's
 * median time over ours; `numpy_agrees` says whether the brute force chose the same margins;
 * `first_ms` is the first call's time in the process (code not yet optimised by V8).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNpy, recommendMargin } from '../shared/index';

const PYTHON = '/usr/bin/python3';
const NUMPY_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), 'python', 'recommend_margin_numpy.py');
/** The issue's target for this map. */
const TARGET_MS = 25;
const RUNS = 21;
const NUMPY_RUNS = 3;

interface NumpyResult {
  numpy_ms: number;
  runs_ms: number[];
  numpy: string;
  margin: number[];
  best_margin: number[];
  crop_mean: number;
}

/** The brute force's result, or why it did not run. */
function numpyBruteForce(mapPath: string, tolerance: number): NumpyResult | { skipped: string } {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found (Debian's python3 with python3-numpy runs the brute force)` };
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, mapPath, String(tolerance), String(NUMPY_RUNS)], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const why = (r.stderr || String(r.error ?? '')).trim().split('\n').pop() ?? '';
    return { skipped: `${PYTHON} ${NUMPY_SCRIPT} failed (${why || `exit ${r.status}`}); is python3-numpy installed?` };
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as NumpyResult;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Emits the recommend_margin line (or one saying why it was skipped). */
export function recommendMarginBench(emit: (line: Record<string, unknown>) => void, mapPath: string): void {
  const base = { bench: 'recommend_margin', metric: 'ms' };
  if (!existsSync(mapPath)) {
    emit({ ...base, skipped: `reference map not found at ${mapPath}` });
    return;
  }
  const npy = parseNpy(readFileSync(mapPath));
  if (npy.fortranOrder) {
    emit({ ...base, skipped: `${mapPath} is Fortran-ordered; the core reads C order` });
    return;
  }
  const map = { data: npy.data, shape: npy.shape };
  const tFirst = performance.now();
  let rec = recommendMargin(map); // warm-up; its time (cold code) is printed as first_ms
  const firstMs = performance.now() - tFirst;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    rec = recommendMargin(map);
    times.push(performance.now() - t0);
  }
  const median = [...times].sort((a, b) => a - b)[(times.length - 1) >> 1];
  const peer = numpyBruteForce(mapPath, rec.tolerance);
  const vsNumpy =
    'skipped' in peer
      ? { numpy_skipped: peer.skipped }
      : {
          numpy_ms: peer.numpy_ms,
          numpy_runs_ms: peer.runs_ms,
          numpy: peer.numpy,
          ratio_vs_numpy: round3(peer.numpy_ms / median),
          numpy_agrees: sameList(peer.margin, rec.margin) && sameList(peer.best_margin, rec.bestMargin),
          numpy_margin: peer.margin,
        };
  emit({
    ...base, value: round3(median), unit: 'ms',
    now: round3(median), target_ms: TARGET_MS, target: `< ${TARGET_MS} ms`, target_ok: median < TARGET_MS,
    map: 'reference/patch-performance-map-variable-32x128x128x1.npy', shape: npy.shape, dtype: npy.dtype,
    runs: times.length, ms_runs: times.map(round3), first_ms: round3(firstMs),
    ...vsNumpy,
    margin: rec.margin, overlap: rec.overlap.map(round3), crop_mean: rec.cropMean, kept_fraction: round3(rec.keptFraction),
    best_margin: rec.bestMargin, best_crop_mean: rec.bestCropMean, full_mean: rec.fullMean, tolerance: rec.tolerance,
  });
}
