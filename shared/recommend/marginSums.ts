import { rowMajorStrides } from '../util/validate';
import { cornerSign, summedAreaTableValues } from './summedAreaTable';

/**
 * Crop means of every symmetric margin m (0 ≤ m_a ≤ limits[a]) of a map, from its summed-area
 * table, in lexicographic order of m (the last axis fastest): entry i is the mean over the crop
 * [m_a, s_a − m_a) of the i-th margin. Each sum adds the table's 2^N corners in mask order
 * (bit a set: the high bound on axis a), the same arithmetic as {@link SummedAreaTable.boxSum}.
 */
export function marginCropMeans(data: ArrayLike<number>, shape: readonly number[], limits: readonly number[]): Float64Array {
  const nd = shape.length;
  const table = summedAreaTableValues(data, shape);
  const strides = rowMajorStrides(shape.map((s) => s + 1));
  const half = 1 << (nd - 1); // corners of the axes before the last
  const lowSigns = new Float64Array(half); // last axis at its low bound
  const highSigns = new Float64Array(half);
  for (let c = 0; c < half; c++) {
    lowSigns[c] = cornerSign(c, nd);
    highSigns[c] = cornerSign(c | half, nd);
  }
  let count = 1;
  for (const l of limits) count *= l + 1;
  const means = new Float64Array(count);
  const bases = new Int32Array(half); // table offsets of the outer corners (a table is < 2^31 entries)
  const outer = new Array<number>(nd - 1).fill(0); // margins of the axes before the last
  const sLast = shape[nd - 1];
  const lLast = limits[nd - 1];
  let i = 0;
  for (;;) {
    let keptOuter = 1;
    for (let a = 0; a < nd - 1; a++) keptOuter *= shape[a] - 2 * outer[a];
    for (let c = 0; c < half; c++) {
      let t = 0;
      for (let a = 0; a < nd - 1; a++) t += ((c >> a) & 1 ? shape[a] - outer[a] : outer[a]) * strides[a];
      bases[c] = t;
    }
    for (let m = 0; m <= lLast; m++) {
      const hi = sLast - m;
      let total = 0;
      for (let c = 0; c < half; c++) total += lowSigns[c] * table[bases[c] + m];
      for (let c = 0; c < half; c++) total += highSigns[c] * table[bases[c] + hi];
      means[i++] = total / (keptOuter * (hi - m));
    }
    let a = nd - 2;
    for (; a >= 0; a--) {
      if (++outer[a] <= limits[a]) break;
      outer[a] = 0;
    }
    if (a < 0) return means;
  }
}

/**
 * Sum of `data` (row-major, `shape`) over the crop [margin_a, s_a − margin_a), added one value at
 * a time in row-major order. The margin must leave at least one voxel per axis (not checked).
 */
export function cropSum(data: ArrayLike<number>, shape: readonly number[], margin: readonly number[]): number {
  const nd = shape.length;
  const strides = rowMajorStrides(shape);
  const idx = margin.slice(0, nd - 1);
  const lo = margin[nd - 1];
  const hi = shape[nd - 1] - margin[nd - 1];
  let sum = 0;
  for (;;) {
    let off = 0;
    for (let a = 0; a < nd - 1; a++) off += idx[a] * strides[a];
    for (let k = off + lo, end = off + hi; k < end; k++) sum += data[k];
    let a = nd - 2;
    for (; a >= 0; a--) {
      if (++idx[a] < shape[a] - margin[a]) break;
      idx[a] = margin[a];
    }
    if (a < 0) return sum;
  }
}
