/** A map of values row-major in `shape` (slowest axis first). */
export interface MapArray {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** One curve: x (distance or position, voxels) and the mean value there. */
export interface ProfileCurve {
  x: number[];
  mean: number[];
}

function checkMap(fn: string, map: MapArray): void {
  if (!Array.isArray(map.shape) || map.shape.length === 0 || !map.shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new RangeError(`${fn}: shape must be a non-empty list of positive integers, got ${JSON.stringify(map.shape)}`);
  }
  const n = map.shape.reduce((p, s) => p * s, 1);
  if (map.data.length !== n) throw new RangeError(`${fn}: the map has ${map.data.length} values but shape [${map.shape.join(', ')}] needs ${n}`);
}

/**
 * Mean of the map against the distance to the nearest patch face: the distance of position
 * `idx` is min over the axes of min(idx_a, s_a − 1 − idx_a), so 0 is the outermost shell and the
 * last distance the centre. Works for any number of axes (2-D and 3-D maps).
 * @throws when the data does not match the shape
 */
export function faceDistanceProfile(map: MapArray): ProfileCurve {
  checkMap('faceDistanceProfile', map);
  const shape = map.shape;
  const maxD = Math.min(...shape.map((s) => Math.floor((s - 1) / 2)));
  const sum = new Array<number>(maxD + 1).fill(0);
  const count = new Array<number>(maxD + 1).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < map.data.length; i++) {
    let d = Infinity;
    for (let a = 0; a < shape.length; a++) d = Math.min(d, idx[a], shape[a] - 1 - idx[a]);
    sum[d] += map.data[i];
    count[d]++;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { x: sum.map((_, d) => d), mean: sum.map((s, d) => s / count[d]) };
}

/**
 * The line through the patch centre along `axis`: the value at every position of that axis with
 * the other axes at their centre (an even size has two central planes: their mean).
 * @throws when the axis is out of range or the data does not match the shape
 */
export function centralLineProfile(map: MapArray, axis: number): ProfileCurve {
  checkMap('centralLineProfile', map);
  const shape = map.shape;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) throw new RangeError(`centralLineProfile: axis must be in [0, ${shape.length - 1}], got ${axis}`);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, s) => p * s, 1));
  // Offsets of the central positions of the other axes (1 or 2 planes each), all combinations.
  let offsets = [0];
  for (let a = 0; a < shape.length; a++) {
    if (a === axis) continue;
    const planes = shape[a] % 2 === 1 ? [(shape[a] - 1) / 2] : [shape[a] / 2 - 1, shape[a] / 2];
    offsets = offsets.flatMap((o) => planes.map((p) => o + p * strides[a]));
  }
  const x: number[] = [];
  const mean: number[] = [];
  for (let i = 0; i < shape[axis]; i++) {
    let s = 0;
    for (const o of offsets) s += map.data[o + i * strides[axis]];
    x.push(i);
    mean.push(s / offsets.length);
  }
  return { x, mean };
}
