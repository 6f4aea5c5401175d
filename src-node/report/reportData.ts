import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseNpy } from '../../shared/io/npy';
import { readJsonFile } from '../readJsonFile';
import { assembleReportData } from './assembleReportData';
import type { MapFile } from './reportParts';
import type { ReportData } from './reportTypes';

/** Options of {@link loadReportData}. */
export interface LoadReportOptions {
  /** The report's date (default now). */
  now?: Date;
  /** What writes the report (the app's name and version). */
  generator?: { name: string; version: string } | null;
}

/** The sweep folder's files the report reads. */
export const SWEEP_FILES = { summary: 'summary.json', sweep: 'sweep.json', results: 'results' } as const;

/**
 * Reads a sweep folder into {@link ReportData}: `summary.json` (required), `sweep.json`,
 * `results/*.json` and the calibration maps the summary names (`margins[].mapFile`, `.npy`)
 * (optional; they fill per-case rows, time ranges, per-class Dice, the patch performance map and
 * provenance where the summary lacks them).
 * @throws naming the folder or file when the folder or `summary.json` is missing or unreadable
 */
export async function loadReportData(sweepDir: string, options: LoadReportOptions = {}): Promise<ReportData> {
  const dir = resolve(sweepDir);
  if (!existsSync(dir)) throw new Error(`loadReportData: the sweep folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new Error(`loadReportData: ${dir} is not a folder (expected a sweep folder with ${SWEEP_FILES.summary})`);
  const summaryPath = join(dir, SWEEP_FILES.summary);
  if (!existsSync(summaryPath)) {
    throw new Error(`loadReportData: ${summaryPath} is missing (a sweep folder holds sweep.json, results/*.json and summary.json; run the sweep to the end first)`);
  }
  const warnings: string[] = [];
  const summary = (await readJsonFile('loadReportData', summaryPath)).value;
  const sweepPath = join(dir, SWEEP_FILES.sweep);
  let sweep: unknown = null;
  if (existsSync(sweepPath)) sweep = (await readJsonFile('loadReportData', sweepPath)).value;
  const mapFiles: Record<string, MapFile> = {};
  const margins = summary !== null && typeof summary === 'object' ? (summary as { margins?: unknown }).margins : undefined;
  for (const m of Array.isArray(margins) ? margins : []) {
    const rel = (m as { mapFile?: unknown } | null)?.mapFile;
    if (typeof rel !== 'string' || rel in mapFiles) continue;
    const path = resolve(dir, rel);
    if (isAbsolute(rel) || relative(dir, path).startsWith('..')) {
      warnings.push(`summary.json names the map ${rel} outside the sweep folder; it was not read`);
      continue;
    }
    try {
      const npy = parseNpy(readFileSync(path));
      if (npy.fortranOrder) throw new Error('Fortran-ordered arrays are not supported');
      mapFiles[rel] = { shape: npy.shape, data: npy.data };
    } catch (e) {
      warnings.push(`the map ${rel} could not be read: ${(e as Error).message}`);
    }
  }
  const s = summary !== null && typeof summary === 'object' ? (summary as { performanceMap?: unknown; performance?: unknown }) : {};
  const needResultMaps = Object.keys(mapFiles).length === 0 && !(s.performanceMap && typeof s.performanceMap === 'object') && !(s.performance && typeof s.performance === 'object');
  const results: unknown[] = [];
  const resultsDir = join(dir, SWEEP_FILES.results);
  if (existsSync(resultsDir) && statSync(resultsDir).isDirectory()) {
    for (const name of readdirSync(resultsDir).filter((n) => n.endsWith('.json')).sort()) {
      try {
        const value = (await readJsonFile('loadReportData', join(resultsDir, name))).value;
        for (const r of Array.isArray(value) ? value : [value]) {
          // A result's accumulator (megabytes for a 64³ patch) is only kept when the map must be built from the results.
          if (!needResultMaps && r !== null && typeof r === 'object' && 'performance' in r) (r as { performance: unknown }).performance = null;
          results.push(r);
        }
      } catch (e) {
        warnings.push(`results/${name} was skipped: ${(e as Error).message}`);
      }
    }
  }
  return assembleReportData({
    summary,
    sweep,
    results,
    mapFiles,
    sweepDir: dir,
    now: options.now ?? new Date(),
    generator: options.generator ?? null,
    warnings,
  });
}
