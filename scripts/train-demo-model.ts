/**
 * Trains the bundled demo model (demo/model/): a small fully convolutional 3-D network that
 * segments the brain in the demo's 2 mm T1 (demo/data, made by scripts/make-demo-data.ts), with
 * `PatchPerformance.track` around its loss so that the training-time patch performance map is
 * saved beside the model.
 *
 * - Model: 3×3×3 Conv3D layers with dilations 1-2-4-2-1 (ReLU, "same" zero padding), then a
 *   1×1×1 Conv3D with a 2-class softmax; channels-last; receptive field 1 + 2·Σ dilations = 21.
 * - Training: random 24³ patches of the training case (mirrored left–right with probability ½),
 *   Adam, categorical cross-entropy; every random number comes from a seed (tfjs initializers
 *   with seeds, mulberry32 for the patches), so a run on the same backend gives the same weights.
 * - tfjs cannot differentiate a dilated Conv3D ("dilation rates greater than 1 are not yet
 *   supported in gradients"), and its CPU Conv3D backprop is slow: {@link registerConv3DGradient}
 *   registers an exact gradient for stride-1 "same" Conv3D with odd kernels (input gradient: a
 *   Conv3D with the flipped, transposed filter, which runs on PatchLens's fast kernel; filter
 *   gradient: a float64 JavaScript loop).
 *
 * Writes model.json + group1-shard1of1.bin (a standard tfjs layers model), patchlens.json (the
 * sidecar: the engine needs no assumptions), training-patch-performance.npy + .json (the map of
 * the last epochs) and training-log.json (losses, time, and Dice of the engine's inference).
 *
 * Run: `npx tsx scripts/train-demo-model.ts [outDir]` (about 2–3 minutes on 2 cores).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelFolderFiles } from './modelFolderFiles';
import { readNifti } from '../shared/io/nifti';
import { writeNpy } from '../shared/io/npy';
import { axisCodes } from '../shared/io/orientation';
import type { Volume } from '../shared/io/volume';
import { PatchPerformance } from '../shared/performance/PatchPerformance';
import { normalizeIntensity } from '../shared/engine/inference/normalizeIntensity';
import { enableFastCpuKernels, prepareModel } from '../shared/engine/prepareModel';
import { runInference, type InferenceOptions } from '../shared/engine/inference/runInference';
import { mulberry32 } from '../shared/util/mulberry32';
import { writeFileAtomic } from '../src-node/fs/atomicWrite';
import { readModelFolder } from '../src-node/readModelFolder';
import { DEFAULT_DATA_DIR, DEMO_CASES } from './make-demo-data';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the demo model goes by default. */
export const DEFAULT_MODEL_DIR = resolve(repoRoot, 'demo', 'model');

/** File names in the model folder. */
export const DEMO_MODEL_FILES = {
  modelJson: 'model.json',
  weights: 'group1-shard1of1.bin',
  sidecar: 'patchlens.json',
  map: 'training-patch-performance.npy',
  mapJson: 'training-patch-performance.json',
  log: 'training-log.json',
} as const;

