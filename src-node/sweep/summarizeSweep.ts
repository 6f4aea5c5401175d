import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../shared/io/npy';
import { patchMapNifti } from '../../shared/io/patchMapNifti';
import { buildSummary, type SummaryOptions } from '../../shared/sweep/summarize';
import type { CaseResult, SweepFile, SweepSummary } from '../../shared/sweep/types';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomicWrite';
import type { GuardWording } from '../fs/outputGuard';
import { readResults, readSweepFile, resultFileName, SWEEP_LAYOUT, writeResult } from './sweepFolder';
import { assertSweepInputsSafe, claimSweepFolder } from './sweepGuard';

/** Options of {@link summarizeSweep} and {@link mergeSweeps}. */
export type SweepSummaryOptions = Omit<SummaryOptions, 'sources'>;

/** The NIfTI written beside a calibration map `maps/<id>.npy` (`maps/<id>.nii.gz`). */
export function sweepMapNiftiName(id: string): string {
  return `${id}.nii.gz`;
}

/**
 * Writes the calibration maps (`maps/<id>.npy`, and the same as float32 NIfTI in patch
 * coordinates, `maps/<id>.nii.gz`: in voxels, since the cases' model grids may differ in voxel
 * size and a result does not record it) and then `summary.json` into `dir`, each file
 * atomically. The pair is consistent as a whole by its order: the maps first, the summary that
 * names them (`margins[].mapFile`) last, so a summary never names a map that is not there yet.
 * A crash between the two leaves the new maps beside the old summary.json; that only happens when
 * the results changed since that summary (the maps are computed from the results), so the old
 * summary is older than the newest result and is rebuilt by the next `summarizeSweep` (the app
 * rebuilds a summary older than its results on its own).
 */
function writeSummary(dir: string, built: ReturnType<typeof buildSummary>): void {
  mkdirSync(join(dir, SWEEP_LAYOUT.maps), { recursive: true });
  const measure = built.summary.settings.measure;
  for (const [id, m] of built.maps) {
    writeFileAtomic(join(dir, SWEEP_LAYOUT.maps, `${id}.npy`), writeNpy(Float32Array.from(m.data), m.shape));
    writeFileAtomic(join(dir, SWEEP_LAYOUT.maps, sweepMapNiftiName(id)), patchMapNifti(m.data, m.shape, { spacing: null, what: 'calibration patch performance', measure }));
  }
  writeJsonAtomic(join(dir, SWEEP_LAYOUT.summary), built.summary);
}

function requireSweep(fn: string, dir: string): SweepFile {
  const sweep = readSweepFile(dir);
  if (!sweep) throw new Error(`${fn}: ${dir} is not a sweep folder (no ${SWEEP_LAYOUT.sweep})`);
  return sweep;
}

/**
 * Summarizes one sweep folder: reads `sweep.json` and every result, builds the per-configuration
 * summary, Pareto front, recommendation (the rule), margins and time model vs measured
 * (`buildSummary`), and writes `summary.json` and `maps/*.npy` (+ `.nii.gz`) into the folder.
 * Unreadable result files are reported in the summary's warnings (their pairs count as missing).
 */
export function summarizeSweep(dir: string, options: SweepSummaryOptions = {}): SweepSummary {
  const root = resolve(dir);
  const sweep = requireSweep('summarizeSweep', root);
  const { results, unreadable } = readResults(root);
  const built = buildSummary(
    sweep,
    results.map((r) => r.result),
    { ...options, sources: [root] },
  );
  for (const u of unreadable) built.summary.warnings.push(`unreadable result file ${u} (its pair counts as missing)`);
  writeSummary(root, built);
  return built.summary;
}

/** Where {@link mergeSweeps} writes, and what it may replace there. */
export interface MergeOutOptions {
  /** The merged folder (see {@link mergeSweeps}); nothing is written without it. */
  out?: string;
  /** When `out` (not one of the inputs) holds another sweep: move it aside first (default false: refuse). */
  force?: boolean;
  /** How refusals name `out` and `force` (the CLI passes its flags). */
  wording?: GuardWording;
  /** Called when `force` moved an earlier sweep in `out` aside (its new place). */
  onMovedAside?: (path: string) => void;
}

/**
 * Merges sweep folders (shards, other machines) into one summary.
 *
 * - The folders must hold the same model (SHA-256); a case id must have the same fingerprint
 *   (same files and settings) everywhere. Configurations, calibrations and cases are the union.
 * - Every result of every folder is kept: when two folders measured the same pair (two
 *   machines), both timings stay (the summary's `byMachine`) and the headline uses the timing
 *   machine's (see `buildSummary`). Patch performance maps are merged over cases with
 *   `PerformanceMap.merge` (a pair counts once: the headline result's map).
 * - With `out`, the merged folder is written there: `sweep.json`, every result (a second
 *   machine's copy of a pair as `<case>__<config>@<machine>.json`), `summary.json`, `maps/`.
 *   `out` may be one of the inputs (merge the others into it). Without `out` nothing is written.
 *   An `out` that is not an input and already holds a sweep must hold the same one (model, case
 *   files, settings: an earlier merge of these folders), otherwise the merge is refused, or with
 *   `force` that sweep is moved into `out/replaced-<date>/` first (`claimSweepFolder`).
 * @throws naming the folder when one is not a sweep or does not fit the first
 */
