import type { ModelSpec } from '../modelSpec';
import type { ModelFacts } from './modelFacts';
import { SIDECAR_FILE, type Sidecar } from './sidecar';

/** What a sidecar's logits activation is called when its probabilities one is wrong. */
const LOGITS = { softmax: 'logits-softmax', sigmoid: 'logits-sigmoid' } as const;

/** Graph ops whose outputs are not probabilities (arithmetic and linear ops, unbounded activations). */
const LOGIT_OPS = new Set(['BiasAdd', 'Add', 'AddV2', 'Sub', 'Mul', 'MatMul', '_FusedMatMul', 'Conv2D', 'Conv3D', '_FusedConv2D', 'FusedConv3D', 'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Placeholder']);

/**
 * Refuses a sidecar that calls a model's outputs probabilities (`softmax`, `sigmoid`) when
 * model.json's last layer (a layers model) or output op (a graph model: one of `LOGIT_OPS`, seen
 * through Identity nodes) makes something else: they would be used as probabilities as they are
 * (values outside [0, 1], a cross-entropy of NaN).
 */
function checkOutputActivation(fn: string, sidecar: Sidecar, facts: ModelFacts): void {
  const declared = sidecar.outputActivation;
  if (declared !== 'softmax' && declared !== 'sigmoid') return;
  const made = facts.outputActivation;
  let what: string | undefined;
  if (facts.kind === 'layers-model' && made !== undefined && made !== 'softmax' && made !== 'sigmoid') what = `model.json's last layer has activation ${made}`;
  if (facts.kind === 'graph-model' && facts.outputOp !== undefined && LOGIT_OPS.has(facts.outputOp)) what = `model.json's graph ends in ${facts.outputOp}`;
  if (what === undefined) return;
  throw new RangeError(`${fn}: ${SIDECAR_FILE} says outputActivation "${declared}" (the model outputs probabilities) but ${what}: its outputs are not probabilities (for logits, declare "${LOGITS[declared]}")`);
}

/**
 * The spec declared by a validated sidecar (`source: 'sidecar'`), completed from model.json:
 * channels and receptive field when the sidecar omits them, translation equivariance from
 * `instanceNorm`. Contradictions between the sidecar and model.json are errors.
 * @throws naming `fn` when the sidecar's channels or classes do not fit the model, or it calls
 *   the outputs of a layers model probabilities that its last layer does not make.
 */
export function sidecarSpec(fn: string, sidecar: Sidecar, facts: ModelFacts, fallbackName: string | undefined): ModelSpec {
  const notes = [...(sidecar.notes ?? [])];
  const assumptions: string[] = [];
  if (sidecar.channels !== undefined && facts.channels !== undefined && sidecar.channels !== facts.channels)
    throw new RangeError(`${fn}: ${SIDECAR_FILE} declares ${sidecar.channels} input channel(s) but model.json's input has ${facts.channels}`);
  let channels = sidecar.channels ?? facts.channels;
  if (channels === undefined) {
    channels = 1;
    assumptions.push(`input channels given by neither ${SIDECAR_FILE} nor model.json: assumed 1`);
  }
  const out = facts.outputChannels;
  const singleSigmoid = out === 1 && (sidecar.outputActivation === 'sigmoid' || sidecar.outputActivation === 'logits-sigmoid');
  if (out !== undefined && sidecar.classes.length !== out && !(singleSigmoid && sidecar.classes.length === 2))
    throw new RangeError(
      `${fn}: ${SIDECAR_FILE} lists ${sidecar.classes.length} class(es) but the model outputs ${out} channel(s)` +
        (out === 1 ? ' (a single sigmoid channel takes 1 or 2 classes: background, foreground)' : ''),
    );
  checkOutputActivation(fn, sidecar, facts);
  const instanceNorm = sidecar.instanceNorm;
  if (instanceNorm && sidecar.translationEquivariant === true)
    throw new RangeError(`${fn}: ${SIDECAR_FILE} declares instanceNorm and translationEquivariant true, which contradict each other (a normalization over the whole input is not translation-equivariant)`);
  if (!instanceNorm && facts.gnLayers.length > 0)
    notes.push(`model.json has convolutions named *_gn but ${SIDECAR_FILE} declares no instanceNorm: they run as plain convolutions`);
  const spec: ModelSpec = {
    name: sidecar.name ?? fallbackName ?? facts.topologyName ?? 'unnamed model',
    normalization: sidecar.normalization,
    channels,
    outputActivation: sidecar.outputActivation,
    classes: sidecar.classes,
    translationEquivariant: sidecar.translationEquivariant ?? !instanceNorm,
    source: 'sidecar',
    assumptions,
  };
  if (sidecar.orientation !== undefined) spec.orientation = sidecar.orientation;
  if (sidecar.voxelSize !== undefined) spec.voxelSize = sidecar.voxelSize;
  if (sidecar.conform !== undefined) spec.conform = sidecar.conform;
  if (sidecar.crop !== undefined) spec.crop = sidecar.crop;
  if (sidecar.trainedPatchSize !== undefined) spec.trainedPatchSize = sidecar.trainedPatchSize;
  if (sidecar.receptiveField !== undefined) spec.receptiveField = sidecar.receptiveField;
  else if ('field' in facts.receptiveField) {
    spec.receptiveField = facts.receptiveField.field;
    notes.push(`receptive field ${facts.receptiveField.field.join('×')} computed from model.json`);
  }
  if (sidecar.largestComponent !== undefined) spec.largestComponent = sidecar.largestComponent;
  if (instanceNorm) spec.instanceNorm = instanceNorm;
  if (notes.length > 0) spec.notes = notes;
  return spec;
}