/** Options of {@link trainDemoModel} (every default is what the committed model was trained with). */
export interface TrainDemoOptions {
  /** Folder with the demo data (default demo/data). */
  dataDir?: string;
  /** tfjs backend (default `wasm`). */
  backend?: 'cpu' | 'wasm';
  /** Seed of the initializers and the patch sampler (default 20261127). */
  seed?: number;
  /** Edge of the cubic training patches (default 24). */
  patchSize?: number;
  /** Patches per step (default 4). */
  batchSize?: number;
  /** Epochs (default 12) of `stepsPerEpoch` steps (default 60). */
  epochs?: number;
  stepsPerEpoch?: number;
  /** The training-time map accumulates over this many last epochs (default 4). */
  mapEpochs?: number;
  /** Fraction of the patches that contain a voxel of the brain's boundary (default 0.5); the rest are placed uniformly. */
  boundaryFraction?: number;
  /** Feature channels of the hidden layers (default 6). */
  channels?: number;
  /** Dilations of the 3×3×3 layers (default [1, 2, 4, 2, 1]). */
  dilations?: number[];
  /** Intensity normalization (default `z-score`), written into the sidecar. */
  normalization?: 'min-max' | 'z-score';
  /** Activation of the hidden layers (default `elu`: no units die, which matters with 6 channels). */
  activation?: 'relu' | 'elu';
  /** Adam learning rate per epoch: the first value until `lrSchedule[1].epoch`, … (default 0.003, then 0.001 from epoch 10). */
  lrSchedule?: { epoch: number; lr: number }[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link trainDemoModel} returns. */
export interface TrainDemoResult {
  files: string[];
  sha256: string;
  receptiveField: number;
  parameters: number;
  weightBytes: number;
  epochLosses: number[];
  finalLoss: number;
  patchesSeen: number;
  /** Mean of the training-time map over the outer shell (distance to the nearest face < 3) and over the central 8³ (for the training log). */
  mapBorderMean: number;
  mapCentreMean: number;
  seconds: number;
  backend: string;
}

let gradientRegistered = false;

/**
 * Registers a gradient for tfjs's `Conv3D` that also handles dilations (tfjs's refuses them):
 * for stride 1, "same" padding, NDHWC and odd kernel sizes, `dx` is the Conv3D of `dy` with the
 * spatially flipped filter (in/out channels swapped) at the same dilation, and `dfilter[t]` is
 * Σ x[p + d·(t − c)] ⊗ dy[p] over batch and positions (zero outside), summed in float64. Any
 * other configuration goes to tfjs's own gradient. Once per process.
 */
export function registerConv3DGradient(): void {
  if (gradientRegistered) return;
  const original = tf.getGradient(tf.Conv3D);
  if (!original) throw new Error('registerConv3DGradient: register tfjs gradients first (registerTfjsGradients)');
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: tf.Conv3D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as tf.Conv3DAttrs;
      const [x, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
      const triple = (v: number | [number, number, number] | undefined): number[] => (v == null ? [1, 1, 1] : typeof v === 'number' ? [v, v, v] : [...v]);
      const strides = triple(a.strides);
      const dil = triple(a.dilations);
      const k = filter.shape.slice(0, 3);
      const pointwise = k.every((n) => n === 1); // "valid" and "same" agree for 1×1×1
      const handled = (a.pad === 'same' || pointwise) && (a.dataFormat ?? 'NDHWC') === 'NDHWC' && strides.every((s) => s === 1) && k.every((n) => n % 2 === 1);
      if (!handled) return original.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor5D;
      return {
        x: () => tf.conv3d(g, tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D, 1, 'same', 'NDHWC', dil as [number, number, number]),
        filter: () => tf.tensor(conv3dFilterGradient(x.dataSync() as Float32Array, x.shape, g.dataSync() as Float32Array, k, filter.shape[4], dil), filter.shape),
      };
    },
  });
}

/**
 * `dfilter` of a stride-1 "same" Conv3D (odd kernel `k`, dilations `dil`), row-major
 * `[k0, k1, k2, ci, co]`: for every tap and input channel, up to four output channels at a time
 * are accumulated in local variables (float64) over every voxel whose shifted neighbour is inside.
 */
