import { product, rowMajorStrides } from '../util/validate';

/**
 * An N-dimensional summed-area table (integral volume): any axis-aligned box sum in O(2^N).
 * The table has shape `shape + 1` per axis; entry x holds the sum of all values at positions < x.
 */
export class SummedAreaTable {
  private readonly table: Float64Array;
  private readonly strides: number[];
  private readonly corners: { offsetHi: boolean[]; sign: number }[];

  /** @param data row-major values of `shape` */
  constructor(data: ArrayLike<number>, readonly shape: readonly number[]) {
    const ext = shape.map((s) => s + 1);
    this.strides = rowMajorStrides(ext);
    this.table = new Float64Array(product(ext));
    const n = product([...shape]);
    const idx = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let a = 0; a < shape.length; a++) t += (idx[a] + 1) * this.strides[a];
      this.table[t] = data[i];
      for (let a = shape.length - 1; a >= 0; a--) {
        if (++idx[a] < shape[a]) break;
        idx[a] = 0;
      }
    }
    // Prefix sums along each axis in turn.
    for (let a = 0; a < ext.length; a++) {
      const stride = this.strides[a];
      for (let t = 0; t < this.table.length; t++) {
        const coord = Math.floor(t / stride) % ext[a];
        if (coord > 0) this.table[t] += this.table[t - stride];
      }
    }
    const nd = shape.length;
    this.corners = [];
    for (let mask = 0; mask < 1 << nd; mask++) {
      const offsetHi: boolean[] = [];
      let lows = 0;
      for (let a = 0; a < nd; a++) {
        const hi = ((mask >> a) & 1) === 1;
        offsetHi.push(hi);
        if (!hi) lows++;
      }
      this.corners.push({ offsetHi, sign: lows % 2 === 0 ? 1 : -1 });
    }
  }

  /** Sum over the box [lo, hi) (per-axis half-open bounds). */
  boxSum(lo: readonly number[], hi: readonly number[]): number {
    let total = 0;
    for (const { offsetHi, sign } of this.corners) {
      let t = 0;
      for (let a = 0; a < offsetHi.length; a++) t += (offsetHi[a] ? hi[a] : lo[a]) * this.strides[a];
      total += sign * this.table[t];
    }
    return total;
  }
}
