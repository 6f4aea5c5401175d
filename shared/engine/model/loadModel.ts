import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelSpec } from '../modelSpec';
import { relaxInputShape } from './kerasTopology';
import type { LoadedModel } from './loadedModel';
import type { ModelArtifacts } from './modelArtifacts';
import { MODEL_LIMITS } from './modelLimits';
import { modelHash } from './modelHash';
import { readModelJson, type ModelJson } from './modelJson';
import { resolveSpec } from './resolveSpec';
import { runLayers, runLayersAsync } from './runLayers';
import { toProbabilities } from './toProbabilities';
import { validateModelJson } from './validateModelJson';
import { checkFiniteWeights } from './validateWeights';
import { concatWeights } from './weightData';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Function name used in error messages (default `loadModel`). */
  fn?: string;
}

/** Error message of anything thrown. */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A tfjs error as one line: its lines joined, up to a numbered list of possible causes (tfjs
 * writes "Unknown layer: Foo. This may be due to one of the following reasons:\n1. …"), which is
 * dropped with its lead-in.
 */
function tfjsMessage(e: unknown): string {
  const lines = messageOf(e)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const list = lines.findIndex((l) => /^\d+[.)]\s/.test(l));
  const text = (list >= 0 ? lines.slice(0, list) : lines).join(' ');
  return text.replace(/\s*This may be due to [^.:]*:\s*$/, '') || '(tfjs gave no message)';
}

/** The artifacts `tf.io.fromMemory` takes, from model.json plus the concatenated weights. */
function memoryArtifacts(json: ModelJson, topology: object, weightSpecs: tf.io.WeightsManifestEntry[], weightData: ArrayBuffer): tf.io.ModelArtifacts {
  const a: tf.io.ModelArtifacts = { modelTopology: topology, weightSpecs, weightData, format: json.kind };
  const raw = json.raw;
  if (typeof raw.generatedBy === 'string') a.generatedBy = raw.generatedBy;
  if (typeof raw.convertedBy === 'string') a.convertedBy = raw.convertedBy;
  if (raw.signature !== undefined) a.signature = raw.signature as tf.io.ModelArtifacts['signature'];
  if (raw.userDefinedMetadata !== undefined) a.userDefinedMetadata = raw.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'];
  if (raw.modelInitializer !== undefined) a.modelInitializer = raw.modelInitializer as tf.io.ModelArtifacts['modelInitializer'];
  return a;
}

/**
 * A failure of tfjs while it runs the model, as one line naming `where` (tfjs's own errors name no
 * function: "The dtype of the feed (float32) can not be cast …"). The original message follows the
 * prefix (as one line) and the error keeps its name, so that a caller matching them (a lost WebGL
 * context, out of memory: `isBackendFailure`) still recognises it; errors that already name
 * `where`, and aborts, pass unchanged.
 */
function runFailure(where: string, e: unknown): unknown {
  if (!(e instanceof Error) || e.name === 'AbortError' || e.message.startsWith(`${where}: `)) return e;
  const wrapped = new Error(`${where}: tfjs failed to run the model: ${tfjsMessage(e)}`, { cause: e });
  wrapped.name = e.name;
  return wrapped;
}

/** The tfjs build in progress in this thread, if any: builds take turns (see `loadModel`). */
let building: Promise<void> = Promise.resolve();

/** Checks the spec's classes against the model's real output channels. */
function checkClasses(fn: string, spec: ModelSpec, outputChannels: number): void {
  const n = spec.classes.length;
  const singleSigmoid = outputChannels === 1 && (spec.outputActivation === 'sigmoid' || spec.outputActivation === 'logits-sigmoid') && n === 2;
  if (n !== outputChannels && !singleSigmoid)
    throw new RangeError(`${fn}: the spec lists ${n} class(es) but the model outputs ${outputChannels} channel(s)`);
}

/**
 * Loads a tfjs model from its files in memory and resolves its spec (`resolveSpec`).
 * Layers models (`format` `layers-model`) go through `tf.loadLayersModel(tf.io.fromMemory(…))`
 * with the input relaxed to any batch and spatial size; graph models (`graph-model`) through
 * tfjs-converter's `loadGraphModel`. Weight shards are concatenated in manifest order.
 * Models whose spec has `instanceNorm` (mindgrab) predict layer by layer (see `runLayers`).
 * model.json is checked first (`validateModelJson`: layer graph, declared sizes, weight shapes
 * against the layers) and the weights once read (`checkFiniteWeights`: no NaN / ±Infinity).
 * @throws naming `fn` (default `loadModel`) when model.json is invalid or malformed (a cycle, a
 * dangling inbound node, an absurd size, a weight that disagrees with its layer), a shard is
 * missing (named) or has the wrong size, a weight holds NaN or ±Infinity, the sidecar is invalid,
 * or tfjs cannot build the model.
 */