function conv3dFilterGradient(x: Float32Array, xShape: number[], dy: Float32Array, k: number[], co: number, dil: number[]): Float32Array {
  const [n, d, h, w, ci] = xShape;
  const out = new Float32Array(k[0] * k[1] * k[2] * ci * co);
  for (let t0 = 0; t0 < k[0]; t0++)
    for (let t1 = 0; t1 < k[1]; t1++)
      for (let t2 = 0; t2 < k[2]; t2++) {
        const o0 = (t0 - (k[0] - 1) / 2) * dil[0];
        const o1 = (t1 - (k[1] - 1) / 2) * dil[1];
        const o2 = (t2 - (k[2] - 1) / 2) * dil[2];
        const x0 = Math.max(0, -o2);
        const x1 = Math.min(w, w - o2);
        const base = ((t0 * k[1] + t1) * k[2] + t2) * ci * co;
        for (let i = 0; i < ci; i++)
          for (let j = 0; j < co; j += 4) {
            const m = Math.min(4, co - j);
            let s0 = 0;
            let s1 = 0;
            let s2 = 0;
            let s3 = 0;
            for (let b = 0; b < n; b++)
              for (let z = Math.max(0, -o0); z < Math.min(d, d - o0); z++)
                for (let y = Math.max(0, -o1); y < Math.min(h, h - o1); y++) {
                  let pg = (((b * d + z) * h + y) * w + x0) * co + j;
                  let px = (((b * d + z + o0) * h + y + o1) * w + x0 + o2) * ci + i;
                  if (m === 4) {
                    for (let xx = x0; xx < x1; xx++, pg += co, px += ci) {
                      const xi = x[px];
                      s0 += xi * dy[pg];
                      s1 += xi * dy[pg + 1];
                      s2 += xi * dy[pg + 2];
                      s3 += xi * dy[pg + 3];
                    }
                  } else if (m === 3) {
                    for (let xx = x0; xx < x1; xx++, pg += co, px += ci) {
                      const xi = x[px];
                      s0 += xi * dy[pg];
                      s1 += xi * dy[pg + 1];
                      s2 += xi * dy[pg + 2];
                    }
                  } else if (m === 2) {
                    for (let xx = x0; xx < x1; xx++, pg += co, px += ci) {
                      const xi = x[px];
                      s0 += xi * dy[pg];
                      s1 += xi * dy[pg + 1];
                    }
                  } else {
                    for (let xx = x0; xx < x1; xx++, pg += co, px += ci) s0 += x[px] * dy[pg];
                  }
                }
            const o = base + i * co + j;
            out[o] = s0;
            if (m > 1) out[o + 1] = s1;
            if (m > 2) out[o + 2] = s2;
            if (m > 3) out[o + 3] = s3;
          }
      }
  return out;
}

let sumRegistered = false;

/**
 * Training only: replaces the `Sum` kernel of `backendName` for float32 sums over every axis but
 * the last (the gradient of a bias add, which tfjs-backend-wasm computes by transposing first,
 * ~16 ms per 4×24³×6 tensor) with a float64 loop; anything else goes to the original kernel.
 */
export function registerFastChannelSum(backendName: string): void {
  if (sumRegistered) return;
  const original = tf.getKernel(tf.Sum, backendName);
  if (!original) return;
  sumRegistered = true;
  interface ValueBackend {
    readSync(dataId: tf.DataId): tf.BackendValues;
    write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
  }
  tf.unregisterKernel(tf.Sum, backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const r = x.shape.length;
      const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
      const leading = r >= 2 && x.dtype === 'float32' && axes.length === r - 1 && axes.every((a, i) => a === i);
      if (!leading) return original.kernelFunc(args);
      const b = args.backend as unknown as ValueBackend;
      const values = b.readSync(x.dataId) as Float32Array;
      const c = x.shape[r - 1];
      const acc = new Float64Array(c);
      for (let v = 0; v < values.length; v += c) for (let j = 0; j < c; j++) acc[j] += values[v + j];
      const shape = keepDims ? [...new Array<number>(r - 1).fill(1), c] : [c];
      return { dataId: b.write(Float32Array.from(acc), shape, 'float32'), shape, dtype: 'float32' };
    },
  });
}

/**
 * Registers tfjs-core's gradients (`@tensorflow/tfjs-core/dist/register_all_gradients`) once.
 * Node cannot import that ES module directly (it imports a directory), so it is required through
 * tsx's CommonJS hook; under vitest (which transforms it) a dynamic import does it.
 */
export async function registerTfjsGradients(): Promise<void> {
  if (tf.getGradient(tf.Relu)) return;
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');
  } catch {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  }
  if (!tf.getGradient(tf.Relu)) throw new Error('registerTfjsGradients: tfjs gradients could not be registered');
}

/**
 * The demo network as a functional model (an InputLayer, then the convolutions; PatchLens's
 * layer-by-layer runner reads `outputLayers`, which a tfjs `Sequential` does not fill), with
 * seeded initializers and fixed layer names so that model.json is the same on every run.
 */
