import { product, rowMajorStrides } from '../util/validate';

/**
 * The values of an N-dimensional summed-area table (integral volume) of row-major `data` of
 * `shape`: shape `shape + 1` per axis, entry x holds the sum of all values at positions < x.
 *
 * The table is defined as prefix sums along axis 0, then axis 1, …, then the last axis (each
 * entry adds its predecessor along the axis once, the border of zeros included), and this
 * builds exactly those float64 values in one pass over the data: for axis a < N − 1 a buffer
 * keeps the running sums along a of the previous slice (sub-block of the axes after a), and a
 * scalar the running sum along the last axis.
 */
export function summedAreaTableValues(data: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const nd = shape.length;
  const strides = rowMajorStrides(shape.map((s) => s + 1));
  const table = new Float64Array(product(shape.map((s) => s + 1)));
  const last = shape[nd - 1];
  if (nd === 3) return fill3d(table, data, shape[0], shape[1], last);
  // Level a (< nd − 1) holds the prefix sums along a of one sub-block of axes a+1 … nd−1.
  const levelSize = shape.map((_, a) => product(shape.slice(a + 1)));
  const levelStart = new Array<number>(nd).fill(0);
  for (let a = 1; a < nd; a++) levelStart[a] = levelStart[a - 1] + levelSize[a - 1];
  const acc = new Float64Array(levelStart[nd - 1]);
  const rowAt = new Int32Array(Math.max(1, nd - 1)); // per level: where this row's sums are
  const idx = new Array<number>(Math.max(0, nd - 1)).fill(0);
  const rows = product(shape.slice(0, nd - 1));
  let src = 0;
  for (let r = 0; r < rows; r++) {
    let t = 1;
    for (let a = 0; a < nd - 1; a++) t += (idx[a] + 1) * strides[a];
    // Offset of this row inside each level's sub-block: the index of the axes after a.
    for (let a = 0; a < nd - 1; a++) {
      let off = 0;
      for (let b = a + 1; b < nd - 1; b++) off = off * shape[b] + idx[b];
      rowAt[a] = levelStart[a] + off * last;
    }
    let run = 0;
    for (let k = 0; k < last; k++) {
      let v = data[src + k];
      for (let a = 0; a < nd - 1; a++) {
        const j = rowAt[a] + k;
        v += acc[j]; // previous slice along a (0 at its start: the table's border)
        acc[j] = v;
      }
      run = v + run;
      table[t + k] = run;
    }
    src += last;
    for (let a = nd - 2; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
      // a new run along axis a starts: its sums restart from the table's border (zeros)
      acc.fill(0, levelStart[a], levelStart[a] + levelSize[a]);
    }
  }
  return table;
}

/** {@link summedAreaTableValues} for 3-D maps, the general loop with its levels written out. */
function fill3d(table: Float64Array, data: ArrayLike<number>, nz: number, ny: number, nx: number): Float64Array {
  const sy = nx + 1;
  const sz = (ny + 1) * sy;
  const slab = new Float64Array(ny * nx); // sums along z of the previous slice
  const row = new Float64Array(nx); // sums along y of the previous row
  let src = 0;
  for (let z = 0; z < nz; z++) {
    row.fill(0);
    for (let y = 0; y < ny; y++) {
      const t = (z + 1) * sz + (y + 1) * sy + 1;
      const b = y * nx;
      let run = 0;
      for (let x = 0; x < nx; x++) {
        const v = data[src++] + slab[b + x];
        slab[b + x] = v;
        const w = v + row[x];
        row[x] = w;
        run = w + run;
        table[t + x] = run;
      }
    }
  }
  return table;
}

/** Sign of the corner `mask` (bit a set: the high bound on axis a) in an inclusion–exclusion box sum. */
export function cornerSign(mask: number, nd: number): number {
  let lows = 0;
  for (let a = 0; a < nd; a++) if (((mask >> a) & 1) === 0) lows++;
  return lows % 2 === 0 ? 1 : -1;
}

/**
 * An N-dimensional summed-area table (integral volume): any axis-aligned box sum in O(2^N).
 * The table has shape `shape + 1` per axis; entry x holds the sum of all values at positions < x.
 */
export class SummedAreaTable {
  private readonly table: Float64Array;
  private readonly strides: number[];
  private readonly signs: number[];

  /** @param data row-major values of `shape` */
  constructor(data: ArrayLike<number>, readonly shape: readonly number[]) {
    this.strides = rowMajorStrides(shape.map((s) => s + 1));
    this.table = summedAreaTableValues(data, shape);
    this.signs = Array.from({ length: 1 << shape.length }, (_, mask) => cornerSign(mask, shape.length));
  }

  /** Sum over the box [lo, hi) (per-axis half-open bounds). Corners are added in mask order. */
  boxSum(lo: readonly number[], hi: readonly number[]): number {
    const nd = this.strides.length;
    let total = 0;
    for (let mask = 0; mask < this.signs.length; mask++) {
      let t = 0;
      for (let a = 0; a < nd; a++) t += ((mask >> a) & 1 ? hi[a] : lo[a]) * this.strides[a];
      total += this.signs[mask] * this.table[t];
    }
    return total;
  }
}
