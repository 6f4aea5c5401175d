import { centreIndex } from './centreIndex';
import { checkMapArray, type MapArray } from './mapArray';

/** One curve: x (distance or position, voxels) and the mean value there. */
export interface ProfileCurve {
  x: number[];
  mean: number[];
}

/** One border-profile curve: the distance to the nearest patch border (0 = on the border) and the mean at that distance. */
export interface DistanceCurve {
  distance: number[];
  mean: number[];
}

/** Mean of a map against the distance to the patch border, per axis and to the nearest border. */
export interface BorderProfile {
  measure: string;
  /** Per axis: distance min(i, s−1−i) along that axis only. */
  perAxis: (DistanceCurve & { axis: number; name: string })[];
  /** Distance to the nearest border over all axes (min over the axes). */
  nearest: DistanceCurve;
}

/**
 * Mean of the map against the distance to the border along `axes`: the distance of a position
 * is min over those axes of min(idx_a, s_a − 1 − idx_a), so 0 is the outermost shell.
 * @throws RangeError when the data does not match the shape
 */
export function distanceProfile(map: MapArray, axes: readonly number[] = map.shape.map((_, a) => a)): DistanceCurve {
  checkMapArray('distanceProfile', map);
  const shape = map.shape;
  const maxD = Math.min(...axes.map((a) => Math.floor((shape[a] - 1) / 2)));
  const sum = new Array<number>(maxD + 1).fill(0);
  const n = new Array<number>(maxD + 1).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < map.data.length; i++) {
    let d = Infinity;
    for (const a of axes) d = Math.min(d, idx[a], shape[a] - 1 - idx[a]);
    sum[d] += map.data[i];
    n[d]++;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { distance: sum.map((_, d) => d), mean: sum.map((s, d) => s / n[d]) };
}

/**
 * The border profile of a map: {@link distanceProfile} along each axis alone and over all axes.
 * The explorer and the report both show this one.
 * @throws RangeError when the data does not match the shape
 */
export function borderProfile(map: MapArray, measure = 'error', axisNames: readonly string[] = []): BorderProfile {
  return {
    measure,
    perAxis: map.shape.map((_, a) => ({ axis: a, name: axisNames[a] ?? `axis ${a}`, ...distanceProfile(map, [a]) })),
    nearest: distanceProfile(map),
  };
}

/**
 * Mean of the map against the distance to the nearest patch face (the border profile's
 * `nearest` curve as x/mean): 0 is the outermost shell, the last distance the centre.
 * @throws RangeError when the data does not match the shape
 */
export function faceDistanceProfile(map: MapArray): ProfileCurve {
  const c = distanceProfile(map);
  return { x: c.distance, mean: c.mean };
}

/**
 * The line through the patch centre along `axis`: the value at every position of that axis with
 * the other axes at their central plane ({@link centreIndex}).
 * @throws RangeError when the axis is out of range or the data does not match the shape
 */
export function centralLineProfile(map: MapArray, axis: number): ProfileCurve {
  checkMapArray('centralLineProfile', map);
  const shape = map.shape;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) throw new RangeError(`centralLineProfile: axis must be in [0, ${shape.length - 1}], got ${axis}`);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, s) => p * s, 1));
  let offset = 0;
  for (let a = 0; a < shape.length; a++) if (a !== axis) offset += centreIndex(shape[a]) * strides[a];
  const x: number[] = [];
  const mean: number[] = [];
  for (let i = 0; i < shape[axis]; i++) {
    x.push(i);
    mean.push(map.data[offset + i * strides[axis]]);
  }
  return { x, mean };
}
