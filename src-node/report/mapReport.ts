import { recommendMargin } from '../../shared/recommend/recommendMargin';
import { borderProfile } from '../../shared/view/borderProfile';
import { checkMapArray } from '../../shared/view/mapArray';
import { centreSlices } from '../../shared/view/mapSlice';
import type { ReportBorderProfile, ReportMarginRecommendation, ReportPerformanceMap } from './reportTypes';

/** A mean patch performance map: values row-major in `shape` (slowest axis first). */
export interface MeanMap {
  shape: readonly number[];
  data: ArrayLike<number>;
  measure?: string | null;
  /** Patches accumulated. */
  count?: number | null;
  /** Names of the axes of `shape`. */
  axisNames?: readonly string[] | null;
  /** Where the map comes from, one phrase. */
  source?: string | null;
}

/** What {@link mapReport} derives from a full map. */
export interface MapReport {
  performanceMap: ReportPerformanceMap;
  borderProfile: ReportBorderProfile;
  margin: ReportMarginRecommendation;
}

/** Drops axes of size 1, then averages trailing axes away until at most 3 remain. */
function squeeze(map: MeanMap): { shape: number[]; data: Float64Array; names: string[]; note: string | null } {
  const names0 = map.shape.map((_, a) => map.axisNames?.[a] ?? `axis ${a}`);
  const keep = map.shape.map((s, a) => a).filter((a) => map.shape[a] > 1);
  if (keep.length === 0) keep.push(map.shape.length - 1);
  let shape = keep.map((a) => map.shape[a]);
  let names = keep.map((a) => names0[a]);
  let data = Float64Array.from(map.data);
  let note: string | null = null;
  while (shape.length > 3) {
    const last = shape[shape.length - 1];
    const out = new Float64Array(data.length / last);
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let k = 0; k < last; k++) s += data[i * last + k];
      out[i] = s / last;
    }
    note = `${note ? `${note}, ` : ''}averaged over ${names[names.length - 1]}`;
    data = out;
    shape = shape.slice(0, -1);
    names = names.slice(0, -1);
  }
  return { shape, data, names, note };
}

/**
 * From a full mean map: the slices the report shows (`centreSlices`, shared/view: one for a
 * 1-D/2-D map, three orthogonal ones through the patch centre for a 3-D map), the border profile
 * (`borderProfile`, shared/view: per axis and to the nearest border; the explorer shows the same)
 * and `recommendMargin`'s margin and overlap. Axes of size 1 are dropped first; a map with more
 * than 3 remaining axes is averaged over its trailing axes.
 * @throws when the map's size does not match its shape or a value is not finite
 */
export function mapReport(map: MeanMap, options: { tolerance?: number } = {}): MapReport {
  checkMapArray('mapReport', map);
  const { shape, data, names, note } = squeeze(map);
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new RangeError(`mapReport: map value ${v} at index ${i} is not finite`);
    min = Math.min(min, v);
    max = Math.max(max, v);
    total += v;
  }
  // Six significant digits are plenty for a figure and halve the JSON sidecar.
  const round = (v: number) => Number(v.toPrecision(6));
  const slices = centreSlices({ shape, data }, names);
  for (const s of slices) s.values = s.values.map(round);
  const measure = map.measure ?? 'error';
  const source = [map.source ?? null, note].filter((s) => s).join('; ');
  const rec = recommendMargin({ data, shape }, { tolerance: options.tolerance ?? 0.05 });
  return {
    performanceMap: { shape, axisNames: names, measure, count: map.count ?? 0, source: source || 'the sweep', min, max, mean: total / data.length, colormap: 'viridis', slices },
    borderProfile: borderProfile({ shape, data }, measure, names),
    margin: {
      patchSize: shape,
      margin: rec.margin,
      overlap: rec.overlap,
      keptFraction: rec.keptFraction,
      cropMean: rec.cropMean,
      fullMean: rec.fullMean,
      tolerance: rec.tolerance,
      configId: null,
    },
  };
}
