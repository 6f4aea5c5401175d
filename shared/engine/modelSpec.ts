/**
 * What a model needs from its input and what its output means: read from the JSON sidecar
 * beside a model (`patchlens.json`), from the table of well-known models (recognised by the
 * SHA-256 of their files), or inferred from model.json.
 */
export interface ModelSpec {
  /** Human-readable model name. */
  name: string;
  /**
   * Orientation of the model's tensor axes as three axis codes in tensor (array) order, slowest
   * first: `'LIA'` means tensor axis 0 runs to the Left, axis 1 Inferior, axis 2 Anterior
   * (brainchop's conformed volume, transposed as brainchop feeds it). Absent: the image as it is.
   */
  orientation?: string;
  /** Voxel size in mm the model expects (three spatial axes); absent: no resampling. */
  voxelSize?: number[];
  /** Whole-volume grid the model was trained on (brainchop: 256³ at 1 mm, orientation as above); absent: the image's own grid. */
  conform?: { shape: number[]; voxelSize: number[] };
  /** Crop the (normalized) input to the bounding box of its voxels > `threshold`·max, plus `padding` voxels (brainchop's cropping). */
  crop?: { threshold: number; padding: number };
  /** Intensity normalization applied to the (conformed) image before inference. */
  normalization: Normalization;
  /** Input channels (last axis). */
  channels: number;
  /** What the model's last layer outputs, and what turns it into probabilities. */
  outputActivation: 'softmax' | 'sigmoid' | 'none' | 'logits-softmax' | 'logits-sigmoid';
  /** One entry per output class (background first). */
  classes: { name: string; color: [number, number, number] }[];
  /** Patch size the model was trained with (spatial), when known. */
  trainedPatchSize?: number[];
  /** Receptive field in voxels per axis, when known (MeshNet: 1 + Σ 2·dilation). */
  receptiveField?: number[];
  /**
   * Whether the model's answer at a voxel depends only on the voxels around it. False when the
   * model normalizes over the whole input (mindgrab), so that the patch size changes its answer.
   */
  translationEquivariant: boolean;
  /** Post-processing: keep only the largest connected component of the foreground (brainchop). */
  largestComponent?: boolean;
  /**
   * Layers whose output is normalized per sample and channel over all spatial axes,
   * `(x − mean) / sqrt(var + epsilon)` with the population variance and no scale or offset, before
   * the next layer (brainchop's convention for mindgrab's convolutions named `*_gn`). `model.predict()`
   * does not do it, so such models run layer by layer, and they are not translation-equivariant.
   */
  instanceNorm?: { layerSuffix: string; epsilon: number };
  /** Facts about the spec worth showing (where each value came from, why the model behaves as it does). */
  notes?: string[];
  /** Where the spec came from. */
  source: 'sidecar' | 'known-model' | 'inferred';
  /** Everything that was assumed rather than declared (shown to the user and kept in results). */
  assumptions: string[];
}

/** Intensity normalization of the input. */
export type Normalization =
  | { kind: 'none' }
  | { kind: 'min-max' }
  | { kind: 'quantile'; lo: number; hi: number }
  | { kind: 'z-score' };
