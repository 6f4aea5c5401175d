/**
 * "Accept prediction into reference": copy the model's predicted labels into the reference,
 * either the connected component under a voxel or the predicted voxels inside a drawn region.
 * Both return a stroke body (`indices` + `values`) for `EditHistory.apply`, which keeps locked
 * labels as they are.
 */
import { describe } from '../../util/validate';
import { assertGrid, assertVoxelInside, type Axis, type LabelGrid, type Voxel } from '../labelGrid';
import { floodFill } from './floodFill';

/** Voxels and the predicted values to write there. */
export interface PredictedVoxels {
  /** Flat indices, sorted. */
  indices: Uint32Array;
  /** The predicted label at each (one number for a component: it has one label). */
  values: number | Uint8Array | Uint16Array;
}

/** Options of {@link predictedComponent}. */
export interface PredictedComponentOptions {
  /** A view's normal axis: the component within the seed's slice (4-connected). Absent: 3-D (6-connected). */
  axis?: Axis;
  /** Cap of the component's size (default: the flood fill's). */
  maxVoxels?: number;
}

/**
 * The connected component of the prediction under `seed`: the voxels face-connected to it
 * that carry the same predicted label, to be written with that label. Empty (nothing to accept)
 * when the prediction is background (0) there.
 * @throws FillLimitError when the component has more than `maxVoxels` voxels
 */
export function predictedComponent(
  grid: LabelGrid,
  prediction: Uint8Array | Uint16Array,
  seed: Voxel,
  options: PredictedComponentOptions = {},
): PredictedVoxels {
  const fn = 'predictedComponent';
  assertGrid(fn, grid, prediction, 'prediction');
  assertVoxelInside(fn, 'seed', seed, grid.shape);
  const label = prediction[(seed[0] * grid.shape[1] + seed[1]) * grid.shape[2] + seed[2]];
  if (label === 0) return { indices: new Uint32Array(0), values: 0 };
  const indices = floodFill(grid, { seed, criterion: { kind: 'label', labels: prediction }, axis: options.axis, maxVoxels: options.maxVoxels }, fn);
  return { indices, values: label };
}

/**
 * The predicted voxels inside a region (e.g. from the scissors), with their predicted labels.
 * @param region flat indices, sorted
 * @param options `includeBackground`: also the region's voxels predicted as 0, so that the
 *   region becomes exactly the prediction (default false: only predicted foreground is written)
 */
export function predictedInRegion(
  prediction: Uint8Array | Uint16Array,
  region: Uint32Array,
  options: { includeBackground?: boolean } = {},
): PredictedVoxels {
  if (!(prediction instanceof Uint8Array || prediction instanceof Uint16Array)) {
    throw new TypeError(`predictedInRegion: prediction must be a Uint8Array or a Uint16Array, got ${describe(prediction)}`);
  }
  if (!(region instanceof Uint32Array)) throw new TypeError(`predictedInRegion: region must be a Uint32Array, got ${describe(region)}`);
  const all = options.includeBackground === true;
  const indices = new Uint32Array(region.length);
  const values = new (prediction.constructor as Uint8ArrayConstructor | Uint16ArrayConstructor)(region.length);
  let n = 0;
  for (let k = 0; k < region.length; k++) {
    const index = region[k];
    if (index >= prediction.length) throw new RangeError(`predictedInRegion: region index ${index} is outside the prediction (${prediction.length} voxels)`);
    const p = prediction[index];
    if (p === 0 && !all) continue;
    indices[n] = index;
    values[n++] = p;
  }
  return { indices: indices.slice(0, n), values: values.slice(0, n) };
}
