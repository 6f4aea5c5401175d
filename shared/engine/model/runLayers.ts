import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { instanceNorm } from './instanceNorm';
import { yieldToEventLoop } from '../../util/yieldToEventLoop';

/** Options of {@link runLayers}. */
export interface RunLayersOptions {
  /** After every layer whose name ends with `layerSuffix`, apply {@link instanceNorm} with `epsilon`. */
  instanceNorm?: { layerSuffix: string; epsilon: number };
  /** Stop after this layer and return its output (default: the model's output layer). */
  stopAfter?: string;
}

/**
 * Runs a single-input, single-output layers model one layer at a time, in topological order,
 * inserting brainchop's per-channel normalization after the `*_gn` layers (what `model.predict()`
 * cannot do). Memory stays bounded: each layer runs in its own `tf.tidy`, and a layer's output is
 * disposed as soon as every layer that reads it has run. The input is neither mutated nor disposed.
 * @throws naming the function when the model has several inputs or outputs, a shared layer, or no
 * layer named `stopAfter`.
 */
export function runLayers(model: LayersModel, input: tf.Tensor, options: RunLayersOptions = {}): tf.Tensor {
  const steps = layerSteps(model, input, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Anything with AbortSignal's `aborted` and `reason`. */
interface SignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/**
 * {@link runLayers}, giving the event loop a turn after every layer so that `signal` can cancel a
 * long whole-volume pass between layers (the partial outputs are disposed).
 */
export async function runLayersAsync(model: LayersModel, input: tf.Tensor, options: RunLayersOptions & { signal?: SignalLike } = {}): Promise<tf.Tensor> {
  const steps = layerSteps(model, input, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
    if (options.signal?.aborted) {
      steps.return(undefined as never); // runs the generator's finally: frees what is held
      throw options.signal.reason ?? new Error('runLayers: aborted');
    }
  }
}

/** Name under which the model's input is kept (never a real layer's name). */
const MODEL_INPUT = '\u0000model input';

/** The layer loop of {@link runLayers}; yields after each layer, returns the output. */
function* layerSteps(model: LayersModel, input: tf.Tensor, options: RunLayersOptions): Generator<void, tf.Tensor, void> {
  const fn = 'runLayers';
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new RangeError(`${fn}: the model must have one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  // A Sequential model hides its input layer: its first layer reads a layer not in `model.layers`.
  const target = options.stopAfter ?? model.outputLayers?.[0]?.name ?? model.layers[model.layers.length - 1].name;
  const known = new Set(model.layers.map((l) => l.name));
  if (!model.layers.some((l) => l.name === target)) throw new RangeError(`${fn}: the model has no layer named "${target}"`);
  const norm = options.instanceNorm;

  // How many layers read each layer's output (the target counts as one more reader).
  const readers = new Map<string, number>();
  const inboundOf = new Map<string, string[]>();
  for (const layer of model.layers) {
    if (layer.inboundNodes.length > 1) throw new RangeError(`${fn}: layer ${layer.name} is shared (called ${layer.inboundNodes.length} times), which layer-by-layer execution does not support`);
    const inbound = (layer.inboundNodes[0]?.inboundLayers.map((l) => l.name) ?? []).map((name) => (known.has(name) ? name : MODEL_INPUT));
    inboundOf.set(layer.name, inbound);
    for (const name of inbound) readers.set(name, (readers.get(name) ?? 0) + 1);
  }
  readers.set(target, (readers.get(target) ?? 0) + 1);

  const outputs = new Map<string, tf.Tensor>([[MODEL_INPUT, input]]);
  const release = (name: string) => {
    const left = (readers.get(name) ?? 0) - 1;
    readers.set(name, left);
    const t = outputs.get(name);
    if (left <= 0 && t && t !== input) {
      t.dispose();
      outputs.delete(name);
    }
  };
  try {
    for (const layer of model.layers) {
      const inbound = inboundOf.get(layer.name)!;
      if (inbound.length === 0) {
        outputs.set(layer.name, input);
      } else {
        const xs = inbound.map((name) => {
          const t = outputs.get(name);
          if (!t) throw new Error(`${fn}: layer ${layer.name} reads ${name}, which has not run (the layers are not in topological order)`);
          return t;
        });
        const y = tf.tidy(() => {
          let out = layer.apply(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
          if (Array.isArray(out)) throw new RangeError(`${fn}: layer ${layer.name} has several outputs, which layer-by-layer execution does not support`);
          if (norm && layer.name.endsWith(norm.layerSuffix)) out = instanceNorm(out, norm.epsilon);
          return out;
        });
        outputs.set(layer.name, y);
        for (const name of inbound) release(name);
      }
      if (layer.name === target) break;
      yield;
    }
    const result = outputs.get(target)!;
    outputs.delete(target);
    return result === input ? tf.clone(input) : result;
  } finally {
    for (const t of outputs.values()) if (t !== input) t.dispose();
  }
}
