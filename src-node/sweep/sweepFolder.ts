/**
 * The sweep folder: everything a sweep measured, one file per finished (case, configuration), so
 * that a crash or a cancel loses nothing that finished and a restarted sweep skips it.
 *
 * ```
 * <sweep>/
 *   sweep.json                        what the folder holds results of (SweepFile): the grid (normalized),
 *                                     every configuration run (grid + calibration runs), the calibration
 *                                     configuration per patch size, the cases, the model (name, SHA-256,
 *                                     path), the settings (repeats, warm-up, batch, measure, Dice mode,
 *                                     crop), per-case fingerprints, created/updated dates
 *   results/<case>__<config>.json     one CaseResult per finished pair, written atomically (temp file +
 *                                     fsync + rename): windows, timing (median, min, max, every run, the
 *                                     split), per-class Dice and mean, machine, backend, the inference box,
 *                                     the patch performance accumulator (float64 sums, base64), the
 *                                     fingerprint it was measured under
 *   results/<case>__<config>@<machine>.json
 *                                     only in a merged folder: the same pair measured on another machine
 *   summary.json                      SweepSummary (written by summarizeSweep / mergeSweeps): per-configuration
 *                                     means, Pareto front, recommendation, margins, time model vs measured
 *   maps/<calibration config>.npy     the merged (all cases) calibration patch performance map, float32 mean
 *   maps/<calibration config>.nii.gz  the same map as float32 NIfTI in patch coordinates (voxels, origin 0,
 *                                     no world coordinates: shared/io/patchMapNifti.ts)
 * ```
 *
 *
 * Every file goes through the one writer (`src-node/fs/atomicWrite.ts`): temp files are
 * `.patchlens-tmp-*` beside their target; they are never read and a rename replaces the target
 * in one step, so a reader sees either the old file or the new one. `summary.json` and `maps/`
 * are written maps first, summary last (see `summarizeSweep`). An existing folder is reused only
 * for a compatible sweep (`claimSweepFolder`).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PerformanceMapJSON } from '../../shared/performance/PerformanceMap';
import type { CaseResult, SweepFile } from '../../shared/sweep/types';
import { isTempName, writeJsonAtomic } from '../fs/atomicWrite';

/** File and folder names inside a sweep folder. */
export const SWEEP_LAYOUT = {
  sweep: 'sweep.json',
  results: 'results',
  summary: 'summary.json',
  maps: 'maps',
} as const;

/** `<case>__<config>.json` (or `<case>__<config>@<machine>.json` for another machine's copy in a merged folder). */
export function resultFileName(caseId: string, configId: string, machine?: string): string {
  return machine === undefined ? `${caseId}__${configId}.json` : `${caseId}__${configId}@${machine.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

// The one writer, re-exported for the modules that still import it from here (the app's
// createServiceHost.ts and projectStore.ts, until they import src-node/fs/atomicWrite.ts).
export { writeFileAtomic, writeJsonAtomic } from '../fs/atomicWrite';

/** Reads `sweep.json`, or null when the folder has none. */
export function readSweepFile(dir: string): SweepFile | null {
  let text: string;
  try {
    text = readFileSync(join(dir, SWEEP_LAYOUT.sweep), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`readSweepFile: cannot read ${join(dir, SWEEP_LAYOUT.sweep)}: ${(e as Error).message}`);
  }
  let value: SweepFile;
  try {
    value = JSON.parse(text) as SweepFile;
  } catch (e) {
    throw new Error(`readSweepFile: ${join(dir, SWEEP_LAYOUT.sweep)} is not valid JSON: ${(e as Error).message}`);
  }
  if (value?.format !== 'patchlens.sweep' || value.version !== 1) {
    throw new Error(`readSweepFile: ${join(dir, SWEEP_LAYOUT.sweep)} is not a PatchLens sweep (format ${JSON.stringify(value?.format)}, version ${JSON.stringify(value?.version)})`);
  }
  return value;
}

/** The stored form of a performance map: float64 sums little-endian in base64 (exact, ~2.7 bytes per value less than JSON numbers). */
interface StoredPerformance extends Omit<PerformanceMapJSON, 'sum'> {
  sumBase64: string;
}

function encodeSum(sum: readonly number[]): string {
  const bytes = new Uint8Array(sum.length * 8);
  const view = new DataView(bytes.buffer);
  sum.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return Buffer.from(bytes).toString('base64');
}

function decodeSum(text: string): number[] {
  const buf = Buffer.from(text, 'base64');
  if (buf.length % 8 !== 0) throw new Error('sumBase64 is not a whole number of float64 values');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Array<number>(buf.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** A result as stored on disk. */
export function encodeResult(result: CaseResult): Record<string, unknown> {
  const { performance, ...rest } = result;
  if (!performance) return { ...rest, performance: null };
  const { sum, ...meta } = performance;
  const stored: StoredPerformance = { ...meta, sumBase64: encodeSum(sum) };
  return { ...rest, performance: stored };
}

/** A result read back from disk. */
export function decodeResult(value: unknown): CaseResult {
  const v = value as Record<string, unknown>;
  if (v === null || typeof v !== 'object' || typeof v.caseId !== 'string' || typeof v.configId !== 'string' || typeof v.fingerprint !== 'string' || typeof v.timing !== 'object' || typeof v.dice !== 'object') {
    throw new Error('not a sweep result (caseId, configId, fingerprint, timing, dice)');
  }
  const p = v.performance as StoredPerformance | null;
  if (!p) return { ...(v as unknown as CaseResult), performance: null };
  const { sumBase64, ...meta } = p;
  return { ...(v as unknown as CaseResult), performance: { ...meta, sum: decodeSum(sumBase64) } };
}

/** Writes one result atomically into `results/`; returns its path. */
export function writeResult(dir: string, result: CaseResult, machineSuffix?: string): string {
  mkdirSync(join(dir, SWEEP_LAYOUT.results), { recursive: true });
  const path = join(dir, SWEEP_LAYOUT.results, resultFileName(result.caseId, result.configId, machineSuffix));
  writeJsonAtomic(path, encodeResult(result));
  return path;
}

/** Reads one result file; null when missing or unreadable (then the pair simply runs again). */
export function readResultFile(path: string): CaseResult | null {
  try {
    return decodeResult(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

/** Every result in `results/` (temp files skipped), with the files that could not be read. */
export function readResults(dir: string): { results: { path: string; result: CaseResult }[]; unreadable: string[] } {
  const folder = join(dir, SWEEP_LAYOUT.results);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return { results: [], unreadable: [] };
  }
  const results: { path: string; result: CaseResult }[] = [];
  const unreadable: string[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.json') || isTempName(name)) continue;
    const path = join(folder, name);
    const result = readResultFile(path);
    if (result) results.push({ path, result });
    else unreadable.push(path);
  }
  return { results, unreadable };
}
