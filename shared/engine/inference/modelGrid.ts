import { conformVolume } from '../../io/conform';
import { reorient } from '../../io/orientation';
import { applyAffine, columnNorms, copy4 } from '../../io/affine';
import { resampleArray } from '../../io/resample';
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
  let current: ModelGrid = { image, label, toSource: (v) => v, steps: [] };
  if (spec.orientation) {
    const img = reorient(image, spec.orientation);
    const lab = label ? reorient(label, spec.orientation) : null;
    current = { image: img.volume, label: lab?.volume ?? null, toSource: (v) => img.inverse(v), steps: [`reoriented to ${spec.orientation}`] };
  }
  if (spec.voxelSize) current = resampleToVoxelSize(current, spec.voxelSize);
  return current;
}

/**
 * Resamples onto a grid with the model's voxel size, the same axis directions and the same field
 * of view (centres aligned): linear for the image, nearest for the labels; the way back resamples
 * onto the previous grid (nearest for labels, linear for probabilities).
 */
function resampleToVoxelSize(g: ModelGrid, voxelSize: number[]): ModelGrid {
  const src = g.image;
  const spacing = columnNorms(src.affine).slice(0, 3);
  if (spacing.every((s, a) => Math.abs(s - voxelSize[a]) < 1e-6 * voxelSize[a])) return g;
  const shape = src.shape.map((n, a) => Math.max(1, Math.round((n * spacing[a]) / voxelSize[a])));
  const affine = copy4(src.affine);
  for (let r = 0; r < 3; r++) for (let a = 0; a < 3; a++) affine[r][a] = (src.affine[r][a] / spacing[a]) * voxelSize[a];
  // Keep the centre of the field of view where it was.
  const centre = applyAffine(src.affine, src.shape.map((n) => (n - 1) / 2));
  const shifted = applyAffine(affine, shape.map((m) => (m - 1) / 2));
  for (let r = 0; r < 3; r++) affine[r][3] += centre[r] - shifted[r];
  const onto = (v: Volume, mode: 'linear' | 'nearest'): Volume => ({
    data: resampleArray({ data: v.data, spatial: v.shape.slice(0, 3) }, v.affine, shape, affine, mode),
    shape,
    spacing: [...voxelSize],
    affine,
  });
  const back = (v: Volume, mode: 'linear' | 'nearest'): Volume => {
    const trail = v.shape.length > 3 ? v.shape[3] : 1;
    return g.toSource(
      {
        data: resampleArray({ data: v.data, spatial: shape, trail }, affine, src.shape, src.affine, mode),
        shape: trail > 1 ? [...src.shape, trail] : [...src.shape],
        spacing: src.spacing,
        affine: src.affine,
      },
      mode,
    );
  };
  return {
    image: onto(src, 'linear'),
    label: g.label ? onto(g.label, 'nearest') : null,
    toSource: back,
    steps: [...g.steps, `resampled to ${voxelSize.join('×')} mm (${shape.join('×')} voxels)`],
  };
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
