import { arr, isRec, mean, num, nums, rec, str, type Rec } from './readLenient';
import { meanPerClass, classDice, type ResultLite } from './readResult';
import type { ReportConfig } from './reportTypes';

/** Configurations by id from sweep.json's `configs` and the results' embedded `config`. */
export function knownConfigs(sweep: Rec, results: ResultLite[]): Map<string, Rec> {
  const m = new Map<string, Rec>();
  for (const r of results) if (r.config) m.set(r.configId, r.config);
  for (const c of arr(sweep.configs).filter(isRec)) if (str(c.id)) m.set(c.id as string, c);
  return m;
}

/** One configuration: a `ReportConfig`, or a `ConfigSummary` (`{ config, windows, timeMs, dice, timing, perClassDice, … }`). */
export function readConfig(v: unknown, results: ResultLite[], plan: Map<string, Rec>, caseCount: number): ReportConfig | null {
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
