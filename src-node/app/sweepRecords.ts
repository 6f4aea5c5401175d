import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PatchMapData, SweepRecord } from '../../shared/api/contract';
import { parseNpy } from '../../shared/io/npy';
import type { SweepSummary } from '../../shared/sweep/types';
import { readSweepFile, resultFileName, SWEEP_LAYOUT } from '../sweep/sweepFolder';
import { summarizeSweep } from '../sweep/summarizeSweep';
import { fail } from './serviceError';
import { ownBuffer } from './volumeInfo';

/** The record of a sweep folder (null when it has no readable sweep.json). */
export function readSweepRecord(id: string, dir: string): SweepRecord | null {
  let sweep;
  try {
    sweep = readSweepFile(dir);
  } catch {
    return null;
  }
  if (!sweep) return null;
  const results = join(dir, SWEEP_LAYOUT.results);
  const complete = sweep.cases.every((c) => sweep.configs.every((cfg) => existsSync(join(results, resultFileName(c.id, cfg.id)))));
  return { id, createdAt: sweep.created, configs: sweep.configs.length, cases: sweep.cases.length, complete, dir };
}

/** Result files in a sweep folder. */
export function countResults(dir: string): number {
  try {
    return readdirSync(join(dir, SWEEP_LAYOUT.results)).filter((n) => n.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

/** The summary: summary.json when it is newer than every result, else summarizeSweep (which writes it). */
export function sweepSummary(dir: string): SweepSummary {
  const summaryPath = join(dir, SWEEP_LAYOUT.summary);
  try {
    const written = statSync(summaryPath).mtimeMs;
    const results = join(dir, SWEEP_LAYOUT.results);
    const newest = Math.max(statSync(join(dir, SWEEP_LAYOUT.sweep)).mtimeMs, ...readdirSync(results).map((n) => statSync(join(results, n)).mtimeMs));
    if (written >= newest) return JSON.parse(readFileSync(summaryPath, 'utf8')) as SweepSummary;
  } catch {
    // no summary yet, or unreadable: build it
  }
  return summarizeSweep(dir);
}

/** The merged calibration map of a sweep's patch size (`maps/<calibrationId>.npy`). */
export function readSweepMap(sweepId: string, dir: string, calibrationId: string): PatchMapData {
  const summary = sweepSummary(dir);
  const margin = summary.margins.find((m) => m.calibrationId === calibrationId);
  if (!margin) throw fail('not-found', `sweep:map: sweep ${sweepId} has no calibration ${calibrationId} (calibrations: ${summary.margins.map((m) => m.calibrationId).join(', ') || 'none'})`);
  if (!margin.mapFile) throw fail('not-found', `sweep:map: sweep ${sweepId} has no map for ${calibrationId} (no result with a patch performance map)`);
  const npy = parseNpy(readFileSync(join(dir, margin.mapFile)));
  const count = summary.configs.find((c) => c.config.id === calibrationId)?.performanceCount ?? 0;
  return {
    shape: [...npy.shape],
    data: npy.data instanceof Float32Array ? ownBuffer(npy.data) : Float32Array.from(npy.data),
    measure: summary.settings.measure,
    count,
    source: `sweep ${sweepId} calibration ${calibrationId}`,
  };
}
