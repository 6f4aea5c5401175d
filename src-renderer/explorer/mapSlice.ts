import type { MapArray } from './borderProfile';

/** A 2-D plane of a map, row-major. */
export interface MapPlane {
  rows: number;
  cols: number;
  values: Float64Array;
}

/** Minimum and maximum of the map's finite values ([0, 0] when there are none). */
export function mapRange(map: MapArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < map.data.length; i++) {
    const v = map.data[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** The index of the central slice of an axis of size `size` (the lower one of two for an even size). */
export function centralIndex(size: number): number {
  return Math.floor((size - 1) / 2);
}

/**
 * The plane of a map shown as a heatmap: a 1-D map is one row; a 2-D map is itself; a 3-D map is
 * the slice `index` through axis 0 (the slowest axis), rows axis 1, columns axis 2.
 * @throws when the map has more than 3 axes, the data does not match, or `index` is out of range
 */
export function mapPlane(map: MapArray, index = 0): MapPlane {
  const shape = map.shape;
  const n = shape.reduce((p, s) => p * s, 1);
  if (map.data.length !== n) throw new RangeError(`mapPlane: the map has ${map.data.length} values but shape [${shape.join(', ')}] needs ${n}`);
  if (shape.length === 1) return { rows: 1, cols: shape[0], values: Float64Array.from(map.data) };
  if (shape.length === 2) return { rows: shape[0], cols: shape[1], values: Float64Array.from(map.data) };
  if (shape.length !== 3) throw new RangeError(`mapPlane: maps of 1 to 3 axes are shown, got shape [${shape.join(', ')}]`);
  if (!Number.isInteger(index) || index < 0 || index >= shape[0]) throw new RangeError(`mapPlane: index must be in [0, ${shape[0] - 1}], got ${index}`);
  const size = shape[1] * shape[2];
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = map.data[index * size + i];
  return { rows: shape[1], cols: shape[2], values };
}
