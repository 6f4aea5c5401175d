/**
 * The diff format of label edits: which voxels changed, from what, to what. It is what the edit
 * history stores per step, what undo and redo hand back, and what label statistics, the
 * renderer and re-evaluation consume, so it is plain data (no closures), compact and exact.
 */
import { newLabelArray, type LabelArray, type LabelDatatype } from './labelGrid';

/**
 * A change of a label map at some voxels.
 * - `indices`: flat voxel indices, strictly increasing (sorted, unique);
 * - `before` / `after`: the values there before and after, aligned with `indices`, in the label
 *   map's datatype; a single number when every voxel has that value (a brush writes one label:
 *   its `after` is one number instead of a copy per voxel).
 * Every voxel listed really changes (`before ≠ after` at each).
 */
export interface VoxelDiff {
  indices: Uint32Array;
  before: LabelArray | number;
  after: LabelArray | number;
}

/**
 * Fixed cost counted per stored step on top of its typed arrays: the step object, its two or
 * three typed-array headers and its label string, about 200 bytes in V8. It makes a step that
 * changes one voxel cost more than nothing without hiding the per-voxel proportionality.
 */
export const STEP_OVERHEAD_BYTES = 200;

/** The value at position `k` of a diff side (an array or one number for all). */
export function valueAt(values: LabelArray | number, k: number): number {
  return typeof values === 'number' ? values : values[k];
}

/** Bytes a diff holds in typed arrays (indices + per-voxel values; a single number costs nothing). */
export function diffBytes(diff: VoxelDiff): number {
  const side = (v: LabelArray | number) => (typeof v === 'number' ? 0 : v.byteLength);
  return diff.indices.byteLength + side(diff.before) + side(diff.after);
}

/** The diff that undoes `diff` (shares its arrays). */
export function invertDiff(diff: VoxelDiff): VoxelDiff {
  return { indices: diff.indices, before: diff.after, after: diff.before };
}

/** Writes a diff's `after` values (or, with `undo`, its `before` values) into `labels`. */
export function writeDiff(labels: LabelArray, diff: VoxelDiff, undo = false): void {
  const values = undo ? diff.before : diff.after;
  const { indices } = diff;
  if (typeof values === 'number') {
    for (let k = 0; k < indices.length; k++) labels[indices[k]] = values;
  } else {
    for (let k = 0; k < indices.length; k++) labels[indices[k]] = values[k];
  }
}

/**
 * Stores one side of a diff compactly: one number when all `count` values are equal, else an
 * exact-size array of `datatype` (never a view into a larger buffer).
 */
export function compactValues(values: ArrayLike<number>, count: number, datatype: LabelDatatype): LabelArray | number {
  if (count > 0) {
    const first = values[0];
    let uniform = true;
    for (let k = 1; k < count && uniform; k++) uniform = values[k] === first;
    if (uniform) return first;
  }
  const out = newLabelArray(datatype, count);
  for (let k = 0; k < count; k++) out[k] = values[k];
  return out;
}

/**
 * One diff equal to applying `first` and then `second` (a merge of the two sorted index lists:
 * a voxel keeps `first`'s before and `second`'s after; a voxel that ends where it started is
 * left out). Used to merge the dabs of one brush drag into one undo step.
 */
export function composeDiffs(first: VoxelDiff, second: VoxelDiff, datatype: LabelDatatype): VoxelDiff {
  const a = first.indices;
  const b = second.indices;
  const indices = new Uint32Array(a.length + b.length);
  const before = newLabelArray(datatype, indices.length);
  const after = newLabelArray(datatype, indices.length);
  let i = 0;
  let j = 0;
  let n = 0;
  const put = (index: number, from: number, to: number) => {
    if (from === to) return;
    indices[n] = index;
    before[n] = from;
    after[n++] = to;
  };
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) {
      put(a[i], valueAt(first.before, i), valueAt(first.after, i));
      i++;
    } else if (i >= a.length || b[j] < a[i]) {
      put(b[j], valueAt(second.before, j), valueAt(second.after, j));
      j++;
    } else {
      put(a[i], valueAt(first.before, i), valueAt(second.after, j));
      i++;
      j++;
    }
  }
  return {
    indices: indices.slice(0, n),
    before: compactValues(before, n, datatype),
    after: compactValues(after, n, datatype),
  };
}
