/**
 * The end of a sliding-window run: dividing the accumulated prediction by the summed blend
 * weights and cropping the padding away.
 *
 * The summed weights depend on the plan and the weight map only, not on the predictions, so for
 * a plan whose windows are the grid of its starts (every plan `planWindows` makes) they are not
 * accumulated per voxel during the run (a second frame-sized array read and written per window)
 * but summed here one frame row at a time into a row buffer, from the weight map's rows, in the
 * windows' order: every voxel gets the same float32 additions in the same order as a per-voxel
 * sum would, so the quotient is bit for bit the same.
 */
import { product, rowMajorStrides } from '../util/validate';
import type { WindowPlan } from './planWindows';
import type { NdArray } from './types';

/** True when `plan.windows` is the row-major grid of `plan.starts`, in order (what `planWindows` makes). */
export function windowsAreGrid(plan: WindowPlan): boolean {
  const counts = plan.starts.map((s) => s.length);
  if (plan.windows.length !== product(counts)) return false;
  const idx = new Array<number>(counts.length).fill(0);
  for (const w of plan.windows) {
    for (let a = 0; a < idx.length; a++) if (w.start[a] !== plan.starts[a][idx[a]]) return false;
    for (let a = idx.length - 1; a >= 0; a--) {
      if (++idx[a] < counts[a]) break;
      idx[a] = 0;
    }
  }
  return true;
}

/**
 * `acc[v] /= Σ weights of the windows covering v` over the padded frame, for a plan whose
 * windows are the grid of its starts (see {@link windowsAreGrid}); `weights` is the patch's map.
 *
 * Frame rows whose covering windows sit at the same in-patch offsets on every leading axis have
 * the same summed weights (with stride placement most coordinates share their pattern with
 * another), so rows are grouped by that pattern and each group's sums are computed once.
 */
export function normalizeByWeightSum(plan: WindowPlan, acc: Float32Array, weights: Float32Array, oc: number): void {
  const q = plan.paddedShape;
  const last = q.length - 1;
  const n = q[last];
  const classes = q.slice(0, last).map((len, a) => coverClasses(len, plan.starts[a], plan.patchSize[a]));
  // Weight-map row strides (in rows of the patch) and frame row strides (in rows of the frame) of the leading axes.
  const weightRowStrides = new Array<number>(last);
  const frameRowStrides = new Array<number>(last);
  for (let a = last - 1, s = 1, f = 1; a >= 0; a--) {
    weightRowStrides[a] = s;
    frameRowStrides[a] = f;
    s *= plan.patchSize[a];
    f *= q[a];
  }
  const sum = new Float32Array(n);
  const cls = new Array<number>(last).fill(0);
  const at = new Array<number>(last).fill(0);
  for (let more = true; more; more = odometer(cls, (a) => classes[a].offsets.length)) {
    sumRow(sum, weights, plan, classes.map((c, a) => c.offsets[cls[a]]), weightRowStrides);
    // Divide every frame row of this group.
    const coords = classes.map((c, a) => c.coords[cls[a]]);
    at.fill(0);
    for (let rows = true; rows; rows = odometer(at, (a) => coords[a].length)) {
      let row = 0;
      for (let a = 0; a < last; a++) row += coords[a][at[a]] * frameRowStrides[a];
      const o = row * n * oc;
      if (oc === 1) {
        for (let j = 0; j < n; j++) acc[o + j] /= sum[j];
      } else {
        for (let j = 0; j < n; j++) {
          const w = sum[j];
          const v = o + j * oc;
          for (let c = 0; c < oc; c++) acc[v + c] /= w;
        }
      }
    }
  }
}

/** Steps a row-major multi-index whose axis `a` counts to `size(a)`; false once it wraps. */
function odometer(index: number[], size: (a: number) => number): boolean {
  for (let a = index.length - 1; a >= 0; a--) {
    if (++index[a] < size(a)) return true;
    index[a] = 0;
  }
  return false;
}

/**
 * One leading axis's coordinates grouped by the in-patch offsets of their covering windows (in
 * window order): `offsets[k]` is group k's list, `coords[k]` its coordinates.
 */
function coverClasses(len: number, starts: readonly number[], patch: number): { offsets: number[][]; coords: number[][] } {
  const lists: number[][] = Array.from({ length: len }, () => []);
  for (const s of starts) for (let i = 0; i < patch; i++) lists[s + i].push(i);
  const byKey = new Map<string, number>();
  const offsets: number[][] = [];
  const coords: number[][] = [];
  lists.forEach((list, x) => {
    const key = list.join(',');
    let k = byKey.get(key);
    if (k === undefined) {
      k = offsets.length;
      byKey.set(key, k);
      offsets.push(list);
      coords.push([]);
    }
    coords[k].push(x);
  });
  return { offsets, coords };
}

