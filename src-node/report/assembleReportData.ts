import { PerformanceMap, type PerformanceMapJSON } from '../../shared/performance/PerformanceMap';
import { mapReport, type MapReport } from './mapReport';
import { DICE_FLOOR } from '../../shared/sweep/findings';
import { readDiceComparison, readTimeComparison } from './noiseVerdicts';
import { paretoFront } from './pareto';
import { reportFindings } from './reportFindings';
import {
  REPORT_DATA_FORMAT,
  REPORT_DATA_VERSION,
  type ReportBorderProfile,
  type ReportCaseRow,
  type ReportClassDice,
  type ReportConfig,
  type ReportData,
  type ReportInputFile,
  type ReportMachine,
  type ReportMarginRecommendation,
  type ReportPerformanceMap,
  type ReportProvenance,
  type ReportRecommendation,
  type ReportSaving,
  type ReportTimePrediction,
} from './reportData';
import { timeModelErrors } from './timeModelErrors';

/** `SweepSummary.format` (shared/sweep/types.ts). */
export const SWEEP_SUMMARY_FORMAT = 'patchlens.sweep-summary';

/** Absolute Dice tolerance of the report's default recommendation rule. */
export const DEFAULT_DICE_TOLERANCE = 0.005;

/** A mean map read from a file the summary names (e.g. a calibration map `.npy`). */
export interface MapFile {
  shape: number[];
  data: ArrayLike<number>;
}

/** The raw parts of a sweep folder, as parsed JSON. */
export interface ReportParts {
  /** `summary.json`: a `SweepSummary` or a (possibly partial) {@link ReportData}. */
  summary: unknown;
  /** `sweep.json` (the sweep's plan and settings), or null. */
  sweep?: unknown;
  /** `results/*.json`: `CaseResult`s (shared/sweep/types.ts). */
  results?: unknown[];
  /** Maps the summary names, by their path relative to the sweep folder (`SweepSummary.margins[].mapFile`). */
  mapFiles?: Record<string, MapFile>;
  sweepDir?: string | null;
  now?: Date;
  generator?: { name: string; version: string } | null;
  /** Warnings found while reading the files. */
  warnings?: string[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => num(x) !== null) ? (v as number[]) : null);
const strs = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A `CaseResult` (shared/sweep/types.ts), read leniently. */
interface ResultLite {
  caseId: string;
  configId: string;
  config: Rec | null;
  windows: number | null;
  medianMs: number;
  minMs: number | null;
  maxMs: number | null;
  runsMs: number[] | null;
  dice: number;
  perClass: ReportClassDice[];
  diceMode: 'classes' | 'foreground' | null;
  machine: string | null;
  backend: string | null;
  calibration: boolean;
  performance: PerformanceMapJSON | null;
  warnings: string[];
}

function classDice(v: unknown): ReportClassDice[] {
  return arr(v)
    .filter(isRec)
    .map((c) => ({ label: num(c.label) ?? 0, name: str(c.name), dice: num(c.dice) ?? NaN }))
    .filter((c) => Number.isFinite(c.dice));
}

function readResult(v: unknown): ResultLite | null {
  if (!isRec(v)) return null;
  const caseId = str(v.caseId);
  const configId = str(v.configId);
  const t = rec(v.timing);
  const d = rec(v.dice);
  const medianMs = num(t.medianMs) ?? num(v.timeMs);
  const dice = num(d.mean) ?? num(v.dice);
  if (!caseId || !configId || medianMs === null || dice === null) return null;
  return {
    caseId,
    configId,
    config: isRec(v.config) ? v.config : null,
    windows: num(v.windows),
    medianMs,
    minMs: num(t.minMs) ?? num(v.minMs),
    maxMs: num(t.maxMs) ?? num(v.maxMs),
    runsMs: nums(t.runsMs ?? v.runsMs),
    dice,
    perClass: classDice(d.perClass ?? v.perClass),
    diceMode: d.mode === 'classes' || d.mode === 'foreground' ? d.mode : null,
    machine: str(v.machine),
    backend: str(v.backend),
    calibration: v.calibration === true,
    performance: readPerformance(v.performance),
    warnings: strs(v.warnings) ?? [],
  };
}

