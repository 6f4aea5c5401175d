import type { ModelSpec } from '../modelSpec';
import { classColor } from './classPalette';
import type { ModelFacts } from './modelFacts';

/** brainchop's epsilon of the per-channel normalization after `*_gn` convolutions. */
export const GN_EPSILON = 1e-5;

/**
 * Maps model.json's output activation to the spec's: `softmax`/`sigmoid` give probabilities;
 * `linear` gives logits (`logits-softmax` for several channels, `logits-sigmoid` for one).
 */
export function outputActivationOf(activation: string | undefined, outputChannels: number): ModelSpec['outputActivation'] | undefined {
  if (activation === 'softmax') return 'softmax';
  if (activation === 'sigmoid') return 'sigmoid';
  if (activation === 'linear') return outputChannels > 1 ? 'logits-softmax' : 'logits-sigmoid';
  return undefined;
}

/**
 * A spec inferred from model.json alone (`source: 'inferred'`), every guess listed in
 * `assumptions`: min-max normalization, the image used as it is (no orientation, resampling or
 * crop), class names `class0…` (or background / foreground for one sigmoid channel), and brainchop's
 * normalization after convolutions named `*_gn`.
 * @throws naming `fn` when model.json does not tell the number of output channels.
 */
export function inferSpec(fn: string, facts: ModelFacts, name: string | undefined): ModelSpec {
  const assumptions: string[] = [];
  const notes: string[] = [];
  if (facts.outputChannels === undefined)
    throw new TypeError(`${fn}: model.json does not tell how many classes the model outputs; add a patchlens.json sidecar (docs/model-sidecar.md)`);
  const n = facts.outputChannels;
  let channels = facts.channels;
  if (channels === undefined) {
    channels = 1;
    assumptions.push('input channels not given by model.json: assumed 1');
  }
  let outputActivation = outputActivationOf(facts.outputActivation, n);
  if (outputActivation === undefined) {
    outputActivation = 'none';
    assumptions.push(
      facts.outputActivation === undefined
        ? 'the output activation is not visible in model.json: outputs assumed to be probabilities already (outputActivation "none")'
        : `the last layer's activation "${facts.outputActivation}" is not a probability: outputs used as they are (outputActivation "none")`,
    );
  } else if (outputActivation.startsWith('logits')) {
    notes.push(`the last layer is linear: its outputs are logits, turned into probabilities by a ${outputActivation === 'logits-softmax' ? 'softmax' : 'sigmoid'}`);
  }
  assumptions.push('no sidecar and not a known model: normalization assumed min-max (to [0, 1])');
  assumptions.push('no orientation, voxel size, conform grid or crop declared: the image is used as it is');
  let classes: ModelSpec['classes'];
  if (n === 1 && (outputActivation === 'sigmoid' || outputActivation === 'logits-sigmoid')) {
    classes = [
      { name: 'background', color: classColor(0) },
      { name: 'foreground', color: classColor(1) },
    ];
    assumptions.push('one sigmoid output channel: classes assumed background / foreground (the channel is the foreground probability)');
  } else {
    classes = Array.from({ length: n }, (_, i) => ({ name: `class${i}`, color: classColor(i) }));
    assumptions.push(`class names assumed class0..class${n - 1} (class0 = background), colours from the default palette`);
  }
  const spec: ModelSpec = {
    name: name ?? facts.topologyName ?? 'unnamed model',
    normalization: { kind: 'min-max' },
    channels,
    outputActivation,
    classes,
    translationEquivariant: true,
    source: 'inferred',
    assumptions,
  };
  if (name === undefined && facts.topologyName === undefined) assumptions.push('no model name given: "unnamed model"');
  if ('field' in facts.receptiveField) {
    spec.receptiveField = facts.receptiveField.field;
    notes.push(`receptive field ${facts.receptiveField.field.join('×')} computed from model.json (1 + Σ (k − 1)·dilation over the stride-1 convolutions)`);
  } else {
    assumptions.push(`receptive field unknown: ${facts.receptiveField.reason}; translation equivariance assumed`);
  }
  if (facts.gnLayers.length > 0) {
    spec.instanceNorm = { layerSuffix: '_gn', epsilon: GN_EPSILON };
    spec.translationEquivariant = false;
    assumptions.push(
      `${facts.gnLayers.length} convolution(s) named *_gn (${facts.gnLayers.slice(0, 3).join(', ')}${facts.gnLayers.length > 3 ? ', …' : ''}) ` +
        `assumed to be followed by brainchop's per-channel normalization over the spatial axes (epsilon ${GN_EPSILON.toExponential()})`,
    );
    notes.push('not translation-equivariant: the per-channel normalization over the whole input makes the answer depend on the patch size');
  }
  if (notes.length > 0) spec.notes = notes;
  return spec;
}
