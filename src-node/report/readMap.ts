import { PerformanceMap, type PerformanceMapJSON } from '../../shared/performance/PerformanceMap';
import { patchShapedMap } from '../../shared/sweep/summarize';
import { mapReport, type MapReport } from './mapReport';
import { num, str, strs, type Rec } from './readLenient';
import type { ResultLite } from './readResult';
import type { ReportPerformanceMap } from './reportTypes';

/**
 * The patch-shaped mean of an accumulator, as the sweep summary reads it (`patchShapedMap`,
 * shared/sweep/summarize.ts): `diceError` keeps [I, U] in a trailing axis of 2 (1 − 2·I/U).
 */
function accumulatorMean(m: PerformanceMap): { shape: number[]; data: Float64Array } {
  const shape = m.measure === 'diceError' && m.shape[m.shape.length - 1] === 2 ? m.shape.slice(0, -1) : m.shape;
  return { shape, data: patchShapedMap(m, shape) };
}

/** A mean map in any accepted form → slices, profile and margin; else the results' maps merged. */
export function readMap(given: Rec | null, results: ResultLite[], preferredShape: number[] | null, warnings: string[]): { map: ReportPerformanceMap | null; derived: MapReport | null } {
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
