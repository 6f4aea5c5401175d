import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { writeNifti, type NiftiHeaderInfo, type WriteNiftiOptions } from '../shared/io/nifti';
import type { Volume } from '../shared/io/volume';
import { writeNpy } from '../shared/io/npy';
import { patchMapNifti } from '../shared/io/patchMapNifti';
import { columnNorms } from '../shared/io/affine';
import type { InferenceResult } from '../shared/engine/inference/runInference';
import { beginFolder, writeFileAtomic, type CommitOptions } from './fs/atomicWrite';
import { sha256Hex } from './fs/sha256';
import { writeDicomSeg, type SegSegment, type SegSource, type WriteSegOptions } from './dicom/seg';

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

/**
 * gzip levels of the volumes on the source grid, deflated by Node's zlib (native; fflate, which
 * `writeNifti` uses, took 3–10× longer on these volumes). The float32 probabilities and coverage
 * are mostly literals to deflate: at level 1 they come out ~1 % (probabilities) and ~17 %
 * (coverage) larger than at level 6 in a third of the time (docs/performance.md); the small
 * uint8 label map, the file most often shared, keeps zlib's default.
 */
const GZIP_LEVEL = { labels: constants.Z_DEFAULT_COMPRESSION, probabilities: constants.Z_BEST_SPEED, coverage: constants.Z_BEST_SPEED } as const;

/** `writeNifti`'s file, gzipped by Node's zlib at `level` (the same NIfTI bytes inside; mtime 0, so the same bytes every time). */
function niftiGz(volume: Volume, options: Omit<WriteNiftiOptions, 'gzip'>, level: number): Uint8Array {
  return gzipSync(writeNifti(volume, { ...options, gzip: false }), { level });
}

/** The files `patchlens infer` writes (relative names). */
export const INFERENCE_FILES = {
  labels: 'labels.nii.gz',
  /** The label map as a DICOM SEG of the source series (DICOM input only). */
  labelsSeg: 'labels.seg.dcm',
  probabilities: 'probabilities.nii.gz',
  coverage: 'coverage.nii.gz',
  patchPerformance: 'patch-performance.npy',
  consistency: 'consistency.npy',
  /** The same maps as float32 NIfTI in patch coordinates (shared/io/patchMapNifti.ts), not patient space. */
  patchPerformanceNifti: 'patch-performance.nii.gz',
  consistencyNifti: 'consistency.nii.gz',
  result: 'result.json',
} as const;

/** The `.json` written beside each patch-shaped map. */
export const INFERENCE_SIDECARS = {
  patchPerformance: 'patch-performance.json',
  consistency: 'consistency.json',
} as const;

/** `result.json`'s `format`. */
export const INFERENCE_RESULT_FORMAT = 'patchlens.infer-result';

/** One file an inference wrote, as `result.json`'s `files` lists it. */
export interface WrittenFile {
  /** Name inside the output folder. */
  name: string;
  /** SHA-256 of its bytes, 64 lowercase hex digits. */
  sha256: string;
  bytes: number;
}

/** How the label map is written: as NIfTI, as a DICOM SEG of the source series, or both. */
export interface LabelOutputs {
  nifti: boolean;
  /** The SEG: its source series, and the model (SegmentAlgorithmName, its SHA-256 in the descriptions). */
  seg?: { source: SegSource; model: { name: string; sha256: string }; softwareVersion: string };
}

/**
 * How a prediction is written as a DICOM SEG (AUTOMATIC, the model's name as SegmentAlgorithmName,
 * its SHA-256 in each SegmentDescription, its first 16 hex digits in ContentDescription, which LO
 * holds to 64 characters): one segment per foreground class of the model (class 1, 2, … keep
 * their numbers), named and coloured as the model's classes. The CLI's `labels.seg.dcm` and the
 * app's SEG of a run (src-node/app/exportSeg.ts) both write this.
 */
export function predictionSegSpec(classes: readonly { name: string; color: readonly number[] }[], model: { name: string; sha256: string }): { segments: SegSegment[]; options: Omit<WriteSegOptions, 'softwareVersion'> } {
  const { name, sha256 } = model;
  const segments = classes.slice(1).map((c, i) => ({ value: i + 1, name: c.name, color: c.color, description: `Predicted by the model ${name} (sha256 ${sha256}) with PatchLens` }));
  return {
    segments,
    options: { algorithm: { type: 'AUTOMATIC', name }, seriesDescription: `PatchLens prediction: ${name}`, contentDescription: `${name.slice(0, 38)} sha256 ${sha256.slice(0, 16)}` },
  };
}

/** The prediction as a DICOM SEG ({@link predictionSegSpec}). */
function labelsAsSeg(result: InferenceResult, seg: NonNullable<LabelOutputs['seg']>): Uint8Array {
  const spec = predictionSegSpec(result.classes, seg.model);
  return writeDicomSeg(result.labels, seg.source, spec.segments, { ...spec.options, softwareVersion: seg.softwareVersion }).bytes;
}

/**
 * Writes an inference result into the folder `dir` (created if missing), each file atomically
 * (`writeFileAtomic`): the label map, probabilities (one frame per class) and coverage (frame 0:
 * windows, frame 1: blending weight) as NIfTI on the source grid ("like" the input, so they
 * overlay it in any viewer), the patch-shaped maps as .npy with a .json beside each and as
 * float32 NIfTI in patch coordinates (`patchMapNifti`: origin 0, the model grid's voxel sizes,
 * no world coordinates; not a DICOM Parametric Map, which must lie in the patient's frame), and last
 * `result.json` with everything else plus `meta`, and `files`: the name, SHA-256 and size of
 * every other file written (so that a later run can verify the folder holds exactly this result).
 * With `labelOutputs.seg` the label map is also (or, with `nifti: false`, only) written as
 * `labels.seg.dcm`, a DICOM SEG of the source series.
 * @returns the paths written, result.json last
 */
