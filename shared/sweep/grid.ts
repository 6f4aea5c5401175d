import { PLACEMENTS, type Placement } from '../grid/placement';
import { BLEND_MODES } from '../stitching/types';
import { intervalText, isOverlap, isPatchEdge, OVERLAP_LIMITS, PATCH_LIMITS } from '../settings/limits';
import { describe } from '../util/validate';
import type { SweepBlend, SweepConfig, SweepGrid } from './types';

/** Every blend a sweep understands: the core's modes plus `performance-weighted` (shared/settings re-exports this list). */
export const SWEEP_BLENDS = [...BLEND_MODES, 'performance-weighted'] as const satisfies readonly SweepBlend[];

// Compile-time check: SWEEP_BLENDS names every SweepBlend.
const _everyBlend: Exclude<SweepBlend, (typeof SWEEP_BLENDS)[number]> extends never ? true : false = true;
void _everyBlend;

/** Options of {@link expandGrid}. */
export interface GridOptions {
  /** Spatial axes of the model's patches (default 3): one-number patch sizes and overlaps are repeated on every axis. */
  spatialAxes?: number;
}

/** The configurations a sweep runs: the grid's, plus one calibration run per patch size. */
export interface SweepPlan {
  /** The grid's configurations (expansion order), then the calibration configurations the grid lacks. */
  configs: SweepConfig[];
  /** Calibration configuration id per patch size (key: {@link patchKey}). */
  calibration: Record<string, string>;
  /** Ids of the calibration configurations that are not in the grid (added to run the calibration). */
  added: string[];
}

/** `64` when every axis is 64, else `64x64x32`: the patch part of a configuration id, and the key of a patch size. */
export function patchKey(patchSize: readonly number[]): string {
  return patchSize.every((p) => p === patchSize[0]) ? String(patchSize[0]) : patchSize.join('x');
}

/** Overlap part of a configuration id: `0.5` when equal on every axis, else `0.5x0.5x0`. */
function overlapKey(overlap: readonly number[]): string {
  return overlap.every((o) => o === overlap[0]) ? String(overlap[0]) : overlap.join('x');
}

/**
 * The stable id of a configuration: `p<patch>-o<overlap>-<placement>-<blend>-tta<0|1>`, e.g.
 * `p64-o0.5-stride-gaussian-tta0` or `p64x64x32-o0.5x0.5x0-spread-crop-tta1`. It depends on the
 * configuration's values only, so results keep their meaning when the grid grows.
 */
export function configId(config: Omit<SweepConfig, 'id'>): string {
  return `p${patchKey(config.patchSize)}-o${overlapKey(config.overlap)}-${config.placement}-${config.blend}-tta${config.mirror ? 1 : 0}`;
}

function fail(message: string): never {
  throw new RangeError(`expandGrid: ${message}`);
}

function list<T>(grid: SweepGrid, field: keyof SweepGrid): T[] {
  const v = (grid as unknown as Record<string, unknown>)[field];
  if (!Array.isArray(v) || v.length === 0) fail(`${field} must be a non-empty array, got ${describe(v)}`);
  return v as T[];
}

/** A patch size or overlap entry: one number (every axis) or one per axis. */
function perAxisEntry(field: string, i: number, entry: unknown, nd: number, check: (n: unknown) => boolean, what: string): number[] {
  const values = typeof entry === 'number' ? [entry] : entry;
  if (!Array.isArray(values) || values.length === 0) fail(`${field}[${i}] must be a number or an array of numbers, got ${describe(entry)}`);
  values.forEach((v, a) => {
    if (!check(v)) fail(`${field}[${i}]${values.length > 1 ? `[${a}]` : ''} must be ${what}, got ${describe(v)}`);
  });
  if (values.length !== 1 && values.length !== nd) fail(`${field}[${i}] has ${values.length} entries; give one (every axis) or ${nd} (one per spatial axis)`);
  return values.length === 1 ? new Array<number>(nd).fill(values[0] as number) : [...(values as number[])];
}

function noDuplicates(field: string, keys: string[]): void {
  keys.forEach((k, i) => {
    const j = keys.indexOf(k);
    if (j !== i) fail(`${field}[${i}] repeats ${field}[${j}] (${k})`);
  });
}

