/** A map of values row-major in `shape` (slowest axis first), e.g. a patch performance map's mean. */
export interface MapArray {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/**
 * Checks that `map.shape` is a non-empty list of positive integers and that `map.data` has as
 * many values as the shape needs.
 * @throws RangeError naming `fn`
 */
export function checkMapArray(fn: string, map: MapArray): void {
  if (!Array.isArray(map.shape) || map.shape.length === 0 || !map.shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new RangeError(`${fn}: shape must be a non-empty list of positive integers, got ${JSON.stringify(map.shape)}`);
  }
  const n = map.shape.reduce((p, s) => p * s, 1);
  if (map.data.length !== n) throw new RangeError(`${fn}: the map has ${map.data.length} values but shape [${map.shape.join(', ')}] needs ${n}`);
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
