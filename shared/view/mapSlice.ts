import { centreIndex } from './centreIndex';
import { checkMapArray, type MapArray } from './mapArray';

/** A 2-D plane of a map, row-major. */
export interface MapPlane {
  rows: number;
  cols: number;
  values: Float64Array;
}

/** One 2-D slice of a map with its place in the map and a caption. */
export interface MapSlice {
  /** Caption, e.g. "z at the patch centre (plane 8)". */
  label: string;
  /** The axis held fixed (null for a 1-D or 2-D map) and the plane of the slice on it. */
  fixedAxis: number | null;
  position: number | null;
  /** The map's axes along the slice's rows and columns (rowAxis null for a 1-D map: one row). */
  rowAxis: number | null;
  colAxis: number;
  rows: number;
  cols: number;
  /** rows × cols values, row-major. */
  values: number[];
}

/**
 * The plane of a 1- to 3-axis map with axis `fixedAxis` of a 3-D map held at `index`: rows and
 * columns are the two other axes in order. A 1-D map is one row; a 2-D map is itself.
 * @throws RangeError when the map has more than 3 axes, the data does not match, or the axis or index is out of range
 */
export function mapPlane(map: MapArray, index = 0, fixedAxis = 0): MapPlane {
  checkMapArray('mapPlane', map);
  const shape = map.shape;
  if (shape.length === 1) return { rows: 1, cols: shape[0], values: Float64Array.from(map.data) };
  if (shape.length === 2) return { rows: shape[0], cols: shape[1], values: Float64Array.from(map.data) };
  if (shape.length !== 3) throw new RangeError(`mapPlane: maps of 1 to 3 axes are shown, got shape [${shape.join(', ')}]`);
  if (!Number.isInteger(fixedAxis) || fixedAxis < 0 || fixedAxis > 2) throw new RangeError(`mapPlane: fixedAxis must be 0, 1 or 2, got ${fixedAxis}`);
  if (!Number.isInteger(index) || index < 0 || index >= shape[fixedAxis]) throw new RangeError(`mapPlane: index must be in [0, ${shape[fixedAxis] - 1}], got ${index}`);
  const [rowAxis, colAxis] = [0, 1, 2].filter((a) => a !== fixedAxis);
  const strides = [shape[1] * shape[2], shape[2], 1];
  const rows = shape[rowAxis];
  const cols = shape[colAxis];
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = map.data[r * strides[rowAxis] + c * strides[colAxis] + index * strides[fixedAxis]];
  return { rows, cols, values };
}

/**
 * The slices a map is shown by: a 3-D map's three orthogonal slices through the patch centre
 * (plane {@link centreIndex} of each axis), a 2-D map itself, a 1-D map as one row.
 * @throws RangeError as {@link mapPlane}
 */
export function centreSlices(map: MapArray, axisNames: readonly string[] = []): MapSlice[] {
  checkMapArray('centreSlices', map);
  const shape = map.shape;
  const name = (a: number) => axisNames[a] ?? `axis ${a}`;
  if (shape.length === 1) return [{ label: `the whole ${shape[0]}-voxel map`, fixedAxis: null, position: null, rowAxis: null, colAxis: 0, rows: 1, cols: shape[0], values: Array.from(map.data) }];
  if (shape.length === 2) return [{ label: `the whole ${shape[0]}×${shape[1]} map`, fixedAxis: null, position: null, rowAxis: 0, colAxis: 1, rows: shape[0], cols: shape[1], values: Array.from(map.data) }];
  if (shape.length !== 3) throw new RangeError(`centreSlices: maps of 1 to 3 axes are shown, got shape [${shape.join(', ')}]`);
  return [0, 1, 2].map((fixed) => {
    const k = centreIndex(shape[fixed]);
    const [rowAxis, colAxis] = [0, 1, 2].filter((a) => a !== fixed);
    const p = mapPlane(map, k, fixed);
    return { label: `${name(fixed)} at the patch centre (plane ${k})`, fixedAxis: fixed, position: k, rowAxis, colAxis, rows: p.rows, cols: p.cols, values: Array.from(p.values) };
  });
}