export function buildDemoModel(
  channels: number,
  dilations: readonly number[],
  seed: number,
  outputActivation: 'softmax' | 'linear' = 'softmax',
  activation: 'relu' | 'elu' = 'relu',
): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, null, 1], name: 'input' });
  let x = input;
  dilations.forEach((d, i) => {
    x = tfl.layers
      .conv3d({
        name: `conv${i + 1}_d${d}`,
        filters: channels,
        kernelSize: 3,
        dilationRate: d,
        padding: 'same',
        activation,
        kernelInitializer: tfl.initializers.heNormal({ seed: seed + i + 1 }),
        biasInitializer: 'zeros',
      })
      .apply(x) as tfl.SymbolicTensor;
  });
  const output = tfl.layers
    .conv3d({
      name: 'output',
      filters: 2,
      kernelSize: 1,
      activation: outputActivation,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 100 }),
      biasInitializer: 'zeros',
    })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'patchlens_demo_brain' });
}

/**
 * The tracked measure: categorical cross-entropy per voxel from logits, −Σ_c t_c·log softmax(x)_c
 * (the same values as `categoricalCrossEntropy` of the softmax probabilities, without clamping);
 * shape `[batch, ...patch]`.
 */
export function categoricalCrossEntropyWithLogits(labels: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1));
}

/** The training loss: softmax cross-entropy of the logits, mean over every voxel (its gradient, softmax − labels, never vanishes). */
function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/**
 * Random patches of a normalized image and its binary labels: with probability `boundaryFraction`
 * the patch contains a random voxel of the label's boundary (a voxel with a 6-neighbour of the
 * other label) at a uniformly random position inside it (so that hard voxels are not piled up at
 * the patch centre, which would bias the training-time map), else it is placed uniformly;
 * mirrored left–right with probability ½. Every draw comes from `random`.
 */
function patchSampler(image: Float32Array, labels: Uint8Array, shape: number[], patch: number, boundaryFraction: number, random: () => number) {
  const [n0, n1, n2] = shape;
  const voxels = patch ** 3;
  const boundary: number[] = [];
  for (let a = 1; a < n0 - 1; a++)
    for (let b = 1; b < n1 - 1; b++)
      for (let c = 1; c < n2 - 1; c++) {
        const v = (a * n1 + b) * n2 + c;
        const l = labels[v];
        if (labels[v - 1] !== l || labels[v + 1] !== l || labels[v - n2] !== l || labels[v + n2] !== l || labels[v - n1 * n2] !== l || labels[v + n1 * n2] !== l)
          boundary.push(v);
      }
  const startAround = (voxel: number, n: number) => Math.min(n - patch, Math.max(0, voxel - Math.floor(random() * patch)));
  return (batch: number): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array(batch * voxels);
    const y = new Float32Array(batch * voxels * 2);
    for (let b = 0; b < batch; b++) {
      let s0: number;
      let s1: number;
      let s2: number;
      if (boundary.length > 0 && random() < boundaryFraction) {
        const v = boundary[Math.floor(random() * boundary.length)];
        s0 = startAround(Math.floor(v / (n1 * n2)), n0);
        s1 = startAround(Math.floor(v / n2) % n1, n1);
        s2 = startAround(v % n2, n2);
      } else {
        s0 = Math.floor(random() * (n0 - patch + 1));
        s1 = Math.floor(random() * (n1 - patch + 1));
        s2 = Math.floor(random() * (n2 - patch + 1));
      }
      const mirror = random() < 0.5;
      for (let a = 0; a < patch; a++)
        for (let c = 0; c < patch; c++)
          for (let e = 0; e < patch; e++) {
            const src = ((s0 + a) * n1 + s1 + c) * n2 + s2 + (mirror ? patch - 1 - e : e);
            const dst = b * voxels + (a * patch + c) * patch + e;
            x[dst] = image[src];
            y[dst * 2 + labels[src]] = 1;
          }
    }
    return { x, y };
  };
}