export function mergeSweeps(dirs: readonly string[], options: SweepSummaryOptions & MergeOutOptions = {}): SweepSummary {
  const fn = 'mergeSweeps';
  if (!Array.isArray(dirs) || dirs.length === 0) throw new RangeError(`${fn}: give at least one sweep folder`);
  const roots = dirs.map((d) => resolve(d));
  const sweeps = roots.map((d) => requireSweep(fn, d));
  const merged: SweepFile = JSON.parse(JSON.stringify(sweeps[0])) as SweepFile;
  sweeps.slice(1).forEach((s, k) => {
    const where = roots[k + 1];
    if (s.model.sha256 !== merged.model.sha256) throw new Error(`${fn}: ${where} ran another model (${s.model.name}, sha256 ${s.model.sha256.slice(0, 12)}…) than ${roots[0]} (${merged.model.name}, ${merged.model.sha256.slice(0, 12)}…)`);
    for (const c of s.configs) if (!merged.configs.some((m) => m.id === c.id)) merged.configs.push(c);
    for (const [pk, id] of Object.entries(s.calibration)) {
      if (merged.calibration[pk] !== undefined && merged.calibration[pk] !== id) {
        throw new Error(`${fn}: ${where} calibrates patch ${pk} with ${id} but ${roots[0]} with ${merged.calibration[pk]}; merge sweeps of the same grid`);
      }
      merged.calibration[pk] = id;
    }
    for (const c of s.cases) {
      const have = merged.cases.find((m) => m.id === c.id);
      if (have && merged.fingerprints[c.id] !== s.fingerprints[c.id]) {
        throw new Error(`${fn}: case ${c.id} differs between ${roots[0]} and ${where} (other files or settings)`);
      }
      if (have) {
        // An older shard's sweep.json may lack the files' SHA-256: same fingerprint, same files.
        if (have.imageSha256 === undefined && c.imageSha256 !== undefined) have.imageSha256 = c.imageSha256;
        if (have.labelSha256 === undefined && c.labelSha256 !== undefined) have.labelSha256 = c.labelSha256;
      } else {
        merged.cases.push({ ...c });
        merged.fingerprints[c.id] = s.fingerprints[c.id];
      }
    }
    for (const key of ['patchSizes', 'overlaps', 'placements', 'blends', 'mirror'] as const) {
      const list = merged.grid[key] as unknown[];
      for (const v of s.grid[key] as unknown[]) if (!list.some((x) => JSON.stringify(x) === JSON.stringify(v))) list.push(v);
    }
    if (s.created < merged.created) merged.created = s.created;
    if (s.updated > merged.updated) merged.updated = s.updated;
  });
  const all: { dir: string; path: string; result: CaseResult }[] = [];
  const unreadable: string[] = [];
  roots.forEach((dir) => {
    const r = readResults(dir);
    for (const x of r.results) all.push({ dir, ...x });
    unreadable.push(...r.unreadable);
  });
  // The same file read twice (out among the inputs, or the same folder given twice) counts once.
  const seen = new Set<string>();
  const unique = all.filter((x) => {
    const k = `${x.result.caseId}\u0000${x.result.configId}\u0000${x.result.machine}\u0000${x.result.finishedAt}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const built = buildSummary(
    merged,
    unique.map((x) => x.result),
    { ...options, sources: roots },
  );
  for (const u of unreadable) built.summary.warnings.push(`unreadable result file ${u} (its pair counts as missing)`);
  if (options.out !== undefined) {
    const out = resolve(options.out);
    const wording = options.wording ?? { command: fn, out: 'out', force: 'force: true' };
    assertSweepInputsSafe(out, merged.cases, null, wording);
    if (!roots.includes(out)) {
      const claim = claimSweepFolder(out, merged, { force: options.force, wording });
      if (claim.movedAside) options.onMovedAside?.(claim.movedAside);
    }
    mkdirSync(join(out, SWEEP_LAYOUT.results), { recursive: true });
    writeJsonAtomic(join(out, SWEEP_LAYOUT.sweep), merged);
    const placed = new Map<string, string>(); // canonical name → the machine whose result has it
    for (const x of unique) {
      const canonical = resultFileName(x.result.caseId, x.result.configId);
      if (x.path === join(out, SWEEP_LAYOUT.results, canonical)) placed.set(canonical, x.result.machine);
    }
    for (const x of unique) {
      const canonical = resultFileName(x.result.caseId, x.result.configId);
      const taken = placed.get(canonical);
      const target = taken === undefined || taken === x.result.machine ? undefined : x.result.machine;
      if (target === undefined) placed.set(canonical, x.result.machine);
      const dest = join(out, SWEEP_LAYOUT.results, target === undefined ? canonical : resultFileName(x.result.caseId, x.result.configId, target));
      if (dest !== x.path) writeResult(out, x.result, target);
    }
    writeSummary(out, built);
  }
  return built.summary;
}
