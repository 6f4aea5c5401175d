import { graphSummary } from './graphTopology';
import { activationName, batchInputShape, isConvolution, kerasLayers } from './kerasTopology';
import { isRecord, type ModelJson } from './modelJson';
import { receptiveField, type ReceptiveFieldResult } from './receptiveField';

/** What model.json itself says about a model's input and output. */
export interface ModelFacts {
  /** The model.json format the facts come from. */
  kind: ModelJson['kind'];
  /** Spatial axes of the input (3 for `[b, D, H, W, C]`), when known. */
  spatialRank?: number;
  /** Input channels (last axis), when known. */
  channels?: number;
  /** Output channels (last axis), when known. */
  outputChannels?: number;
  /** How the output is made: `'softmax'`, `'sigmoid'`, `'linear'` or another activation name. */
  outputActivation?: string;
  /** Graph models: the op that makes the output (through Identity nodes), when known. */
  outputOp?: string;
  /** The receptive field, or why it is unknown. */
  receptiveField: ReceptiveFieldResult;
  /** Convolutions whose names end with `_gn` (brainchop's marker of a following per-channel normalization). */
  gnLayers: string[];
  /** The model's own name in the topology, if any. */
  topologyName?: string;
}

/** Keras layer classes that decide the output activation by themselves. */
const ACTIVATION_LAYERS: Record<string, string> = { Softmax: 'softmax', ReLU: 'relu', ELU: 'elu', LeakyReLU: 'leakyrelu', PReLU: 'prelu' };

/**
 * Reads input rank and channels, output channels and activation, receptive field and brainchop
 * `_gn` layers from model.json (Keras topology or GraphDef).
 * @throws naming `fn` when a layers model has no usable input layer or is channels-first.
 */
export function modelFacts(fn: string, json: ModelJson): ModelFacts {
  if (json.kind === 'graph-model') {
    const g = graphSummary(json.modelTopology, json.raw.signature, json.weightsManifest);
    const shape = g.inputShape;
    const op = g.outputOp;
    return {
      kind: json.kind,
      spatialRank: shape && shape.length >= 3 ? shape.length - 2 : undefined,
      channels: shape?.[shape.length - 1] ?? undefined,
      outputChannels: g.outputChannels,
      outputActivation: op === 'Softmax' ? 'softmax' : op === 'Sigmoid' ? 'sigmoid' : op === undefined ? undefined : 'linear',
      outputOp: op,
      receptiveField: { reason: 'the receptive field is not computed for graph models' },
      gnLayers: [],
    };
  }
  const layers = kerasLayers(fn, json.modelTopology);
  const input = batchInputShape(fn, layers);
  const channelsFirst = layers.find((l) => l.config.data_format === 'channels_first');
  if (channelsFirst) throw new TypeError(`${fn}: layer ${channelsFirst.name} is channels_first; PatchLens runs channels-last models only`);
  const spatialRank = input.length - 2;
  const convs = layers.filter(isConvolution);
  let outputChannels: number | undefined;
  for (let i = layers.length - 1; i >= 0 && outputChannels === undefined; i--) {
    const l = layers[i];
    const n = isConvolution(l) ? l.config.filters : l.className === 'Dense' ? l.config.units : undefined;
    if (Number.isInteger(n)) outputChannels = n as number;
    else if (isConvolution(l) || l.className === 'Dense' || l.inbound.length !== 1) break;
  }
  const last = layers[layers.length - 1];
  let outputActivation: string | undefined;
  if (last) {
    if (last.className === 'Activation' || isConvolution(last) || last.className === 'Dense') outputActivation = activationName(last.config);
    else if (last.className in ACTIVATION_LAYERS) outputActivation = ACTIVATION_LAYERS[last.className];
  }
  const mc = isRecord(json.modelTopology.model_config) ? json.modelTopology.model_config : json.modelTopology;
  const topologyName = isRecord(mc.config) && typeof mc.config.name === 'string' ? mc.config.name : undefined;
  return {
    kind: json.kind,
    spatialRank,
    channels: input[input.length - 1] ?? undefined,
    outputChannels,
    outputActivation,
    receptiveField: receptiveField(layers, spatialRank),
    gnLayers: convs.filter((l) => l.name.endsWith('_gn')).map((l) => l.name),
    topologyName,
  };
}
