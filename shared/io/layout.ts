/**
 * How a volume's array is laid out around its three spatial axes: `[lead, s0, s1, s2, trail]`,
 * where `lead` is a leading frame axis (a 4-D NIfTI's time axis) and `trail` a trailing channel
 * axis (a model's channels-last output). Shared by reorientation, resampling and conforming.
 */
import type { NumericArray } from '../stitching/types';
import type { Volume } from './volume';
import { assertAffine } from './affine';
import { describe } from '../util/validate';

/** Array layout around three spatial axes. */
export interface SpatialLayout {
  /** Elements of the leading (frame) axis; 1 when absent. */
  lead: number;
  /** The three spatial extents, slowest first. */
  spatial: number[];
  /** Elements of the trailing (channel) axis; 1 when absent. */
  trail: number;
  /** Which extra axis the array has, if any (an axis of size 1 is kept as it was). */
  extra: 'none' | 'lead' | 'trail';
}

function isTypedNumericArray(v: unknown): v is NumericArray {
  return (
    v instanceof Float32Array ||
    v instanceof Float64Array ||
    v instanceof Int8Array ||
    v instanceof Uint8Array ||
    v instanceof Int16Array ||
    v instanceof Uint16Array ||
    v instanceof Int32Array ||
    v instanceof Uint32Array
  );
}

/**
 * Checks a Volume's fields: a numeric typed array, a shape of 3 or 4 positive integers whose
 * product is the data length, and an invertible 4×4 affine.
 * @throws naming `fn` and `name`.
 */
export function assertVolume(fn: string, name: string, v: unknown): asserts v is Volume {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${fn}: ${name} must be a Volume, got ${describe(v)}`);
  const vol = v as Partial<Volume>;
  if (!isTypedNumericArray(vol.data)) throw new TypeError(`${fn}: ${name}.data must be a numeric typed array, got ${describe(vol.data)}`);
  const shape = vol.shape;
  if (!Array.isArray(shape) || shape.length < 3 || shape.length > 4 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new RangeError(`${fn}: ${name}.shape must be 3 or 4 positive integers, got ${describe(shape)}`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (vol.data.length !== n) throw new RangeError(`${fn}: ${name}.data has ${vol.data.length} elements but shape ${describe(shape)} needs ${n}`);
  assertAffine(fn, `${name}.affine`, vol.affine);
}

/**
 * The layout of a Volume as read from NIfTI: spatial axes last, a 4-D volume's first axis is
 * its frame (time) axis.
 */
export function volumeLayout(v: Volume): SpatialLayout {
  return v.shape.length === 4
    ? { lead: v.shape[0], spatial: v.shape.slice(1), trail: 1, extra: 'lead' }
    : { lead: 1, spatial: [...v.shape], trail: 1, extra: 'none' };
}

/**
 * The layout of an array that lies on a known spatial grid: exactly the grid, the grid with a
 * trailing channel axis (checked first), or a leading frame axis and the grid.
 * @throws when the shape fits none of these.
 */
export function layoutOnGrid(fn: string, name: string, shape: readonly number[], grid: readonly number[]): SpatialLayout {
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: ${name}.shape must be an array, got ${describe(shape)}`);
  const same = (a: readonly number[]) => a.length === 3 && a.every((s, k) => s === grid[k]);
  if (shape.length === 3 && same(shape)) return { lead: 1, spatial: [...grid], trail: 1, extra: 'none' };
  if (shape.length === 4 && same(shape.slice(0, 3))) return { lead: 1, spatial: [...grid], trail: shape[3], extra: 'trail' };
  if (shape.length === 4 && same(shape.slice(1))) return { lead: shape[0], spatial: [...grid], trail: 1, extra: 'lead' };
  throw new RangeError(
    `${fn}: ${name}.shape ${describe([...shape])} is not on the grid ${describe([...grid])} (optionally with a trailing channel axis)`,
  );
}

/** The shape of an array with `layout`'s extra axis around a (possibly different) spatial grid. */
export function shapeWithLayout(layout: SpatialLayout, spatial: readonly number[]): number[] {
  if (layout.extra === 'lead') return [layout.lead, ...spatial];
  if (layout.extra === 'trail') return [...spatial, layout.trail];
  return [...spatial];
}