/** Validates a grid and returns its lists normalized (patch sizes and overlaps per axis). */
export function normalizeGrid(grid: SweepGrid, options: GridOptions = {}): SweepGrid {
  if (grid === null || typeof grid !== 'object') fail(`grid must be an object, got ${describe(grid)}`);
  const nd = options.spatialAxes ?? 3;
  if (!Number.isInteger(nd) || nd < 1) fail(`spatialAxes must be a positive integer, got ${describe(nd)}`);
  const patchSizes = list<unknown>(grid, 'patchSizes').map((p, i) =>
    perAxisEntry('patchSizes', i, p, nd, isPatchEdge, `an integer in ${intervalText(PATCH_LIMITS)}`),
  );
  const overlaps = list<unknown>(grid, 'overlaps').map((o, i) =>
    perAxisEntry('overlaps', i, o, nd, isOverlap, `a number in ${intervalText(OVERLAP_LIMITS)}`),
  );
  const placements = list<Placement>(grid, 'placements');
  placements.forEach((p, i) => {
    if (!PLACEMENTS.includes(p)) fail(`placements[${i}] must be one of ${PLACEMENTS.join(', ')}, got ${describe(p)}`);
  });
  const blends = list<SweepBlend>(grid, 'blends');
  blends.forEach((b, i) => {
    if (!SWEEP_BLENDS.includes(b)) fail(`blends[${i}] must be one of ${SWEEP_BLENDS.join(', ')}, got ${describe(b)}`);
  });
  const mirror = list<boolean>(grid, 'mirror');
  mirror.forEach((m, i) => {
    if (typeof m !== 'boolean') fail(`mirror[${i}] must be true or false, got ${describe(m)}`);
  });
  noDuplicates('patchSizes', patchSizes.map(patchKey));
  noDuplicates('overlaps', overlaps.map(overlapKey));
  noDuplicates('placements', placements);
  noDuplicates('blends', blends);
  noDuplicates('mirror', mirror.map(String));
  return { patchSizes, overlaps, placements: [...placements], blends: [...blends], mirror: [...mirror] };
}

/**
 * Expands a grid into its configurations: the cartesian product patch size × overlap ×
 * placement × blend × mirror, in that order (the last varies fastest), each with its stable
 * {@link configId}.
 * @throws RangeError naming the field: an empty list, a patch size that is not a positive
 * integer, an overlap outside `OVERLAP_LIMITS` ([0, 0.9]), an unknown placement or blend, a per-axis entry with the
 * wrong number of axes, a value listed twice
 */
export function expandGrid(grid: SweepGrid, options: GridOptions = {}): SweepConfig[] {
  const g = normalizeGrid(grid, options);
  const out: SweepConfig[] = [];
  for (const patchSize of g.patchSizes)
    for (const overlap of g.overlaps)
      for (const placement of g.placements)
        for (const blend of g.blends)
          for (const mirror of g.mirror) {
            const c = { patchSize: [...patchSize], overlap: [...overlap], placement, blend, mirror };
            out.push({ id: configId(c), ...c });
          }
  return out;
}

/**
 * The calibration configuration of one patch size: the largest overlap of the grid (most windows,
 * so the best-sampled map and per-window latency; the first listed on a tie), the first
 * placement, constant blending, no mirroring. Its patch performance map gives the
 * `performance-weighted` weights and the `recommendMargin` margin of that patch size, and its
 * timing split fits the time model.
 */
export function calibrationConfig(grid: SweepGrid, patchSize: readonly number[], options: GridOptions = {}): SweepConfig {
  const g = normalizeGrid(grid, options);
  const mean = (o: number[]) => o.reduce((a, b) => a + b, 0) / o.length;
  let overlap = g.overlaps[0];
  for (const o of g.overlaps) if (mean(o) > mean(overlap)) overlap = o;
  const c = { patchSize: [...patchSize], overlap: [...overlap], placement: g.placements[0], blend: 'constant' as const, mirror: false };
  return { id: configId(c), ...c };
}

/** The configurations to run for a grid: its own plus one calibration per patch size (see {@link calibrationConfig}). */
export function planSweep(grid: SweepGrid, options: GridOptions = {}): SweepPlan {
  const configs = expandGrid(grid, options);
  const g = normalizeGrid(grid, options);
  const calibration: Record<string, string> = {};
  const added: string[] = [];
  for (const p of g.patchSizes) {
    const c = calibrationConfig(g, p, options);
    calibration[patchKey(p)] = c.id;
    if (!configs.some((k) => k.id === c.id)) {
      configs.push(c);
      added.push(c.id);
    }
  }
  return { configs, calibration, added };
}
