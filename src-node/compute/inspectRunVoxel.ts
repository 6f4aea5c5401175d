import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InspectResult } from '../../shared/api/contract';
import { blendingWeights, WEIGHT_MODES, type WeightMode } from '../../shared/blending/blendingWeights';
import { applyAffine } from '../../shared/io/affine';
import { readNifti } from '../../shared/io/nifti';
import { parseNpy } from '../../shared/io/npy';
import type { Volume } from '../../shared/io/volume';
import { extractBox } from '../../shared/engine/inference/domain';
import { toModelGrid } from '../../shared/engine/inference/modelGrid';
import { normalizeIntensity } from '../../shared/engine/inference/normalizeIntensity';
import { windowsAtVoxel, type WindowGeometry } from '../../shared/engine/inference/windowsAtVoxel';
import { cropTrims, type WindowPlan } from '../../shared/stitching/planWindows';
import { INFERENCE_FILES } from '../writeInferenceOutputs';
import { ComputeError } from './computeError';
import { readRunPlan } from './readRunFolder';
import type { RunPlanFile } from './runFiles';
import type { ComputeModel } from './runInferenceJob';

const FN = 'inspectRunVoxel';

/** What {@link inspectRunVoxel} needs: the run folder, the voxel and the run's inputs (the open image, labels and model). */
export interface InspectInput {
  runDir: string;
  /** Voxel on the image grid `[k, j, i]`. */
  voxel: number[];
  image: Volume;
  label: Volume | null;
  model: ComputeModel;
}

/**
 * The windows of a run that covered a voxel, each with its own prediction there: the voxel is
 * mapped to the model grid through the affines (nearest voxel), the windows whose box contains it
 * are re-run through the model (the same normalization, crop box and zero padding as the run),
 * and each gets its blending weight and the run's patch performance at the voxel's position in
 * the patch. The stitched probabilities and label come from the run's files.
 * @throws `bad-request` for a voxel outside the image (naming the voxel and the shape);
 * `precondition` when the image or model is not the run's
 */
export async function inspectRunVoxel(input: InspectInput): Promise<InspectResult> {
  const { runDir, voxel, image, label, model } = input;
  const plan = readRunPlan(runDir);
  const shape = plan.source.shape;
  if (!Array.isArray(voxel) || voxel.length !== 3 || !voxel.every((v, a) => Number.isInteger(v) && v >= 0 && v < shape[a])) {
    throw new ComputeError('bad-request', `${FN}: voxel ${JSON.stringify(voxel)} is not an integer position inside the image shape [${shape}]`);
  }
  checkSameRun(plan, image, label, model);
  const index = (voxel[0] * shape[1] + voxel[1]) * shape[2] + voxel[2];
  const stitchedFiles = readStitched(runDir, shape);
  const stitched = Array.from({ length: stitchedFiles.classes }, (_, c) => stitchedFiles.probabilities[c * stitchedFiles.voxels + index]);
  const modelVoxel = applyAffine(plan.sourceToModel, voxel).map((x) => Math.floor(x + 0.5 + 1e-6));

  const geometry = planGeometry(plan);
  const inDomain = modelVoxel.map((m, a) => m - plan.domain.start[a]);
  const covering = inDomain.every((d, a) => d >= 0 && d < plan.domain.size[a]) ? windowsAtVoxel(geometry, inDomain) : [];

  const windows: InspectResult['windows'] = [];
  if (covering.length > 0) {
    const domainImage = domainImageOf(plan, image, model);
    const patch = plan.patchSize;
    const pv = patch.reduce((a, b) => a * b, 1);
    const batch = new Float32Array(covering.length * pv);
    covering.forEach((w, k) => {
      const box = { start: w.start.map((s, a) => s - plan.frame.padLow[a]), size: patch };
      batch.set(extractBox(domainImage, plan.domain.size, box, 1, new Float32Array(pv)), k * pv);
    });
    const probs = await model.runner.predict({ data: batch, shape: [covering.length, ...patch, 1] }, covering[0].index);
    const classes = model.runner.classes;
    const weight = weightAt(plan, geometry);
    const performance = readPerformance(runDir, patch);
    for (const [k, w] of covering.entries()) {
      const p = (w.positionInPatch[0] * patch[1] + w.positionInPatch[1]) * patch[2] + w.positionInPatch[2];
      windows.push({
        index: w.index,
        start: w.start.map((s, a) => s - plan.frame.padLow[a] + plan.domain.start[a]),
        planStart: [...w.start],
        positionInPatch: w.positionInPatch,
        probabilities: Array.from(probs.subarray((k * pv + p) * classes, (k * pv + p + 1) * classes)),
        weight: weight(w.start, p, w.positionInPatch),
        performance: performance ? performance[p] : null,
      });
    }
  }
  return {
    voxel: [...voxel],
    modelVoxel,
    stitched,
    label: stitchedFiles.labels[index],
    reference: label ? label.data[index] : null,
    windows,
  };
}

