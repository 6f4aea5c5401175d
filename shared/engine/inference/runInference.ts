import type { Volume } from '../../io/volume';
import type { PerformanceMap } from '../../performance/PerformanceMap';
import { now } from '../../util/clock';
import type { ModelSpec } from '../modelSpec';
import { diceReport, type DiceReport } from '../postprocess/dice';
import { keepLargestComponent } from '../postprocess/largestComponent';
import { datatypeOfArray } from '../../io/niftiDatatypes';
import { consistencyMap } from './consistency';
import { cropBox, extractBox, insertBox, type Box } from './domain';
import type { InferenceMeasure, LabelMode } from './inferencePerformance';
import type { BackendInfo, ModelRunner } from './modelRunner';
import { toModelGrid } from './modelGrid';
import { normalizeIntensity } from './normalizeIntensity';
import { checkReference, type ReferenceCheck } from './referenceCheck';
import { runOnGrid, type GridRunOptions } from './runOnGrid';
import type { WindowPlan } from '../../stitching/planWindows';
import type { ResampleMode } from '../../io/resample';
import { DEFAULT_BLEND, DEFAULT_MEASURE, DEFAULT_OVERLAP, DEFAULT_PLACEMENT } from '../../settings/defaults';

const FN = 'runInference';

/** Options of {@link runInference}: the core's sliding-window options plus what the engine adds. */
export interface InferenceOptions extends Omit<GridRunOptions, 'labelMode' | 'patchSize'> {
  /** Patch size per spatial axis, one for all, or `'whole'` (default: the model's trained patch size, else whole). */
  patchSize?: number | number[] | 'whole';
  /** Dice and the patch performance map: class by class, label > 0 vs reference > 0, or `auto` (foreground when the reference is binary and the model has more classes). */
  diceMode?: LabelMode | 'auto';
  /** Crop to the head's bounding box when the model asks for it (default true). */
  crop?: boolean;
  /** Run only inside this box of the model grid (overrides the crop); Dice is also reported inside it. */
  region?: Box;
  /** Keep only the largest connected foreground component (default: the model's spec). */
  largestComponent?: boolean;
  /**
   * The reference's `checkReference` result when the caller already has it (a sweep checks each
   * case once, so its timed runs do not pay for the scan again); it must be of this label and mode.
   */
  reference?: ReferenceCheck;
}

/** Everything an inference run produces. */
export interface InferenceResult {
  /** Stitched probabilities on the source grid, channels last `[...spatial, classes]`. */
  probabilities: Volume<Float32Array>;
  /** Label map (argmax, post-processed) on the source grid. */
  labels: Volume<Uint8Array>;
  /** Windows covering each voxel and their summed blending weight, on the source grid. */
  coverage: { count: Volume; weight: Volume };
  /** Patch performance from inference (null without reference labels). */
  patchPerformance: { map: Float64Array; shape: number[]; measure: InferenceMeasure; count: number; accumulator: PerformanceMap } | null;
  /** Label-free consistency map (null when skipped; see `warnings`). */
  consistency: { map: Float64Array; shape: number[]; count: number; accumulator: PerformanceMap } | null;
  /** Dice against the reference on the source grid, and inside the region/crop on the model grid. */
  dice: DiceReport | null;
  domainDice: DiceReport | null;
  windows: number;
  /** Wall-clock milliseconds. */
  timing: { totalMs: number; preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number };
  backend: BackendInfo;
  /** The model grid (shape, index → RAS+ mm affine) and the box inference ran in. */
  grid: { shape: number[]; affine: number[][]; domain: Box; steps: string[] };
  /** The sliding-window plan over the box (window starts in the box's padded frame). */
  plan: WindowPlan;
  /** Maps a volume on the model grid (optional trailing channel axis) back onto the source grid. */
  toSource: (v: Volume, mode: ResampleMode) => Volume;
  /** The options as used (defaults filled in). */
  options: Record<string, unknown>;
  classes: { name: string; color: [number, number, number] }[];
  warnings: string[];
}

/** What {@link runInference} needs. */
export interface InferenceInput {
  image: Volume;
  label?: Volume | null;
  runner: ModelRunner;
  spec: ModelSpec;
  options?: InferenceOptions;
}

/**
 * One inference run: the image (and reference labels) onto the model's grid, intensity
 * normalization, the crop or region, sliding-window inference with the patch performance,
 * consistency and coverage maps, argmax and post-processing, and everything back onto the
 * source grid with Dice against the reference.
 */
