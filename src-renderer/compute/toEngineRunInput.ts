import type { ComputeTaskInput } from '../../shared/api/contract';
import type { EngineRunInput } from '../engine/engineClient';
import { toEngineOptions } from '../../shared/settings/toEngineOptions';

/** The bytes as a standalone ArrayBuffer (a decoded frame's views share one larger buffer: copy those). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`toEngineRunInput: expected bytes (a Uint8Array), got ${typeof bytes}`);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
}

/**
 * A page compute task's inputs as an engine worker run: the NIfTI and model files as buffers
 * (model.json as its bytes, so the model's hash is the file's), the run settings as the engine's
 * options by the one mapping the Node compute worker uses too (`toEngineOptions`), the task's
 * backend preference, and every volume
 * output main writes (probabilities and coverage; no NIfTI bytes: main writes the files), and
 * the per-window predictions when main asks for a prediction cache.
 * The buffers are transferred to the worker by the run (views of a larger buffer are copied first).
 */
export function toEngineRunInput(input: ComputeTaskInput): EngineRunInput {
  const { image, label, model, settings, backend, predictionCache } = input;
  const weights: Record<string, ArrayBuffer> = {};
  for (const [path, bytes] of Object.entries(model.weights)) weights[path] = ownBuffer(bytes);
  return {
    image: ownBuffer(image.bytes),
    label: label ? ownBuffer(label.bytes) : null,
    model: {
      modelJson: ownBuffer(model.modelJson),
      weights,
      ...(model.sidecar !== null && model.sidecar !== undefined ? { sidecar: model.sidecar } : {}),
      name: model.name,
    },
    backend,
    probe: 'cached',
    options: toEngineOptions(settings),
    outputs: { probabilities: true, coverage: true, labelsNifti: false },
    ...(predictionCache ? { predictions: { encoding: predictionCache.encoding, maxBytes: predictionCache.maxBytes } } : {}),
  };
}