export function writeInferenceFiles(dir: string, result: InferenceResult, like: NiftiHeaderInfo, meta: Record<string, unknown>, labelOutputs: LabelOutputs = { nifti: true }): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const files: WrittenFile[] = [];
  const put = (name: string, data: Uint8Array | string) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const path = join(dir, name);
    writeFileAtomic(path, bytes);
    written.push(path);
    files.push({ name, sha256: sha256Hex(bytes), bytes: bytes.byteLength });
  };
  if (labelOutputs.nifti) put(INFERENCE_FILES.labels, niftiGz(result.labels, { like, datatype: 'uint8', description: 'PatchLens labels' }, GZIP_LEVEL.labels));
  if (labelOutputs.seg) put(INFERENCE_FILES.labelsSeg, labelsAsSeg(result, labelOutputs.seg));
  put(INFERENCE_FILES.probabilities, niftiGz(channelsToFrames(result.probabilities), { like, datatype: 'float32', description: 'PatchLens probabilities' }, GZIP_LEVEL.probabilities));
  put(INFERENCE_FILES.coverage, niftiGz(stackFrames([result.coverage.count, result.coverage.weight]), { like, datatype: 'float32', description: 'PatchLens coverage: windows, weight' }, GZIP_LEVEL.coverage));
  const axes = result.grid.steps.length > 0 ? 'model grid axes (see result.json grid)' : 'image array axes';
  // The maps' axes are the model grid's array axes (the image's when no step changed the grid): its voxel sizes.
  const spacing = columnNorms(result.grid.affine).slice(0, 3);
  if (result.patchPerformance) {
    const p = result.patchPerformance;
    put(INFERENCE_FILES.patchPerformance, writeNpy(Float32Array.from(p.map), p.shape));
    put(INFERENCE_FILES.patchPerformanceNifti, patchMapNifti(p.map, p.shape, { spacing, what: 'patch performance', measure: p.measure }));
    put(INFERENCE_SIDECARS.patchPerformance, JSON.stringify({ measure: p.measure, count: p.count, shape: p.shape, axes, labelMode: result.options.diceMode, meaning: 'mean of the measure at each position inside the patch over all predicted windows, before stitching' }, null, 2));
  }
  if (result.consistency) {
    const c = result.consistency;
    put(INFERENCE_FILES.consistency, writeNpy(Float32Array.from(c.map), c.shape));
    put(INFERENCE_FILES.consistencyNifti, patchMapNifti(c.map, c.shape, { spacing, what: 'consistency', measure: 'TV distance' }));
    put(INFERENCE_SIDECARS.consistency, JSON.stringify({ measure: 'total-variation distance to the mean of the overlapping windows', count: c.count, shape: c.shape, axes, meaning: 'where windows overlap, how far each window’s prediction is from the mean of all windows for that voxel, by position inside the patch' }, null, 2));
  }
  const json = {
    format: INFERENCE_RESULT_FORMAT,
    version: 1,
    ...meta,
    dice: result.dice,
    domainDice: result.domainDice,
    windows: result.windows,
    timing: result.timing,
    backend: result.backend,
    grid: result.grid,
    options: result.options,
    classes: result.classes,
    patchPerformance: result.patchPerformance && { measure: result.patchPerformance.measure, count: result.patchPerformance.count, shape: result.patchPerformance.shape, file: INFERENCE_FILES.patchPerformance, nifti: INFERENCE_FILES.patchPerformanceNifti },
    consistency: result.consistency && { count: result.consistency.count, shape: result.consistency.shape, file: INFERENCE_FILES.consistency, nifti: INFERENCE_FILES.consistencyNifti },
    warnings: result.warnings,
    files: [...files],
  };
  put(INFERENCE_FILES.result, JSON.stringify(json, null, 2));
  return written;
}

/**
 * Writes an inference result as a whole folder at `target` (`patchlens infer --out`): the files
 * of {@link writeInferenceFiles} go into a temp folder beside `target`, which is then renamed
 * onto it in one step (`beginFolder`). A crash or a kill while writing leaves no `target` (or the
 * old one), never a half-written folder that looks complete; a failure removes the temp folder.
 * @param commit how to treat an existing `target` (default: only a missing or empty one;
 * `{ replace: true, replaceable }` replaces an earlier result whose entries are all listed)
 * @param labelOutputs NIfTI labels, a DICOM SEG, or both (default NIfTI only)
 * @returns the paths of the files inside `target`, result.json last
 */
export function writeInferenceFolder(target: string, result: InferenceResult, like: NiftiHeaderInfo, meta: Record<string, unknown>, commit: CommitOptions = {}, labelOutputs: LabelOutputs = { nifti: true }): string[] {
  const folder = beginFolder(resolve(target));
  try {
    const written = writeInferenceFiles(folder.dir, result, like, meta, labelOutputs);
    folder.commit(commit);
    return written.map((p) => join(folder.target, p.slice(folder.dir.length + 1)));
  } catch (e) {
    folder.abort();
    throw e;
  }
}
