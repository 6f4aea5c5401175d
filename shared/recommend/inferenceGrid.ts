import type { Volume } from '../io/volume';
import type { ModelSpec } from '../engine/modelSpec';
import { cropBox } from '../engine/inference/domain';
import { toModelGrid } from '../engine/inference/modelGrid';
import { normalizeIntensity } from '../engine/inference/normalizeIntensity';

/**
 * The spatial shape sliding-window inference runs over for `image` and `spec`, exactly as
 * `runInference` computes it (no region): the model grid (conformed / reoriented / resampled),
 * then the model's crop of the normalized image unless `crop` is false. This is the `gridShape`
 * that `patchAdvice` and `defaultPatch` take. It does the preprocessing once more (on ch2 with a
 * brainchop model ≈ 2 s), so callers ask for it only when the advice depends on it.
 * @param image the image as read (3-D)
 * @param spec the model's spec
 * @param crop false for `--no-crop` (default true: the model's crop when it asks for one)
 */
export function inferenceGridShape(image: Volume, spec: ModelSpec, crop = true): number[] {
  const grid = toModelGrid(image, null, spec);
  const shape = grid.image.shape;
  if (!crop || spec.crop === undefined) return [...shape];
  const normalized = normalizeIntensity(grid.image.data, spec.normalization);
  return cropBox(normalized, shape, spec.crop.threshold, spec.crop.padding).size;
}
