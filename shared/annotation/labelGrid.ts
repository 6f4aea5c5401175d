/**
 * The grid an editable label map lives on, and the few index helpers every annotation tool
 * shares. The convention is the core's `Volume` (shared/io/volume.ts): a 3-D array of shape
 * `[n0, n1, n2]`, row-major, axis 2 fastest (for a NIfTI file: `[nk, nj, ni]`, NIfTI's x = i
 * fastest), `spacing` in mm in the same axis order. Flat index of voxel `[a0, a1, a2]`:
 * `(a0 · n1 + a1) · n2 + a2`.
 */
import { describe } from '../util/validate';

/** A reference label map's voxels: one class id per voxel (0 = background). */
export type LabelArray = Uint8Array | Uint16Array;

/** Datatypes a label map may have, and the largest value each holds. */
export const LABEL_DATATYPES = { uint8: 255, uint16: 65535 } as const;

/** One of the keys of {@link LABEL_DATATYPES}. */
export type LabelDatatype = keyof typeof LABEL_DATATYPES;

/** The shape and voxel size of a 3-D label map (a `Volume` has both). */
export interface LabelGrid {
  /** `[n0, n1, n2]`, slowest axis first; axis 2 is contiguous. */
  shape: readonly number[];
  /** Voxel size in mm along the three axes, in the same order. */
  spacing: readonly number[];
}

/** A voxel position `[a0, a1, a2]` in array order (may be fractional where a tool says so). */
export type Voxel = readonly [number, number, number];

/** One of the three array axes (the normal of a slice view). */
export type Axis = 0 | 1 | 2;

/** A 2-D slice of the grid: the voxels whose coordinate along `axis` is `index`. */
export interface Slice {
  /** The axis normal to the slice. */
  axis: Axis;
  /** The slice's integer coordinate along `axis`. */
  index: number;
}

/** The datatype of a label array. */
export function labelDatatypeOf(labels: LabelArray): LabelDatatype {
  return labels instanceof Uint16Array ? 'uint16' : 'uint8';
}

/** A new zero-filled label array of `datatype`. */
export function newLabelArray(datatype: LabelDatatype, length: number): LabelArray {
  return datatype === 'uint16' ? new Uint16Array(length) : new Uint8Array(length);
}

/** Throws unless `labels` is a Uint8Array or a Uint16Array. */
export function assertLabelArray(fn: string, name: string, labels: unknown): asserts labels is LabelArray {
  if (!(labels instanceof Uint8Array || labels instanceof Uint16Array)) {
    throw new TypeError(`${fn}: ${name} must be a Uint8Array or a Uint16Array, got ${describe(labels)}`);
  }
}

/**
 * Checks a grid (three positive integer sizes, three finite positive spacings) and, when given,
 * that an array holds exactly one value per voxel.
 * @returns the number of voxels
 */
export function assertGrid(fn: string, grid: LabelGrid, data?: { length: number }, dataName = 'labels'): number {
  const { shape, spacing } = grid ?? ({} as LabelGrid);
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new RangeError(`${fn}: grid.shape must be three positive integers [n0, n1, n2], got ${describe(shape)}`);
  }
  if (!Array.isArray(spacing) || spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0)) {
    throw new RangeError(`${fn}: grid.spacing must be three positive finite numbers in mm, got ${describe(spacing)}`);
  }
  const n = shape[0] * shape[1] * shape[2];
  if (n > 0xffffffff) throw new RangeError(`${fn}: the grid has ${n} voxels, more than a Uint32 index can address`);
  if (data && data.length !== n) {
    throw new RangeError(`${fn}: ${dataName} has ${data.length} values but the grid ${shape.join('×')} has ${n} voxels`);
  }
  return n;
}

/** Throws unless `voxel` is three integers inside the grid's shape. */
export function assertVoxelInside(fn: string, name: string, voxel: unknown, shape: readonly number[]): asserts voxel is Voxel {
  if (
    !Array.isArray(voxel) ||
    voxel.length !== 3 ||
    !voxel.every((a, d) => Number.isInteger(a) && a >= 0 && a < shape[d])
  ) {
    throw new RangeError(`${fn}: ${name} must be three integers inside [0, ${shape.join(') × [0, ')}), got ${describe(voxel)}`);
  }
}

/** Throws unless `slice` names an axis 0, 1 or 2 and an integer index inside the grid along it. */
export function assertSlice(fn: string, slice: unknown, shape: readonly number[]): asserts slice is Slice {
  const s = slice as Slice;
  if (!s || (s.axis !== 0 && s.axis !== 1 && s.axis !== 2)) {
    throw new RangeError(`${fn}: slice.axis must be 0, 1 or 2, got ${describe(s?.axis)}`);
  }
  if (!Number.isInteger(s.index) || s.index < 0 || s.index >= shape[s.axis]) {
    throw new RangeError(`${fn}: slice.index must be an integer in [0, ${shape[s.axis]}) along axis ${s.axis}, got ${describe(s.index)}`);
  }
}

/** The two in-plane axes of a slice normal to `axis`, in array order: `[u, v]`. */
export function inPlaneAxes(axis: Axis): [Axis, Axis] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

/** Row-major strides of a 3-D shape: `[n1·n2, n2, 1]`. */
export function strides3(shape: readonly number[]): [number, number, number] {
  return [shape[1] * shape[2], shape[2], 1];
}

/** Flat index of `[a0, a1, a2]`. */
export function flatIndex(shape: readonly number[], a0: number, a1: number, a2: number): number {
  return (a0 * shape[1] + a1) * shape[2] + a2;
}

/** `[a0, a1, a2]` of a flat index. */
export function voxelOf(shape: readonly number[], index: number): [number, number, number] {
  const a2 = index % shape[2];
  const rest = (index - a2) / shape[2];
  const a1 = rest % shape[1];
  return [(rest - a1) / shape[1], a1, a2];
}

/**
 * Sorted, duplicate-free copy of flat indices (the form every tool returns and the history
 * stores). Input that is already sorted and unique is copied without sorting.
 */
export function sortedUnique(indices: ArrayLike<number>): Uint32Array {
  const out = Uint32Array.from(indices);
  let sorted = true;
  for (let k = 1; k < out.length && sorted; k++) sorted = out[k] > out[k - 1];
  if (sorted) return out;
  out.sort();
  let w = 0;
  for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[w - 1]) out[w++] = out[k];
  return out.slice(0, w);
}