/**
 * The summed weights along one frame row: every covering combination of the leading axes'
 * offsets `lists`, lexicographically (the windows' order), and inside one every window along
 * the last axis in order, added in float32 as a per-voxel sum would add them.
 */
function sumRow(sum: Float32Array, weights: Float32Array, plan: WindowPlan, lists: number[][], weightRowStrides: number[]): void {
  const last = plan.paddedShape.length - 1;
  const pn = plan.patchSize[last];
  const pn4 = pn - (pn % 4);
  const lastStarts = plan.starts[last];
  const pick = new Array<number>(last).fill(0);
  sum.fill(0);
  do {
    let wr = 0;
    for (let a = 0; a < last; a++) wr += lists[a][pick[a]] * weightRowStrides[a];
    const wb = wr * pn;
    for (let k = 0; k < lastStarts.length; k++) {
      const s = lastStarts[k];
      let j = 0;
      for (; j < pn4; j += 4) {
        sum[s + j] += weights[wb + j];
        sum[s + j + 1] += weights[wb + j + 1];
        sum[s + j + 2] += weights[wb + j + 2];
        sum[s + j + 3] += weights[wb + j + 3];
      }
      for (; j < pn; j++) sum[s + j] += weights[wb + j];
    }
  } while (odometer(pick, (a) => lists[a].length));
}

/** `acc[v·oc + c] /= weightSum[v]`: the per-voxel weight sum of a plan that is not a grid. */
export function normalizeByVoxelSum(acc: Float32Array, weightSum: Float32Array, oc: number): void {
  for (let v = 0; v < weightSum.length; v++) {
    const w = weightSum[v];
    const o = v * oc;
    for (let c = 0; c < oc; c++) acc[o + c] /= w;
  }
}

/**
 * Per axis, 1 / (sum of the profile over every window covering each padded coordinate): the
 * summed weights of a separable blend are the product of these per-axis sums.
 */
export function inverseAxisSums(plan: WindowPlan, profiles: Float64Array[]): Float64Array[] {
  return plan.paddedShape.map((q, a) => {
    const sums = new Float64Array(q);
    for (const s of plan.starts[a]) for (let i = 0; i < plan.patchSize[a]; i++) sums[s + i] += profiles[a][i];
    return sums.map((v) => 1 / v);
  });
}

/** acc[v] *= Π_a inv[a][v_a], row by row over the padded frame. */
export function normalizeSeparable(plan: WindowPlan, acc: Float32Array, inv: Float64Array[], oc: number): void {
  const q = plan.paddedShape;
  const last = q.length - 1;
  const n = q[last];
  const lastInv = inv[last];
  const lead = new Array<number>(last).fill(0);
  const rows = product(q.slice(0, last));
  for (let r = 0, o = 0; r < rows; r++) {
    let f = 1;
    for (let a = 0; a < last; a++) f *= inv[a][lead[a]];
    if (oc === 1) {
      for (let j = 0; j < n; j++) acc[o + j] *= f * lastInv[j];
    } else {
      for (let j = 0; j < n; j++) {
        const fj = f * lastInv[j];
        for (let c = 0; c < oc; c++) acc[o + j * oc + c] *= fj;
      }
    }
    o += n * oc;
    for (let a = last - 1; a >= 0; a--) {
      if (++lead[a] < q[a]) break;
      lead[a] = 0;
    }
  }
}

/** The padded frame `acc` (`oc` channels) cropped to the plan's image; `acc` itself when nothing is padded. */
export function cropPadding(plan: WindowPlan, acc: Float32Array, oc: number): NdArray<Float32Array> {
  const shape = [...plan.shape, oc];
  if (plan.paddedShape.every((q, a) => q === plan.shape[a])) return { data: acc, shape };
  const out = new Float32Array(product(shape));
  const ps = rowMajorStrides(plan.paddedShape);
  const last = plan.shape.length - 1;
  const rowLen = plan.shape[last] * oc;
  const lead = new Array<number>(last).fill(0);
  const rows = product(plan.shape.slice(0, last));
  for (let r = 0; r < rows; r++) {
    let off = plan.padLow[last];
    for (let a = 0; a < last; a++) off += (lead[a] + plan.padLow[a]) * ps[a];
    out.set(acc.subarray(off * oc, off * oc + rowLen), r * rowLen);
    for (let a = last - 1; a >= 0; a--) {
      if (++lead[a] < plan.shape[a]) break;
      lead[a] = 0;
    }
  }
  return { data: out, shape };
}