export async function runInference(input: InferenceInput): Promise<InferenceResult> {
  const t0 = now();
  const { image, runner, spec } = input;
  const label = input.label ?? null;
  const options = input.options ?? {};
  const warnings: string[] = [...spec.assumptions.map((a) => `model spec: ${a}`)];
  options.onProgress?.({ phase: 'preprocess', done: 0, total: 1, etaMs: null });
  if (image.shape.length !== 3) throw new RangeError(`${FN}: the image must be 3-D (a single volume), got shape [${image.shape}]`);
  for (let i = 0; i < image.data.length; i++) {
    if (!Number.isFinite(image.data[i])) throw new RangeError(`${FN}: the image has a non-finite value (${image.data[i]}) at voxel ${i}`);
  }
  if (spec.channels !== 1) throw new RangeError(`${FN}: the model takes ${spec.channels} input channels but the image is a single 3-D volume`);

  // 1. Model grid, normalization, the box to run in.
  const grid = toModelGrid(image, label, spec);
  const gshape = grid.image.shape;
  const normalized = normalizeIntensity(grid.image.data, spec.normalization);
  const useCrop = options.crop !== false && spec.crop !== undefined && options.region === undefined;
  const domain: Box = options.region ?? (useCrop ? cropBox(normalized, gshape, spec.crop!.threshold, spec.crop!.padding) : { start: [0, 0, 0], size: [...gshape] });
  if (options.region) checkRegion(options.region, gshape);
  const domainVoxels = domain.size.reduce((a, b) => a * b, 1);
  const domainImage = extractBox(normalized, gshape, domain, 1, new Float32Array(domainVoxels));
  const gridLabel = grid.label ? Int32Array.from(grid.label.data) : null;
  const domainLabel = gridLabel ? extractBox(gridLabel, gshape, domain, 1, new Int32Array(domainVoxels)) : null;
  const classes = runner.classes;
  const diceMode = resolveDiceMode(options.diceMode ?? 'auto', label, classes, warnings, options.reference);
  const patchSize = options.patchSize ?? spec.trainedPatchSize ?? 'whole';
  if (!spec.translationEquivariant && patchSize !== 'whole') {
    warnings.push(`${spec.name} is not translation-equivariant (${spec.notes?.[0] ?? 'it normalizes over its whole input'}): its answer depends on the patch size`);
  }
  const t1 = now();

  // 2. Sliding-window inference.
  const run = await runOnGrid({ data: domainImage, shape: [...domain.size, 1] }, domainLabel, runner, { ...options, patchSize, labelMode: diceMode });
  const t2 = now();
  options.onProgress?.({ phase: 'postprocess', done: 0, total: 1, etaMs: null });

  // 3. Labels, post-processing, back onto the model grid and the source grid.
  const domainLabels = argmax(run.probabilities, classes);
  const largest = options.largestComponent ?? spec.largestComponent ?? false;
  if (largest) keepLargestComponent(domainLabels, domain.size);
  const gridVoxels = gshape.reduce((a, b) => a * b, 1);
  const gridLabels = new Uint8Array(gridVoxels);
  insertBox(domainLabels, domain, 1, gridLabels, gshape);
  const gridProbs = new Float32Array(gridVoxels * classes);
  for (let v = 0; v < gridVoxels; v++) gridProbs[v * classes] = 1; // outside the box: background
  insertBox(run.probabilities, domain, classes, gridProbs, gshape);
  const onGrid = (data: Float32Array | Uint8Array, channels: number): Volume => ({
    data,
    shape: channels > 1 ? [...gshape, channels] : [...gshape],
    spacing: grid.image.spacing,
    affine: grid.image.affine,
  });
  const labels = grid.toSource(onGrid(gridLabels, 1), 'nearest') as Volume<Uint8Array>;
  const probabilities = grid.toSource(onGrid(gridProbs, classes), 'linear') as Volume<Float32Array>;
  const coverageOnGrid = (values: Float32Array) => {
    const g = new Float32Array(gridVoxels);
    insertBox(values, domain, 1, g, gshape);
    return g;
  };
  const coverage = {
    count: grid.toSource(onGrid(coverageOnGrid(run.coverage.count), 1), 'nearest'),
    weight: grid.toSource(onGrid(coverageOnGrid(run.coverage.weight), 1), 'linear'),
  };
  const dice = label ? diceReport(labels.data, label.data, { mode: diceMode, numClasses: classes, classNames: spec.classes.map((c) => c.name) }) : null;
  const domainDice = domainLabel ? diceReport(domainLabels, domainLabel, { mode: diceMode, numClasses: classes, classNames: spec.classes.map((c) => c.name) }) : null;
  if (run.consistencySkipped && options.consistency !== false) warnings.push(`consistency map skipped: ${run.consistencySkipped}`);
  const t3 = now();
  const backend = runner.backend();
  for (const f of backend.fallbacks) warnings.push(`the ${f.from} backend failed at window ${f.atWindow} (${f.error}); the run went on with ${f.to}`);

  return {
    probabilities,
    labels,
    coverage,
    patchPerformance: run.performance
      ? { map: run.performance.map(), shape: [...run.plan.patchSize], measure: run.performance.measure, count: run.performance.accumulator.count, accumulator: run.performance.accumulator }
      : null,
    consistency: run.consistency ? { map: consistencyMap(run.consistency), shape: [...run.plan.patchSize], count: run.consistency.count, accumulator: run.consistency } : null,
    dice,
    domainDice,
    windows: run.plan.windows.length,
    timing: { totalMs: t3 - t0, preprocessMs: t1 - t0, modelMs: run.modelMs, stitchMs: run.stitchMs, postprocessMs: t3 - t2 },
    backend,
    grid: { shape: [...gshape], affine: grid.image.affine.map((row) => [...row]), domain, steps: grid.steps },
    plan: run.plan,
    toSource: grid.toSource,
    options: {
      patchSize: patchSize === 'whole' ? 'whole' : run.plan.patchSize,
      overlap: patchSize === 'whole' ? 0 : (options.overlap ?? DEFAULT_OVERLAP),
      placement: options.placement ?? DEFAULT_PLACEMENT,
      blend: options.blend instanceof Float32Array ? 'custom weight map' : (options.blend ?? DEFAULT_BLEND),
      sigmaScale: options.sigmaScale ?? 0.125,
      batchSize: options.batchSize ?? 1,
      padMode: options.padMode ?? 'constant',
      measure: options.measure ?? DEFAULT_MEASURE,
      diceMode,
      crop: useCrop,
      region: options.region ?? null,
      largestComponent: largest,
    },
    classes: spec.classes,
    warnings,
  };
}