/** Mean of a cubic map over its outer shell (distance to the nearest face < `shell`) and over its central `centre`³ block. */
export function shellAndCentre(map: ArrayLike<number>, p: number, shell = 3, centre = 8): { border: number; centre: number } {
  let sb = 0;
  let nb = 0;
  let sc = 0;
  let nc = 0;
  const lo = (p - centre) / 2;
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++)
      for (let c = 0; c < p; c++) {
        const v = map[(a * p + b) * p + c];
        if (Math.min(a, b, c, p - 1 - a, p - 1 - b, p - 1 - c) < shell) {
          sb += v;
          nb++;
        }
        if ([a, b, c].every((q) => q >= lo && q < lo + centre)) {
          sc += v;
          nc++;
        }
      }
  return { border: sb / nb, centre: sc / nc };
}

/** Mean of a cubic map by distance to the nearest patch face (0 … ⌈p/2⌉ − 1). */
export function distanceProfile(map: ArrayLike<number>, p: number): number[] {
  const half = Math.ceil(p / 2);
  const sum = new Float64Array(half);
  const n = new Float64Array(half);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++)
      for (let c = 0; c < p; c++) {
        const d = Math.min(a, b, c, p - 1 - a, p - 1 - b, p - 1 - c);
        sum[d] += map[(a * p + b) * p + c];
        n[d]++;
      }
  return Array.from(sum, (s, d) => s / n[d]);
}

function readCase(dataDir: string, index: number): { image: Volume; label: Volume } {
  const c = DEMO_CASES[index];
  return {
    image: readNifti(readFileSync(join(dataDir, c.image))),
    label: readNifti(readFileSync(join(dataDir, c.label))),
  };
}

/**
 * Trains the demo model and writes it with its sidecar and training-time map into `outDir`.
 * @param outDir the model folder (the repository's is demo/model)
 * @param options see {@link TrainDemoOptions}; the defaults reproduce the committed model
 */