/** A result's accumulator: `sum` as numbers, or `sumBase64` (float64 little-endian, how sweep folders store it). */
function readPerformance(v: unknown): PerformanceMapJSON | null {
  if (!isRec(v) || !Array.isArray(v.shape)) return null;
  if (Array.isArray(v.sum)) return v as unknown as PerformanceMapJSON;
  if (typeof v.sumBase64 !== 'string') return null;
  const buf = Buffer.from(v.sumBase64, 'base64');
  if (buf.length % 8 !== 0) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sum = Array.from({ length: buf.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
  const { sumBase64: _drop, ...meta } = v;
  return { ...(meta as unknown as PerformanceMapJSON), sum };
}

/** The patch-shaped mean of an accumulator (`diceError` keeps [I, U] in a trailing axis: 1 − 2·I/U). */
function accumulatorMean(m: PerformanceMap): { shape: number[]; data: Float64Array } {
  const mean = m.mean();
  if (m.measure !== 'diceError' || m.shape[m.shape.length - 1] !== 2) return { shape: m.shape, data: mean };
  const out = new Float64Array(mean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = mean[2 * i + 1] > 0 ? 1 - (2 * mean[2 * i]) / mean[2 * i + 1] : 0;
  return { shape: m.shape.slice(0, -1), data: out };
}

/** Mean per-class Dice over several results (classes matched by label). */
function meanPerClass(lists: ReportClassDice[][]): ReportClassDice[] {
  const by = new Map<number, { name: string | null; values: number[] }>();
  for (const list of lists) {
    for (const c of list) {
      const e = by.get(c.label) ?? { name: c.name, values: [] };
      e.values.push(c.dice);
      by.set(c.label, e);
    }
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([label, e]) => ({ label, name: e.name, dice: mean(e.values) }));
}

/** Configurations by id from sweep.json's `configs` and the results' embedded `config`. */
function knownConfigs(sweep: Rec, results: ResultLite[]): Map<string, Rec> {
  const m = new Map<string, Rec>();
  for (const r of results) if (r.config) m.set(r.configId, r.config);
  for (const c of arr(sweep.configs).filter(isRec)) if (str(c.id)) m.set(c.id as string, c);
  return m;
}

/** One configuration: a `ReportConfig`, or a `ConfigSummary` (`{ config, windows, timeMs, dice, timing, perClassDice, … }`). */
function readConfig(v: unknown, results: ResultLite[], plan: Map<string, Rec>, caseCount: number): ReportConfig | null {
  if (!isRec(v)) return null;
  const c = isRec(v.config) ? v.config : v;
  const id = str(c.id);
  if (!id) return null;
  const mine = results.filter((r) => r.configId === id);
  const p = plan.get(id) ?? {};
  const time = rec(v.time);
  const timing = rec(v.timing);
  const medianMs = num(time.medianMs) ?? num(v.timeMs) ?? (mine.length ? mean(mine.map((r) => r.medianMs)) : null);
  const diceRec = rec(v.dice);
  const dice = num(diceRec.mean) ?? num(v.dice) ?? (mine.length ? mean(mine.map((r) => r.dice)) : null);
  if (medianMs === null || dice === null) return null;
  const mins = mine.map((r) => r.minMs).filter((x): x is number => x !== null);
  const maxs = mine.map((r) => r.maxMs).filter((x): x is number => x !== null);
  const perClassGiven = classDice(diceRec.perClass ?? v.perClassDice);
  const predictedMs = num(v.predictedMs);
  const windows = num(v.windows) ?? (mine.length && mine.every((r) => r.windows !== null) ? mean(mine.map((r) => r.windows!)) : null);
  const casesMeasured = num(v.cases) ?? (mine.length ? new Set(mine.map((r) => r.caseId)).size : null);
  const fastestMs = num(time.fastestMs) ?? num(timing.fastestMs) ?? (mins.length && mins.length === mine.length ? mean(mins) : null);
  const measured = fastestMs ?? medianMs;
  return {
    id,
    patchSize: nums(c.patchSize) ?? nums(p.patchSize) ?? [],
    overlap: nums(c.overlap) ?? nums(p.overlap) ?? [],
    placement: str(c.placement) ?? str(p.placement) ?? '—',
    blend: str(c.blend) ?? str(p.blend) ?? '—',
    mirror: typeof c.mirror === 'boolean' ? c.mirror : p.mirror === true,
    windows: windows ?? NaN,
    time: {
      medianMs,
      minMs: num(time.minMs) ?? num(timing.minMs) ?? (mins.length ? Math.min(...mins) : null),
      maxMs: num(time.maxMs) ?? num(timing.maxMs) ?? (maxs.length ? Math.max(...maxs) : null),
      fastestMs,
    },
    predictedMs,
    predictionErrorPct: num(v.predictionErrorPct) ?? (predictedMs !== null && measured > 0 ? ((predictedMs - measured) / measured) * 100 : null),
    dice: { mean: dice, perClass: perClassGiven.length ? perClassGiven : meanPerClass(mine.map((r) => r.perClass)) },
    efficiency: num(v.efficiency) ?? (medianMs > 0 ? dice / (medianMs / 1000) : 0),
    onParetoFront: v.onParetoFront === true,
    calibration: v.calibration === true || (mine.length > 0 && mine.every((r) => r.calibration)),
    cases: casesMeasured,
    complete: typeof v.complete === 'boolean' ? v.complete : casesMeasured === null || caseCount === 0 || casesMeasured >= caseCount,
  };
}

function caseRow(r: ResultLite): ReportCaseRow {
  return { caseId: r.caseId, configId: r.configId, dice: r.dice, perClass: r.perClass, timeMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, runsMs: r.runsMs, windows: r.windows, machine: r.machine };
}

/** A mean map in any accepted form → slices, profile and margin; else the results' maps merged. */
function readMap(given: Rec | null, results: ResultLite[], preferredShape: number[] | null, warnings: string[]): { map: ReportPerformanceMap | null; derived: MapReport | null } {
  try {
    if (given && Array.isArray(given.slices)) return { map: given as unknown as ReportPerformanceMap, derived: null };
    if (given && Array.isArray(given.sum)) {
      const m = PerformanceMap.fromJSON(given as unknown as PerformanceMapJSON);
      return { map: null, derived: mapReport({ ...accumulatorMean(m), measure: m.measure, count: m.count, axisNames: strs(given.axisNames), source: str(given.source) }) };
    }
    if (given && (Array.isArray(given.mean) || ArrayBuffer.isView(given.mean)) && Array.isArray(given.shape)) {
      const data = given.mean as ArrayLike<number>;
      return { map: null, derived: mapReport({ shape: given.shape as number[], data, measure: str(given.measure), count: num(given.count), axisNames: strs(given.axisNames), source: str(given.source) }) };
    }
  } catch (e) {
    warnings.push(`the patch performance map in summary.json could not be read: ${(e as Error).message}`);
  }
  try {
    const withMap = results.filter((r) => r.performance && r.performance.count > 0);
    if (withMap.length === 0) return { map: null, derived: null };
    const key = (shape: number[]) => shape.join('×');
    const counts = new Map<string, number>();
    for (const r of withMap) counts.set(key(r.performance!.shape), (counts.get(key(r.performance!.shape)) ?? 0) + 1);
    const shapes = [...counts.keys()];
    const preferred = preferredShape ? shapes.find((k) => k === key(preferredShape) || k === `${key(preferredShape)}×2`) : undefined;
    const chosenKey = preferred ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const chosen = withMap.filter((r) => key(r.performance!.shape) === chosenKey);
    const merged = PerformanceMap.fromJSON(chosen[0].performance!);
    for (const r of chosen.slice(1)) merged.merge(PerformanceMap.fromJSON(r.performance!));
    if (counts.size > 1) warnings.push(`the results hold patch performance maps of ${counts.size} patch shapes; the report shows the ${chosenKey} one`);
    const source = `merged over ${chosen.length} run${chosen.length === 1 ? '' : 's'} (cases × configurations with patch ${chosenKey})`;
    return { map: null, derived: mapReport({ ...accumulatorMean(merged), measure: merged.measure, count: merged.count, source }) };
  } catch (e) {
    warnings.push(`the patch performance map could not be built from the results: ${(e as Error).message}`);
    return { map: null, derived: null };
  }
}

/** The default rule: the fastest configuration within {@link DEFAULT_DICE_TOLERANCE} Dice of the best one, among those at or above the quality floor (`DICE_FLOOR`) when any is. */
function defaultRecommendation(all: ReportConfig[]): { configId: string; rule: string } {
  const configs = all.some((c) => c.dice.mean >= DICE_FLOOR) ? all.filter((c) => c.dice.mean >= DICE_FLOOR) : all;
  const best = configs.reduce((a, b) => (b.dice.mean > a.dice.mean ? b : a));
  const near = configs.filter((c) => c.dice.mean >= best.dice.mean - DEFAULT_DICE_TOLERANCE);
  const pick = near.reduce((a, b) => (b.time.medianMs < a.time.medianMs || (b.time.medianMs === a.time.medianMs && b.dice.mean > a.dice.mean) ? b : a));
  return {
    configId: pick.id,
    rule: `the fastest configuration whose mean Dice is within ${DEFAULT_DICE_TOLERANCE} of the best (${best.dice.mean.toFixed(4)}, ${best.id})`,
  };
}

/** The saving of `c` against `other`, per case. */
function saving(c: ReportConfig, other: ReportConfig, label: string): ReportSaving {
  const ms = other.time.medianMs - c.time.medianMs;
  return {
    configId: other.id,
    label,
    savingMs: ms,
    savingPct: other.time.medianMs > 0 ? (ms / other.time.medianMs) * 100 : null,
    savingWindows: Number.isFinite(other.windows) && Number.isFinite(c.windows) ? other.windows - c.windows : null,
    diceChange: c.dice.mean - other.dice.mean,
    time: null,
    diceComparison: null,
  };
}

function readSaving(v: unknown, configs: ReportConfig[]): ReportSaving | null {
  if (!isRec(v)) return null;
  const id = str(v.configId);
  const ms = num(v.savingMs);
  const dice = num(v.diceChange);
  if (!id || ms === null || dice === null || !configs.some((c) => c.id === id)) return null;
  return {
    configId: id,
    label: str(v.label) ?? 'another configuration',
    savingMs: ms,
    savingPct: num(v.savingPct),
    savingWindows: num(v.savingWindows),
    diceChange: dice,
    time: readTimeComparison(v.time),
    diceComparison: readDiceComparison(v.diceComparison),
  };
}

function readMargin(v: unknown, configs: ReportConfig[]): ReportMarginRecommendation | null {
  if (!isRec(v)) return null;
  const margin = nums(v.margin);
  const overlap = nums(v.overlap);
  if (!margin || !overlap) return null;
  const patchSize = nums(v.patchSize) ?? [];
  const configId = str(v.configId);
  return {
    patchSize,
    margin,
    overlap,
    keptFraction: num(v.keptFraction) ?? NaN,
    cropMean: num(v.cropMean) ?? NaN,
    fullMean: num(v.fullMean) ?? NaN,
    tolerance: num(v.tolerance) ?? NaN,
    configId: configId && configs.some((c) => c.id === configId) ? configId : null,
  };
}

/** The grid configuration whose overlap discards `m`'s margin (same patch size, overlap within ½ voxel), fastest first. */
function marginConfig(m: ReportMarginRecommendation, configs: ReportConfig[]): string | null {
  const fits = configs.filter(
    (c) =>
      sameShape(c.patchSize, m.patchSize) &&
      c.overlap.length === m.overlap.length &&
      c.overlap.every((o, a) => Math.abs(o - m.overlap[a]) * m.patchSize[a] <= 0.5),
  );
  return fits.sort((a, b) => a.time.medianMs - b.time.medianMs)[0]?.id ?? null;
}

function readRecommendation(v: unknown, configs: ReportConfig[], margin: ReportMarginRecommendation | null, warnings: string[]): ReportRecommendation | null {
  if (configs.length === 0) return null;
  const ranked = configs.filter((c) => c.complete).length ? configs.filter((c) => c.complete) : configs;
  const r = rec(v);
  let configId = str(r.configId);
  let rule = str(r.rule);
  if (configId && !configs.some((c) => c.id === configId)) {
    warnings.push(`summary.json recommends configuration ${configId}, which is not among the configurations; the report applies its default rule instead`);
    configId = null;
  }
  if (!configId) {
    const d = defaultRecommendation(ranked);
    warnings.push(`${isRec(v) ? 'summary.json names no recommended configuration' : 'summary.json has no recommendation'}; the report applied its default rule (${d.rule})`);
    configId = d.configId;
    rule = d.rule;
  }
  const c = configs.find((x) => x.id === configId)!;
  let savings = arr(r.savings).map((s) => readSaving(s, configs)).filter((s): s is ReportSaving => s !== null);
  if (savings.length === 0) {
    const costly = ranked.reduce((a, b) => (b.time.medianMs > a.time.medianMs ? b : a));
    savings = [saving(c, costly, 'the most expensive configuration')];
    const m = margin ? (margin.configId ?? marginConfig(margin, configs)) : null;
    if (m && m !== costly.id) savings.push(saving(c, configs.find((x) => x.id === m)!, 'the configuration whose overlap discards the map’s recommended margin'));
  }
  const givenMargin = readMargin(r.margin, configs);
  const theMargin = givenMargin ?? margin;
  if (theMargin && theMargin.configId === null) theMargin.configId = marginConfig(theMargin, configs);
  return {
    configId: c.id,
    dice: num(r.dice) ?? c.dice.mean,
    timeMs: num(r.timeMs) ?? c.time.medianMs,
    windows: num(r.windows) ?? c.windows,
    rule: rule ?? 'as chosen by the sweep',
    reason: str(r.reason),
    savings,
    margin: theMargin,
  };
}

function readProvenance(p: Rec, sweep: Rec, results: ResultLite[], parts: ReportParts): ReportProvenance {
  const app = rec(p.app ?? sweep.app);
  const model = rec(p.model ?? sweep.model);
  const versions = rec(p.versions ?? sweep.versions);
  const backend = p.backend ?? sweep.backend;
  const backendRec = rec(backend);
  const inputs: ReportInputFile[] = arr(p.inputs)
    .filter(isRec)
    .map((i) => ({ caseId: str(i.caseId) ?? '—', role: i.role === 'label' ? ('label' as const) : ('image' as const), path: str(i.path) ?? '—', sha256: str(i.sha256) }));
  if (inputs.length === 0) {
    // The summary's cases, each hash taken from sweep.json's same case (same files) where the summary lacks it.
    const planned = new Map(arr(sweep.cases).filter(isRec).map((c) => [str(c.id), c]));
    for (const c of arr(p.cases ?? sweep.cases).filter(isRec)) {
      const id = str(c.id) ?? '—';
      const o = rec(planned.get(id));
      const hash = (role: 'image' | 'label') =>
        str(c[`${role}Sha256`]) ?? str(rec(c.sha256)[role]) ?? (o[role] === c[role] ? (str(o[`${role}Sha256`]) ?? str(rec(o.sha256)[role])) : null);
      if (str(c.image)) inputs.push({ caseId: id, role: 'image', path: c.image as string, sha256: hash('image') });
      if (str(c.label)) inputs.push({ caseId: id, role: 'label', path: c.label as string, sha256: hash('label') });
    }
  }
  let machines: ReportMachine[] = arr(p.machines ?? sweep.machines)
    .map((m) => {
      if (typeof m === 'string') return { id: m, description: null };
      if (!isRec(m) || !str(m.id)) return null;
      const parts = [str(m.description), num(m.results) !== null ? `${m.results as number} result(s)` : null, strs(m.backends)?.length ? `backend ${(m.backends as string[]).join(', ')}` : null];
      return { id: m.id as string, description: parts.filter((x) => x).join('; ') || null };
    })
    .filter((m): m is ReportMachine => m !== null);
  if (machines.length === 0) machines = [...new Set(results.map((r) => r.machine).filter((m): m is string => m !== null))].map((id) => ({ id, description: null }));
  const backends = [...new Set(results.map((r) => r.backend).filter((b): b is string => b !== null))];
  const options = isRec(p.options) ? p.options : isRec(sweep.options) ? sweep.options : isRec(sweep.grid) ? { grid: sweep.grid } : {};
  return {
    app: str(app.name) && str(app.version) ? { name: app.name as string, version: app.version as string } : null,
    tfjsVersion: str(p.tfjsVersion) ?? str(versions.tfjs),
    backend: typeof backend === 'string' ? backend : (str(backendRec.name) ?? (backends.length ? backends.join(', ') : null)),
    gpuRenderer: str(p.gpuRenderer) ?? str(backendRec.renderer),
    model: str(model.name) || str(model.sha256) ? { name: str(model.name) ?? '—', sha256: str(model.sha256), path: str(model.path) } : null,
    inputs,
    options,
    date: str(p.date) ?? str(sweep.created) ?? str(sweep.date) ?? str(sweep.startedAt),
    machines,
    sweepDir: str(p.sweepDir) ?? parts.sweepDir ?? null,
    reportGeneratedAt: (parts.now ?? new Date()).toISOString(),
    reportGenerator: parts.generator ?? null,
  };
}

/**
 * A `SweepSummary` (format `patchlens.sweep-summary`, shared/sweep/types.ts) in the shape of
 * report data: configurations as they are (`ConfigSummary` is read by `readConfig`), the
 * recommendation with its savings against the most expensive configuration and against the
 * configuration that discards the map's margin, the calibration map of the recommended patch
 * size (from its `.npy`), the time model's predictions, provenance and warnings.
 */
function fromSweepSummary(s: Rec, parts: ReportParts, warnings: string[]): Rec {
  const configs = arr(s.configs).filter(isRec);
  const pareto = strs(s.pareto);
  if (pareto) for (const c of configs) if (typeof c.onParetoFront !== 'boolean') c.onParetoFront = pareto.includes(str(rec(c.config).id) ?? '');
  const r = isRec(s.recommendation) ? s.recommendation : null;
  const recPatch = nums(rec(r?.config).patchSize);
  const margins = arr(s.margins).filter(isRec);
  const m = margins.find((x) => recPatch && nums(x.patchSize) && sameShape(x.patchSize as number[], recPatch)) ?? margins[0] ?? null;
  const mr = rec(m?.recommendation);
  const patchSize = nums(m?.patchSize) ?? [];
  const trim = (a: number[] | null) => (a && patchSize.length ? a.slice(0, patchSize.length) : (a ?? []));
  const margin = m && nums(mr.margin)
    ? { patchSize, margin: trim(nums(mr.margin)), overlap: trim(nums(mr.overlap)), keptFraction: mr.keptFraction, cropMean: mr.cropMean, fullMean: mr.fullMean, tolerance: mr.tolerance, configId: m.configId ?? null }
    : null;
  const asSaving = (v: unknown, label: string) => {
    const x = rec(v);
    const fraction = num(x.fraction);
    return str(x.configId) && num(x.ms) !== null
      ? { configId: x.configId, label, savingMs: x.ms, savingPct: fraction === null ? null : fraction * 100, savingWindows: num(x.windows), diceChange: -(num(x.diceDelta) ?? 0), time: x.time, diceComparison: x.diceComparison }
      : null;
  };
  const recommendation = r
    ? {
        configId: r.configId,
        dice: r.dice,
        timeMs: r.timeMs,
        windows: r.windows,
        rule: str(r.rule) ?? str(s.rule),
        reason: r.reason,
        savings: [asSaving(r.vsMostExpensive, 'the most expensive configuration'), asSaving(r.vsMargin, 'the configuration whose overlap discards the map’s recommended margin')].filter((x) => x !== null),
        margin,
      }
    : null;
  let performanceMap: Rec | null = null;
  const mapFile = str(m?.mapFile);
  if (mapFile) {
    const f = parts.mapFiles?.[mapFile];
    if (f) {
      const calib = configs.find((c) => str(rec(c.config).id) === str(m?.calibrationId));
      performanceMap = {
        shape: f.shape,
        mean: f.data,
        measure: str(rec(s.settings).measure),
        count: num(calib?.performanceCount),
        source: `calibration run ${str(m?.calibrationId) ?? ''}, merged over every case`.replace('run ,', 'run,'),
      };
    } else {
      warnings.push(`the calibration map ${mapFile} named in summary.json could not be read; the map shown is merged from the results`);
    }
  }
  const timePredictions: ReportTimePrediction[] = [];
  for (const tm of arr(s.timeModels).filter(isRec)) {
    for (const row of arr(tm.predictions).filter(isRec)) {
      const predictedMs = num(row.predictedMs);
      const measuredMs = num(row.measuredMs);
      if (!str(row.configId) || predictedMs === null || measuredMs === null) continue;
      timePredictions.push({
        caseId: str(tm.caseId) ?? '—',
        machine: str(tm.machine),
        configId: row.configId as string,
        predictedMs,
        measuredMs,
        medianMs: num(row.medianMs),
        errorPct: num(row.errorPct) ?? ((predictedMs - measuredMs) / measuredMs) * 100,
        heldOut: row.heldOut !== false,
      });
    }
  }
  const missing = arr(s.missing).filter(isRec);
  const extraWarnings: string[] = [];
  if (missing.length) {
    extraWarnings.push(`${missing.length} (case, configuration) pair${missing.length === 1 ? ' has' : 's have'} no result yet (e.g. ${str(missing[0].caseId)} × ${str(missing[0].configId)}); incomplete configurations are not ranked`);
  }
  const settings = rec(s.settings);
  const model = rec(s.model);
  return {
    summary: {
      modelName: str(model.name),
      caseIds: arr(s.cases).filter(isRec).map((c) => str(c.id)).filter((x) => x !== null),
      measure: str(settings.measure),
      diceMode: settings.diceMode === 'classes' || settings.diceMode === 'foreground' ? settings.diceMode : null,
    },
    configs,
    recommendation,
    noRecommendation: s.noRecommendation,
    findings: s.findings,
    timeModelErrors: arr(s.timeModels).filter(isRec),
    performanceMap,
    timePredictions,
    provenance: {
      ...rec(s.provenance),
      app: s.app ?? rec(s.provenance).app,
      versions: s.versions ?? rec(s.provenance).versions,
      backend: s.backend ?? rec(s.provenance).backend,
      model: s.model,
      cases: s.cases,
      machines: s.machines,
      date: s.created,
      options: { settings: s.settings, grid: s.grid, sources: s.sources, timingMachine: s.timingMachine, rule: s.rule },
    },
    warnings: [...(strs(s.warnings) ?? []), ...extraWarnings],
  };
}

/**
 * Builds a complete {@link ReportData} from a sweep folder's parsed files.
 *
 * `summary.json` may be the sweep runner's `SweepSummary` (format `patchlens.sweep-summary`) or
 * a `ReportData` (format `patchlens.report-data`). In the latter any optional part may be
 * missing or null, and these shortcuts are accepted:
 * - `configs` may hold `ConfigSummary`s instead of `ReportConfig`s, or be missing (then built
 *   from the results); missing time ranges, per-class Dice, efficiency, prediction errors and
 *   Pareto flags are computed from the results;
 * - `performanceMap` may be the report form (with `slices`), a `PerformanceMapJSON` accumulator
 *   (`sum`, `count`), or `{ shape, mean }`; missing, the results' maps are merged; the border
 *   profile and the map's margin/overlap recommendation are derived from any full map;
 * - `recommendation` may give only `configId` and `rule`; missing, the fastest configuration
 *   within {@link DEFAULT_DICE_TOLERANCE} Dice of the best is recommended; missing savings are
 *   computed against the most expensive configuration and the one that discards the map's margin;
 * - `cases` missing: one row per result;
 * - `provenance` fields missing: taken from `sweep.json` (`app`, `versions.tfjs`, `backend`,
 *   `model`, `cases`, `options`/`grid`, `created`/`date`, `machines`) and the results.
 * @throws when summary.json is not a JSON object, or no configuration can be read from it or the results
 */
export function assembleReportData(parts: ReportParts): ReportData {
  if (!isRec(parts.summary)) throw new TypeError('loadReportData: summary.json must hold a JSON object (a sweep summary or report data)');
  const warnings: string[] = [];
  const raw = parts.summary;
  const isSweepSummary = raw.format === SWEEP_SUMMARY_FORMAT;
  if (str(raw.format) && !isSweepSummary && raw.format !== REPORT_DATA_FORMAT) {
    warnings.push(`summary.json has format "${raw.format as string}"; it was read as ${REPORT_DATA_FORMAT}`);
  }
  if (num(raw.version) !== null && (raw.version as number) > 1) warnings.push(`summary.json is version ${raw.version as number}; this build reads version 1 and may miss parts of it`);
  const s = isSweepSummary ? fromSweepSummary(raw, parts, warnings) : raw;
  const sweep = rec(parts.sweep);
  warnings.unshift(...(strs(s.warnings) ?? []), ...(strs(sweep.warnings) ?? []));

  const rawResults = parts.results ?? [];
  const results = rawResults.map(readResult).filter((r): r is ResultLite => r !== null);
  if (results.length < rawResults.length) {
    const n = rawResults.length - results.length;
    warnings.push(`${n} entr${n === 1 ? 'y' : 'ies'} in results/ ${n === 1 ? 'is' : 'are'} not a readable case result and ${n === 1 ? 'was' : 'were'} skipped`);
  }
  // Runs repeat the same warnings (the model spec's assumptions, say): list each text once,
  // with how many (case, configuration) pairs gave it.
  const byText = new Map<string, string[]>();
  for (const r of results) for (const w of new Set(r.warnings)) byText.set(w, [...(byText.get(w) ?? []), `${r.caseId} × ${r.configId}`]);
  for (const [w, pairs] of byText) {
    warnings.push(pairs.length === results.length && results.length > 1 ? `${w} (every run)` : pairs.length === 1 ? `${pairs[0]}: ${w}` : `${w} (${pairs.length} of ${results.length} runs, e.g. ${pairs[0]})`);
  }
  const plan = knownConfigs(sweep, results);
  const sum = rec(s.summary);
  const caseIdsGiven = strs(sum.caseIds);
  const caseCount = caseIdsGiven?.length ?? arr(sweep.cases).length;

  const rawConfigs = arr(s.configs);
  let configs = rawConfigs.map((c) => readConfig(c, results, plan, caseCount)).filter((c): c is ReportConfig => c !== null);
  if (configs.length < rawConfigs.length) warnings.push(`${rawConfigs.length - configs.length} configuration(s) in summary.json could not be read and were left out`);
  if (configs.length === 0) {
    configs = [...new Set(results.map((r) => r.configId))]
      .map((id) => readConfig({ ...(plan.get(id) ?? {}), id }, results, plan, caseCount))
      .filter((c): c is ReportConfig => c !== null);
  }
  if (configs.length === 0) throw new Error('loadReportData: summary.json has no configurations and results/ holds no readable case results, so there is nothing to report');
  if (!rawConfigs.some((c) => isRec(c) && typeof c.onParetoFront === 'boolean')) {
    const ranked = configs.filter((c) => c.complete);
    const front = paretoFront(ranked.map((c) => ({ timeMs: c.time.medianMs, dice: c.dice.mean })));
    ranked.forEach((c, i) => (c.onParetoFront = front[i]));
  }

  let cases = arr(s.cases).map(readResult).filter((r): r is ResultLite => r !== null).map(caseRow);
  if (cases.length === 0) cases = results.map(caseRow);

  const givenRec = rec(s.recommendation);
  const preferredShape = configs.find((c) => c.id === str(givenRec.configId))?.patchSize ?? null;
  const givenMap = isRec(s.performanceMap) ? s.performanceMap : isRec(s.performance) ? s.performance : null;
  const { map, derived } = readMap(givenMap, results, preferredShape, warnings);
  const performanceMap = map ?? derived?.performanceMap ?? null;
  const borderProfile = isRec(s.borderProfile) && Array.isArray(s.borderProfile.perAxis) ? (s.borderProfile as unknown as ReportBorderProfile) : (derived?.borderProfile ?? null);
  // A summary that names no recommendation on purpose (null, or an explanation) gets none; only
  // a report-data summary that leaves it out gets the report's default rule.
  const declined = !isRec(s.recommendation) && (s.recommendation === null || str(s.noRecommendation) !== null);
  const chosen = declined ? null : readRecommendation(s.recommendation, configs, derived ? { ...derived.margin, configId: null } : null, warnings);

  const timePredictions = arr(s.timePredictions).filter(isRec).filter((t) => str(t.configId) && num(t.predictedMs) !== null && num(t.measuredMs) !== null) as unknown as ReportTimePrediction[];
  const verdicts = reportFindings({ recommendation: chosen, declined, noRecommendation: str(s.noRecommendation), findings: strs(s.findings), configs, cases });
  const recommendation = verdicts.recommendation;
  const provenance = readProvenance(rec(s.provenance), sweep, results, parts);
  const caseIds = caseIdsGiven ?? [...new Set([...arr(sweep.cases).filter(isRec).map((c) => str(c.id)).filter((x): x is string => x !== null), ...cases.map((c) => c.caseId)])];
  const modelName = str(sum.modelName) ?? provenance.model?.name ?? null;
  const sweepName = str(sum.sweepName) ?? str(sweep.name) ?? (parts.sweepDir ? (parts.sweepDir.split(/[\\/]/).filter(Boolean).pop() ?? null) : null);
  const modes = new Set(results.map((r) => r.diceMode).filter((m) => m !== null));
  const diceMode = sum.diceMode === 'classes' || sum.diceMode === 'foreground' ? sum.diceMode : modes.size === 1 ? [...modes][0] : null;

  return {
    format: REPORT_DATA_FORMAT,
    version: REPORT_DATA_VERSION,
    summary: {
      title: str(sum.title) ?? `PatchLens report${modelName ? `: ${modelName}` : ''}`,
      sweepName,
      modelName,
      caseIds,
      configCount: configs.length,
      runCount: num(sum.runCount) ?? (results.length || cases.length),
      measure: str(sum.measure) ?? performanceMap?.measure ?? null,
      diceMode,
      sweepWallMs: num(sum.sweepWallMs),
    },
    recommendation,
    noRecommendation: verdicts.noRecommendation,
    findings: verdicts.findings,
    timeModelErrors: timeModelErrors(arr(s.timeModelErrors).filter(isRec), timePredictions, configs),
    performanceMap,
    borderProfile,
    configs,
    cases,
    timePredictions,
    provenance,
    warnings: [...new Set([...warnings, ...(parts.warnings ?? [])])],
  };
}
