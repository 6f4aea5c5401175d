import type { PerformanceMapJSON } from '../../shared/performance/PerformanceMap';
import { arr, isRec, mean, num, nums, rec, str, strs, type Rec } from './readLenient';
import type { ReportCaseRow, ReportClassDice } from './reportTypes';
import type { LabelMode } from '../../shared/engine/postprocess/dice';

/** A `CaseResult` (shared/sweep/types.ts), read leniently. */
export interface ResultLite {
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
  diceMode: LabelMode | null;
  machine: string | null;
  backend: string | null;
  calibration: boolean;
  performance: PerformanceMapJSON | null;
  warnings: string[];
}

/** Per-class Dice entries, read leniently (entries without a finite Dice are dropped). */
export function classDice(v: unknown): ReportClassDice[] {
  return arr(v)
    .filter(isRec)
    .map((c) => ({ label: num(c.label) ?? 0, name: str(c.name), dice: num(c.dice) ?? NaN }))
    .filter((c) => Number.isFinite(c.dice));
}

/** A `CaseResult`, or null when it lacks its case, configuration, time or Dice. */
export function readResult(v: unknown): ResultLite | null {
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
export function readPerformance(v: unknown): PerformanceMapJSON | null {
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

/** Mean per-class Dice over several results (classes matched by label). */
export function meanPerClass(lists: ReportClassDice[][]): ReportClassDice[] {
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

/** A result as a row of the per-case table. */
export function caseRow(r: ResultLite): ReportCaseRow {
  return { caseId: r.caseId, configId: r.configId, dice: r.dice, perClass: r.perClass, timeMs: r.medianMs, minMs: r.minMs, maxMs: r.maxMs, runsMs: r.runsMs, windows: r.windows, machine: r.machine };
}