/** The run's window plan as `windowsAtVoxel` / `cropTrims` take it. */
function planGeometry(plan: RunPlanFile): WindowGeometry & Pick<WindowPlan, 'interval'> {
  return {
    shape: plan.frame.shape,
    patchSize: plan.patchSize,
    paddedShape: plan.frame.paddedShape,
    padLow: plan.frame.padLow,
    interval: plan.frame.interval,
    windows: plan.windowStarts.map((start, index) => ({ index, start })),
  };
}

/** The blending weight of a patch position: the weight map's value, or for `crop` 1 inside the kept region and 0 outside. */
function weightAt(plan: RunPlanFile, geometry: ReturnType<typeof planGeometry>): (start: number[], p: number, pos: number[]) => number {
  if (plan.blend === 'crop') {
    return (start, _p, pos) => {
      const t = cropTrims(geometry as WindowPlan, start);
      return pos.every((q, a) => q >= t.low[a] && q < plan.patchSize[a] - t.high[a]) ? 1 : 0;
    };
  }
  const mode: WeightMode = WEIGHT_MODES.includes(plan.blend as WeightMode) ? (plan.blend as WeightMode) : 'constant';
  const w = blendingWeights(plan.patchSize, mode, { sigmaScale: plan.sigmaScale });
  return (_s, p) => w[p];
}

function checkSameRun(plan: RunPlanFile, image: Volume, label: Volume | null, model: ComputeModel): void {
  const same = (a: number[][], b: number[][]) => a.every((row, i) => row.every((v, j) => Math.abs(v - b[i][j]) <= 1e-3 * (1 + Math.abs(v))));
  if (image.shape.join() !== plan.source.shape.join() || !same(image.affine, plan.source.affine)) {
    throw new ComputeError('precondition', `${FN}: the image (shape [${image.shape}]) is not the one the run was made on (shape [${plan.source.shape}])`);
  }
  if (label && label.shape.join() !== image.shape.join()) throw new ComputeError('precondition', `${FN}: the label map has shape [${label.shape}] but the image [${image.shape}]`);
  if (model.model.sha256 !== plan.model.sha256) {
    throw new ComputeError('precondition', `${FN}: the open model ${model.name} is not the run's model ${plan.model.name} (sha256 differs)`);
  }
}

/** Normalized image cropped to the run's domain, per image (the model grid is re-made only when the run or model changes). */
const domainCache = new WeakMap<Volume, { key: string; data: Float32Array }>();

function domainImageOf(plan: RunPlanFile, image: Volume, model: ComputeModel): Float32Array {
  const key = JSON.stringify([model.model.sha256, plan.domain, plan.modelGrid.shape]);
  const hit = domainCache.get(image);
  if (hit && hit.key === key) return hit.data;
  const spec = model.model.spec;
  const grid = toModelGrid(image, null, spec);
  if (grid.image.shape.join() !== plan.modelGrid.shape.join()) {
    throw new ComputeError('precondition', `${FN}: the model grid is [${grid.image.shape}] but the run's was [${plan.modelGrid.shape}]`);
  }
  const normalized = normalizeIntensity(grid.image.data, spec.normalization);
  const n = plan.domain.size.reduce((a, b) => a * b, 1);
  const data = extractBox(normalized, grid.image.shape, plan.domain, 1, new Float32Array(n));
  domainCache.set(image, { key, data });
  return data;
}

/** Stitched probabilities (frames) and labels of a run, cached for the last run folder read (by modification time). */
let stitchedCache: { key: string; probabilities: Float32Array; labels: ArrayLike<number>; classes: number; voxels: number } | null = null;

function readStitched(runDir: string, shape: number[]) {
  const probPath = join(runDir, INFERENCE_FILES.probabilities);
  const labelPath = join(runDir, INFERENCE_FILES.labels);
  let key: string;
  try {
    key = `${runDir}|${statSync(probPath).mtimeMs}|${statSync(labelPath).mtimeMs}`;
  } catch {
    throw new ComputeError('not-found', `${FN}: the run folder ${runDir} lacks ${INFERENCE_FILES.probabilities} or ${INFERENCE_FILES.labels}`);
  }
  if (stitchedCache?.key === key) return stitchedCache;
  const p = readNifti(readFileSync(probPath));
  const l = readNifti(readFileSync(labelPath));
  const voxels = shape.reduce((a, b) => a * b, 1);
  if (l.data.length !== voxels || p.data.length % voxels !== 0) throw new ComputeError('bad-input', `${FN}: the run's files do not have the image's shape [${shape}]`);
  stitchedCache = { key, probabilities: p.data instanceof Float32Array ? p.data : Float32Array.from(p.data), labels: l.data, classes: p.data.length / voxels, voxels };
  return stitchedCache;
}

function readPerformance(runDir: string, patch: number[]): ArrayLike<number> | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(runDir, INFERENCE_FILES.patchPerformance));
  } catch {
    return null;
  }
  const npy = parseNpy(bytes);
  if (npy.shape.join() !== patch.join()) throw new ComputeError('bad-input', `${FN}: the run's patch performance map has shape [${npy.shape}] but the patch is [${patch}]`);
  return npy.data;
}