export async function loadModel(artifacts: ModelArtifacts, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const fn = options.fn ?? 'loadModel';
  const json = readModelJson(fn, artifacts.modelJson);
  // Before anything walks the graph, and long before tfjs does (it can spin forever on a cycle).
  validateModelJson(fn, json);
  const hash = modelHash(artifacts, fn);
  const spec = resolveSpec(artifacts, { hash, fn });
  const { weightSpecs, weightData } = concatWeights(fn, json.weightsManifest, artifacts.weights);
  checkFiniteWeights(fn, weightSpecs, weightData);

  let layers: LayersModel | undefined;
  let graph: GraphModel | undefined;
  const previous = building;
  let done!: () => void;
  building = new Promise<void>((resolve) => (done = resolve));
  await previous;
  // tfjs creates each layer's weight variables as it builds it; a build that fails half-way
  // leaves those behind, so they are disposed here (a service that is refused many models would
  // otherwise keep every one of their weights). Builds take turns (`building`), so that the
  // variables created meanwhile are this build's only.
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    if (json.kind === 'layers-model') {
      const topology = relaxInputShape(fn, json.modelTopology);
      layers = await loadLayersModel(tf.io.fromMemory(memoryArtifacts(json, topology, weightSpecs, weightData)));
    } else {
      graph = await loadGraphModel(tf.io.fromMemory(memoryArtifacts(json, json.modelTopology, weightSpecs, weightData)));
    }
  } catch (e) {
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
    throw new Error(`${fn}: tfjs could not build the ${json.kind}: ${tfjsMessage(e)}`);
  } finally {
    done();
  }
  const model = (layers ?? graph)!;
  const inShapes = layers ? layers.inputs.map((t) => t.shape) : graph!.inputs.map((t) => t.shape ?? []);
  const outShapes = layers ? layers.outputs.map((t) => t.shape) : graph!.outputs.map((t) => t.shape ?? []);
  const fail = (message: string): never => {
    model.dispose();
    throw new RangeError(`${fn}: ${message}`);
  };
  if (inShapes.length !== 1 || outShapes.length !== 1) fail(`the model must have one input and one output, got ${inShapes.length} and ${outShapes.length}`);
  const inShape = inShapes[0];
  const rank = inShape.length >= 3 ? inShape.length : 2 + (spec.receptiveField?.length ?? 3);
  if (rank > MODEL_LIMITS.inputRank) fail(`the model's input has rank ${rank} ([${inShape}]); at most ${MODEL_LIMITS.inputRank} (batch, ${MODEL_LIMITS.inputRank - 2} spatial axes, channels) are supported`);
  const modelChannels = inShape.length >= 3 ? inShape[inShape.length - 1] : null;
  if (modelChannels != null && modelChannels > 0 && modelChannels !== spec.channels)
    fail(`the spec says ${spec.channels} input channel(s) but the model's input has ${modelChannels}`);
  const outShape = outShapes[0];
  const lastOut = outShape.length > 0 ? outShape[outShape.length - 1] : null;
  const outputClasses =
    lastOut != null && lastOut > 0 ? lastOut : spec.classes.length === 2 && spec.outputActivation.endsWith('sigmoid') ? 1 : spec.classes.length;
  try {
    checkClasses(fn, spec, outputClasses);
  } catch (e) {
    fail(messageOf(e).replace(`${fn}: `, ''));
  }
  if (spec.instanceNorm && !layers) fail('instanceNorm (layer-by-layer execution) is supported for layers models only');

  let disposed = false;
  const norm = spec.instanceNorm;
  const checkBatch = (where: string, batch: tf.Tensor): void => {
    if (disposed) throw new Error(`${where}: the model was disposed`);
    if (!(batch instanceof tf.Tensor)) throw new TypeError(`${where}: batch must be a tf.Tensor`);
    if (batch.rank !== rank || batch.shape[rank - 1] !== spec.channels)
      throw new RangeError(`${where}: batch must be [batch, ${new Array(rank - 2).fill('size').join(', ')}, ${spec.channels}] (channels-last), got [${batch.shape}]`);
  };
  const loaded: LoadedModel = {
    kind: json.kind,
    sha256: hash.sha256,
    fileHashes: hash.files,
    spec,
    inputShape: { rank, spatialRank: rank - 2, channels: spec.channels },
    outputClasses,
    translationEquivariant: spec.translationEquivariant,
    predict(batch: tf.Tensor): tf.Tensor {
      checkBatch('LoadedModel.predict', batch);
      try {
        return tf.tidy(() => {
          const input = batch.dtype === 'float32' ? batch : tf.cast(batch, 'float32');
          let raw: tf.Tensor;
          if (layers) raw = norm ? runLayers(layers, input, { instanceNorm: norm }) : (layers.predict(input) as tf.Tensor);
          else {
            const out = graph!.execute(input);
            raw = Array.isArray(out) ? out[0] : out;
          }
          return toProbabilities(raw, spec.outputActivation);
        });
      } catch (e) {
        throw runFailure('LoadedModel.predict', e);
      }
    },
    async predictAsync(batch, signal) {
      checkBatch('LoadedModel.predictAsync', batch);
      if (!layers) return loaded.predict(batch);
      const input = batch.dtype === 'float32' ? batch : tf.cast(batch, 'float32');
      try {
        const raw = await runLayersAsync(layers, input, { instanceNorm: norm, signal });
        const probs = tf.tidy(() => toProbabilities(raw, spec.outputActivation));
        if (probs !== raw) raw.dispose();
        return probs;
      } catch (e) {
        throw signal?.aborted ? e : runFailure('LoadedModel.predictAsync', e);
      } finally {
        if (input !== batch) input.dispose();
      }
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
  return loaded;
}
