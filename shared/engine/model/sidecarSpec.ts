import type { ModelSpec } from '../modelSpec';
import type { ModelFacts } from './modelFacts';
import { SIDECAR_FILE, type Sidecar } from './sidecar';

/**
 * The spec declared by a validated sidecar (`source: 'sidecar'`), completed from model.json:
 * channels and receptive field when the sidecar omits them, translation equivariance from
 * `instanceNorm`. Contradictions between the sidecar and model.json are errors.
 * @throws naming `fn` when the sidecar's channels or classes do not fit the model.
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
