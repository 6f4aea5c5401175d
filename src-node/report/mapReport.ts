import { recommendMargin } from '../../shared/recommend/recommendMargin';
import type { ReportBorderProfile, ReportMapSlice, ReportMarginRecommendation, ReportPerformanceMap, ReportProfileCurve } from './reportData';

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

const product = (a: readonly number[]): number => a.reduce((p, s) => p * s, 1);

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

/** The central position of an axis: one plane (odd size) or the mean of the two central planes (even size). */
function centrePlanes(size: number): number[] {
  return size % 2 === 1 ? [(size - 1) / 2] : [size / 2 - 1, size / 2];
}

/** A 2-D slice of a 3-D map with `fixed` held at its centre. */
function slice3(data: Float64Array, shape: number[], fixed: number, names: string[]): ReportMapSlice {
  const [rowAxis, colAxis] = [0, 1, 2].filter((a) => a !== fixed);
  const rows = shape[rowAxis];
  const cols = shape[colAxis];
  const strides = [shape[1] * shape[2], shape[2], 1];
  const planes = centrePlanes(shape[fixed]);
  const values = new Array<number>(rows * cols).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (const p of planes) s += data[r * strides[rowAxis] + c * strides[colAxis] + p * strides[fixed]];
      values[r * cols + c] = s / planes.length;
    }
  }
  const position = planes.reduce((a, b) => a + b, 0) / planes.length;
  const where = planes.length === 1 ? `plane ${planes[0]}` : `mean of planes ${planes[0]} and ${planes[1]}`;
  return { label: `${names[fixed]} at the patch centre (${where})`, fixedAxis: fixed, position, rowAxis, colAxis, rows, cols, values };
}

/** Mean of the map against the distance to the border, along the given axes (min over them). */
function profile(data: Float64Array, shape: number[], axes: number[]): ReportProfileCurve {
  const maxD = Math.min(...axes.map((a) => Math.floor((shape[a] - 1) / 2)));
  const sum = new Array<number>(maxD + 1).fill(0);
  const n = new Array<number>(maxD + 1).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    let d = Infinity;
    for (const a of axes) d = Math.min(d, idx[a], shape[a] - 1 - idx[a]);
    sum[d] += data[i];
    n[d]++;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { distance: sum.map((_, d) => d), mean: sum.map((s, d) => s / n[d]) };
}

/**
 * From a full mean map: the slices the report shows (one for a 1-D/2-D map, three orthogonal
 * ones through the patch centre for a 3-D map), the border profile (per axis and to the nearest
 * border) and `recommendMargin`'s margin and overlap. Axes of size 1 are dropped first; a map
 * with more than 3 remaining axes is averaged over its trailing axes.
 * @throws when the map's size does not match its shape or a value is not finite
 */
export function mapReport(map: MeanMap, options: { tolerance?: number } = {}): MapReport {
  if (!Array.isArray(map.shape) || map.shape.length === 0 || !map.shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new RangeError(`mapReport: shape must be a non-empty list of positive integers, got ${JSON.stringify(map.shape)}`);
  }
  if (map.data.length !== product(map.shape)) {
    throw new RangeError(`mapReport: the map has ${map.data.length} values but shape [${map.shape.join(', ')}] needs ${product(map.shape)}`);
  }
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
  let slices: ReportMapSlice[];
  if (shape.length === 3) slices = [0, 1, 2].map((a) => slice3(data, shape, a, names));
  else if (shape.length === 2) slices = [{ label: `the whole ${shape[0]}×${shape[1]} map`, fixedAxis: null, position: null, rowAxis: 0, colAxis: 1, rows: shape[0], cols: shape[1], values: Array.from(data) }];
  else slices = [{ label: `the whole ${shape[0]}-voxel map`, fixedAxis: null, position: null, rowAxis: null, colAxis: 0, rows: 1, cols: shape[0], values: Array.from(data) }];
  for (const s of slices) s.values = s.values.map(round);
  const measure = map.measure ?? 'error';
  const source = [map.source ?? null, note].filter((s) => s).join('; ');
  const rec = recommendMargin({ data, shape }, { tolerance: options.tolerance ?? 0.05 });
  return {
    performanceMap: { shape, axisNames: names, measure, count: map.count ?? 0, source: source || 'the sweep', min, max, mean: total / data.length, colormap: 'viridis', slices },
    borderProfile: {
      measure,
      perAxis: shape.map((_, a) => ({ axis: a, name: names[a], ...profile(data, shape, [a]) })),
      nearest: profile(data, shape, shape.map((_, a) => a)),
    },
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
