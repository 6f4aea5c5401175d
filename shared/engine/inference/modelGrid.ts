import { conformVolume } from '../../io/conform';
import { reorient } from '../../io/orientation';
import type { ResampleMode } from '../../io/resample';
import type { Volume } from '../../io/volume';
import type { ModelSpec } from '../modelSpec';

/** An image (and its reference labels) on the grid the model expects, with the way back. */
export interface ModelGrid {
  image: Volume;
  label: Volume | null;
  /** Maps anything on the model grid (optional trailing channel axis) back onto the source grid. */
  toSource: (v: Volume, mode: ResampleMode) => Volume;
  /** What was done, for the result. */
  steps: string[];
}

/**
 * Brings an image and its reference labels onto the model's grid: brainchop-style conforming
 * (256³, 1 mm, orientation, uint8) when the spec asks for it, else an exact reorientation when
 * it names an orientation, else the image as it is.
 */
export function toModelGrid(image: Volume, label: Volume | null, spec: ModelSpec): ModelGrid {
  if (label) checkSameGrid(image, label);
  if (spec.conform) {
    const opts = { shape: spec.conform.shape, voxelSize: spec.conform.voxelSize, orientation: spec.orientation ?? 'LIA' };
    const img = conformVolume(image, { ...opts, toUint8: true });
    const lab = label ? conformVolume(label, { ...opts, toUint8: false, interpolation: 'nearest' }) : null;
    return {
      image: img.volume,
      label: lab?.volume ?? null,
      toSource: img.toSource,
      steps: [
        img.method === 'reoriented'
          ? `already on a ${opts.shape.join('×')} grid: reoriented to ${opts.orientation}`
          : `conformed to ${opts.shape.join('×')} at ${opts.voxelSize.join('×')} mm, ${opts.orientation}, uint8 (niivue/brainchop)`,
      ],
    };
  }
  if (spec.orientation) {
    const img = reorient(image, spec.orientation);
    const lab = label ? reorient(label, spec.orientation) : null;
    return { image: img.volume, label: lab?.volume ?? null, toSource: (v) => img.inverse(v), steps: [`reoriented to ${spec.orientation}`] };
  }
  return { image, label, toSource: (v) => v, steps: [] };
}

/** Throws unless the reference labels lie on the image's grid. */
function checkSameGrid(image: Volume, label: Volume): void {
  const a = image.shape.slice(-3);
  const b = label.shape.slice(-3);
  if (a.join() !== b.join()) {
    throw new RangeError(`runInference: the reference labels have shape [${label.shape}] but the image has [${image.shape}]; they must be on the same grid`);
  }
  const far = image.affine.some((row, i) => row.some((v, j) => Math.abs(v - label.affine[i][j]) > 1e-3 * (1 + Math.abs(v))));
  if (far) throw new RangeError('runInference: the reference labels and the image have different affines (orientation/position); resample the labels onto the image first');
}
