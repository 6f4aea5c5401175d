import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti, type NiftiHeaderInfo } from '../shared/io/nifti';
import type { Volume } from '../shared/io/volume';
import { writeNpy } from '../shared/io/npy';
import type { InferenceResult } from '../shared/engine/inference/runInference';

/** Channels-last `[...spatial, C]` → NIfTI 4-D `[C, ...spatial]` (frames slowest). */
function channelsToFrames(v: Volume<Float32Array>): Volume<Float32Array> {
  const c = v.shape[v.shape.length - 1];
  const n = v.data.length / c;
  const out = new Float32Array(v.data.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) out[k * n + i] = v.data[i * c + k];
  return { data: out, shape: [c, ...v.shape.slice(0, -1)], spacing: v.spacing, affine: v.affine };
}

/** Stacks 3-D volumes on one grid as NIfTI frames. */
function stackFrames(vs: Volume[]): Volume<Float32Array> {
  const n = vs[0].data.length;
  const out = new Float32Array(n * vs.length);
  vs.forEach((v, k) => out.set(v.data, k * n));
  return { data: out, shape: [vs.length, ...vs[0].shape], spacing: vs[0].spacing, affine: vs[0].affine };
}

/** The files `patchlens infer` writes (relative names). */
export const INFERENCE_FILES = {
  labels: 'labels.nii.gz',
  probabilities: 'probabilities.nii.gz',
  coverage: 'coverage.nii.gz',
  patchPerformance: 'patch-performance.npy',
  consistency: 'consistency.npy',
  result: 'result.json',
} as const;

/**
 * Writes an inference result into `outDir`: the label map, probabilities (one frame per class) and
 * coverage (frame 0: windows, frame 1: blending weight) as NIfTI on the source grid ("like" the
 * input, so they overlay it in any viewer), the patch-shaped maps as .npy with a .json beside
 * each, and `result.json` with everything else plus `meta`.
 * @returns the paths written
 */
export function writeInferenceOutputs(outDir: string, result: InferenceResult, like: NiftiHeaderInfo, meta: Record<string, unknown>): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, bytes: Uint8Array | string) => {
    const path = join(outDir, name);
    writeFileSync(path, bytes);
    written.push(path);
  };
  put(INFERENCE_FILES.labels, writeNifti(result.labels, { like, datatype: 'uint8', description: 'PatchLens labels' }));
  put(INFERENCE_FILES.probabilities, writeNifti(channelsToFrames(result.probabilities), { like, datatype: 'float32', description: 'PatchLens probabilities' }));
  put(INFERENCE_FILES.coverage, writeNifti(stackFrames([result.coverage.count, result.coverage.weight]), { like, datatype: 'float32', description: 'PatchLens coverage: windows, weight' }));
  const axes = result.grid.steps.length > 0 ? 'model grid axes (see result.json grid)' : 'image array axes';
  if (result.patchPerformance) {
    const p = result.patchPerformance;
    put(INFERENCE_FILES.patchPerformance, writeNpy(Float32Array.from(p.map), p.shape));
    put('patch-performance.json', JSON.stringify({ measure: p.measure, count: p.count, shape: p.shape, axes, labelMode: result.options.diceMode, meaning: 'mean of the measure at each position inside the patch over all predicted windows, before stitching' }, null, 2));
  }
  if (result.consistency) {
    const c = result.consistency;
    put(INFERENCE_FILES.consistency, writeNpy(Float32Array.from(c.map), c.shape));
    put('consistency.json', JSON.stringify({ measure: 'total-variation distance to the mean of the overlapping windows', count: c.count, shape: c.shape, axes, meaning: 'where windows overlap, how far each window’s prediction is from the mean of all windows for that voxel, by position inside the patch' }, null, 2));
  }
  const json = {
    ...meta,
    dice: result.dice,
    domainDice: result.domainDice,
    windows: result.windows,
    timing: result.timing,
    backend: result.backend,
    grid: result.grid,
    options: result.options,
    classes: result.classes,
    patchPerformance: result.patchPerformance && { measure: result.patchPerformance.measure, count: result.patchPerformance.count, shape: result.patchPerformance.shape, file: INFERENCE_FILES.patchPerformance },
    consistency: result.consistency && { count: result.consistency.count, shape: result.consistency.shape, file: INFERENCE_FILES.consistency },
    warnings: result.warnings,
    files: Object.values(INFERENCE_FILES),
  };
  put(INFERENCE_FILES.result, JSON.stringify(json, null, 2));
  return written;
}