export async function trainDemoModel(outDir: string = DEFAULT_MODEL_DIR, options: TrainDemoOptions = {}): Promise<TrainDemoResult> {
  const fn = 'trainDemoModel';
  const o = {
    dataDir: options.dataDir ?? DEFAULT_DATA_DIR,
    backend: options.backend ?? 'wasm',
    seed: options.seed ?? 20261127,
    patchSize: options.patchSize ?? 24,
    batchSize: options.batchSize ?? 4,
    epochs: options.epochs ?? 12,
    stepsPerEpoch: options.stepsPerEpoch ?? 60,
    mapEpochs: options.mapEpochs ?? 4,
    boundaryFraction: options.boundaryFraction ?? 0.5,
    channels: options.channels ?? 6,
    dilations: options.dilations ?? [1, 2, 4, 2, 1],
    activation: options.activation ?? 'elu',
    normalization: options.normalization ?? 'z-score',
    lrSchedule: options.lrSchedule ?? [
      { epoch: 0, lr: 0.003 },
      { epoch: 10, lr: 0.001 },
    ],
  };
  const log = options.log ?? (() => {});
  if (!(o.mapEpochs >= 1 && o.mapEpochs <= o.epochs)) throw new RangeError(`${fn}: mapEpochs must be in 1…epochs, got ${o.mapEpochs}`);
  const t0 = performance.now();

  await registerTfjsGradients();
  registerConv3DGradient();
  enableFastCpuKernels();
  if (!(await tf.setBackend(o.backend))) throw new Error(`${fn}: the ${o.backend} backend is not available`);
  registerFastChannelSum(o.backend);
  await tf.ready();

  const { image, label } = readCase(o.dataDir, 0);
  const normalization = { kind: o.normalization };
  const normalized = normalizeIntensity(image.data, normalization);
  const labels = Uint8Array.from(label.data, (v) => (v > 0 ? 1 : 0));
  const sample = patchSampler(normalized, labels, image.shape, o.patchSize, o.boundaryFraction, mulberry32(o.seed));

  // Trained on logits (a stable loss); saved with the softmax in its last layer.
  const model = buildDemoModel(o.channels, o.dilations, o.seed, 'linear', o.activation);
  const receptiveField = 1 + 2 * o.dilations.reduce((a, b) => a + b, 0);
  const parameters = model.countParams();
  const optimizer = tf.train.adam(o.lrSchedule[0].lr);
  const setLearningRate = (lr: number) => {
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  const loss = PatchPerformance.track(softmaxCrossEntropy, { measure: categoricalCrossEntropyWithLogits });
  const p = o.patchSize;
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const lr = [...o.lrSchedule].reverse().find((s) => s.epoch <= epoch)?.lr ?? o.lrSchedule[0].lr;
    setLearningRate(lr);
    if (epoch === o.epochs - o.mapEpochs) loss.reset();
    let sum = 0;
    for (let step = 0; step < o.stepsPerEpoch; step++) {
      const batch = sample(o.batchSize);
      const value = tf.tidy(() => {
        const x = tf.tensor5d(batch.x, [o.batchSize, p, p, p, 1]);
        const y = tf.tensor(batch.y, [o.batchSize, p, p, p, 2]);
        return optimizer.minimize(() => loss(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
      });
      sum += (await value.data())[0];
      value.dispose();
    }
    epochLosses.push(sum / o.stepsPerEpoch);
    log(`epoch ${epoch + 1}/${o.epochs}: loss ${(sum / o.stepsPerEpoch).toFixed(4)} (lr ${lr}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const map = loss.performanceMap();
  const patchesSeen = loss.patchesSeen;
  loss.reset();
  optimizer.dispose();

  // Save: a standard tfjs layers model folder, one weight shard.
  const exported = buildDemoModel(o.channels, o.dilations, o.seed, 'softmax', o.activation);
  exported.setWeights(model.getWeights());
  model.dispose();
  const { modelJsonBytes, weights, sha256 } = await modelFolderFiles(exported, DEMO_MODEL_FILES.weights, fn);
  exported.dispose();

  const sidecar = {
    name: `PatchLens demo brain mask (${o.dilations.length + 1}-layer dilated 3-D CNN, ${o.channels} channels, 2 mm)`,
    sha256,
    orientation: axisCodes(image.affine),
    voxelSize: [...image.spacing],
    normalization,
    channels: 1,
    outputActivation: 'softmax',
    classes: [
      { name: 'background', color: [0, 0, 0] },
      { name: 'brain', color: [255, 170, 0] },
    ],
    trainedPatchSize: [p, p, p],
    receptiveField: [receptiveField, receptiveField, receptiveField],
    translationEquivariant: true,
    largestComponent: false,
    notes: [
      `trained by scripts/train-demo-model.ts on random ${p}³ patches of demo/data/${DEMO_CASES[0].image} (MRIcron ch2, 2 mm) against ch2bet > 0`,
      `3×3×3 convolutions (${o.activation}) with dilations ${o.dilations.join('-')} and zero ("same") padding, then 1×1×1 to 2 classes: a voxel closer than ${(receptiveField - 1) / 2} voxels to a patch face sees zeros instead of image`,
      `input: ${o.normalization} over the whole volume, 2 mm voxels in ${axisCodes(image.affine)} orientation (images are resampled and reoriented to match)`,
    ],
  };
  const mapMean = Float32Array.from(map.mean());
  const { border, centre } = shellAndCentre(mapMean, p);
  const mapJson = {
    measure: map.measure,
    patchesSeen,
    count: map.count,
    shape: map.shape,
    axes: `patch array axes (k, j, i of the demo image; orientation ${axisCodes(image.affine)})`,
    epochs: `${o.epochs - o.mapEpochs + 1}-${o.epochs} of ${o.epochs}`,
    meaning: 'mean categorical cross-entropy at each position inside the training patch over the patches of the last epochs (PatchPerformance.track around the training loss)',
    distanceProfile: distanceProfile(mapMean, p).map((v) => Number(v.toFixed(5))),
    borderMean: Number(border.toFixed(5)),
    centreMean: Number(centre.toFixed(5)),
  };
  const seconds = (performance.now() - t0) / 1000;

  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, bytes: Uint8Array | string) => {
    const path = join(outDir, name);
    writeFileAtomic(path, bytes);
    files.push(path);
  };
  put(DEMO_MODEL_FILES.modelJson, modelJsonBytes);
  put(DEMO_MODEL_FILES.weights, weights);
  put(DEMO_MODEL_FILES.sidecar, `${JSON.stringify(sidecar, null, 2)}\n`);
  put(DEMO_MODEL_FILES.map, writeNpy(mapMean, map.shape));
  put(DEMO_MODEL_FILES.mapJson, `${JSON.stringify(mapJson, null, 2)}\n`);
  const finalLoss = epochLosses[epochLosses.length - 1];
  const result: TrainDemoResult = {
    files,
    sha256,
    receptiveField,
    parameters,
    weightBytes: weights.length,
    epochLosses,
    finalLoss,
    patchesSeen,
    mapBorderMean: border,
    mapCentreMean: centre,
    seconds,
    backend: o.backend,
  };
  put(
    DEMO_MODEL_FILES.log,
    `${JSON.stringify({ options: { ...o, dataDir: undefined }, ...result, files: files.map((f) => f.slice(outDir.length + 1)), epochLosses: epochLosses.map((v) => Number(v.toFixed(5))) }, null, 2)}\n`,
  );
  return result;
}

/** One evaluation line of {@link evaluateDemoModel}. */
export interface DemoEvaluation {
  case: string;
  setting: string;
  dice: number;
  windows: number;
  seconds: number;
}

/**
 * Runs the PatchLens engine with the demo model on the demo cases: whole volume, and by patches
 * at overlap 0 (constant blending) and overlap 0.5 (gaussian blending); brain Dice of each.
 */
export async function evaluateDemoModel(
  modelDir: string = DEFAULT_MODEL_DIR,
  dataDir: string = DEFAULT_DATA_DIR,
  options: { backend?: 'cpu' | 'wasm'; patchSizes?: number[]; cases?: number[] } = {},
): Promise<DemoEvaluation[]> {
  const prepared = await prepareModel(await readModelFolder(modelDir), { backend: options.backend ?? 'wasm' });
  const out: DemoEvaluation[] = [];
  try {
    for (const index of options.cases ?? [0, 1]) {
      const { image, label } = readCase(dataDir, index);
      const settings: [string, InferenceOptions][] = [['whole volume', { patchSize: 'whole' }]];
      for (const ps of options.patchSizes ?? [16, 24]) {
        settings.push([`patch ${ps}, overlap 0, constant`, { patchSize: ps, overlap: 0, blend: 'constant' }]);
        settings.push([`patch ${ps}, overlap 0.5, gaussian`, { patchSize: ps, overlap: 0.5, blend: 'gaussian' }]);
      }
      for (const [setting, opts] of settings) {
        const r = await runInference({ image, label, runner: prepared.runner, spec: prepared.model.spec, options: { ...opts, consistency: false } });
        const brain = r.dice!.perClass.find((c) => c.name === 'brain');
        out.push({ case: DEMO_CASES[index].name, setting, dice: brain?.dice ?? NaN, windows: r.windows, seconds: r.timing.totalMs / 1000 });
      }
    }
  } finally {
    prepared.runner.dispose();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  tf.env().set('PROD', true);
  const outDir = resolve(process.argv[2] ?? DEFAULT_MODEL_DIR);
  const r = await trainDemoModel(outDir, { log: (line) => console.log(line) });
  console.log(
    `train-demo-model: ${r.parameters} parameters (${r.weightBytes} bytes), receptive field ${r.receptiveField}, final loss ${r.finalLoss.toFixed(4)}, ` +
      `${r.seconds.toFixed(0)} s on ${r.backend}; training map border ${r.mapBorderMean.toFixed(4)} vs centre ${r.mapCentreMean.toFixed(4)} over ${r.patchesSeen} patches`,
  );
  const evaluation = await evaluateDemoModel(outDir);
  for (const e of evaluation) console.log(`  ${e.case.padEnd(18)} ${e.setting.padEnd(32)} brain Dice ${e.dice.toFixed(4)} (${e.windows} windows, ${e.seconds.toFixed(1)} s)`);
  const logPath = join(outDir, DEMO_MODEL_FILES.log);
  const logJson = JSON.parse(readFileSync(logPath, 'utf8')) as Record<string, unknown>;
  writeFileAtomic(logPath, `${JSON.stringify({ ...logJson, evaluation: evaluation.map((e) => ({ ...e, dice: Number(e.dice.toFixed(4)), seconds: Number(e.seconds.toFixed(2)) })) }, null, 2)}\n`);
}