/** Per-voxel argmax over the class axis (`[...spatial, classes]` → labels; ties go to the lower class). */
export function argmax(probs: Float32Array, classes: number): Uint8Array {
  const n = probs.length / classes;
  const out = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    let best = 0;
    let bp = probs[v * classes];
    for (let c = 1; c < classes; c++) {
      const p = probs[v * classes + c];
      if (p > bp) {
        bp = p;
        best = c;
      }
    }
    out[v] = best;
  }
  return out;
}

/** The reference check's mode; its warning and "looks like an image" reason go to the run's warnings (one rule, one message: `checkReference`). */
function resolveDiceMode(mode: LabelMode | 'auto', label: Volume | null, classes: number, warnings: string[], known?: ReferenceCheck): LabelMode {
  if (!label) return mode === 'auto' ? 'classes' : mode;
  if (known) {
    if (known.warning) warnings.push(known.warning);
    if (known.imageReason) warnings.push(known.imageReason);
    return known.mode;
  }
  // The typed array is the file's datatype (readNifti keeps it; scaled data are float32); the name only words the message.
  let datatype: string | undefined;
  try {
    datatype = datatypeOfArray(label.data).name;
  } catch {
    datatype = undefined;
  }
  const check = checkReference(label.data, classes, mode, datatype);
  if (check.warning) warnings.push(check.warning);
  if (check.imageReason) warnings.push(check.imageReason);
  return check.mode;
}

function checkRegion(region: Box, shape: readonly number[]): void {
  const ok =
    region.start.length === shape.length &&
    region.size.length === shape.length &&
    region.start.every((s, a) => Number.isInteger(s) && s >= 0 && Number.isInteger(region.size[a]) && region.size[a] >= 1 && s + region.size[a] <= shape[a]);
  if (!ok) throw new RangeError(`${FN}: region start [${region.start}] size [${region.size}] does not fit the model grid [${shape}]`);
}
