import { CACHE_ENCODINGS } from '../../shared/reevaluate/predictionCache';
import { EngineError } from './EngineError';
import { ENGINE_DEBUG_FIELDS, ENGINE_PROTOCOL_VERSION, type EngineRequest, type ProbeRequest, type RunRequest } from './protocol';

const FN = 'validateRequest';
const BACKEND_NAMES = ['auto', 'webgl', 'wasm', 'cpu'];

/** A short description of a value for error messages. */
function what(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (typeof value === 'number') return String(value);
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value);
}

function fail(message: string): never {
  throw new EngineError('invalid-request', `${FN}: ${message}`);
}

/** Checks a posted buffer: an ArrayBuffer that still holds its bytes (not detached by an earlier transfer). */
function checkBuffer(name: string, value: unknown): void {
  if (!(value instanceof ArrayBuffer)) fail(`${name} must be an ArrayBuffer, got ${what(value)}`);
  if (value.byteLength === 0) fail(`${name} is empty (0 bytes; was it already transferred?)`);
}

/** Checks `predictions` (what to collect for a prediction cache). */
function checkPredictions(p: unknown): void {
  if (!isRecord(p)) fail(`predictions must be an object, got ${what(p)}`);
  for (const k of Object.keys(p)) if (k !== 'encoding' && k !== 'maxBytes') fail(`predictions.${k} is not a field (encoding, maxBytes)`);
  if (!(CACHE_ENCODINGS as readonly unknown[]).includes(p.encoding)) fail(`predictions.encoding must be one of ${CACHE_ENCODINGS.join(', ')}, got ${what(p.encoding)}`);
  if (!Number.isSafeInteger(p.maxBytes) || (p.maxBytes as number) < 0) fail(`predictions.maxBytes must be a non-negative integer, got ${what(p.maxBytes)}`);
}

/** Checks the test-only `debug` options (see `EngineDebugOptions`). */
function checkDebug(debug: unknown): void {
  if (!isRecord(debug)) fail(`debug must be an object, got ${what(debug)}`);
  for (const k of Object.keys(debug)) {
    if (!(ENGINE_DEBUG_FIELDS as readonly string[]).includes(k)) fail(`debug.${k} is not a debug option (${ENGINE_DEBUG_FIELDS.join(', ')})`);
  }
  const after = debug.loseWebglContextAfterWindows;
  if (after !== undefined && (!Number.isSafeInteger(after) || (after as number) < 0)) fail(`debug.loseWebglContextAfterWindows must be a non-negative integer, got ${what(after)}`);
  const during = debug.loseWebglContextDuring;
  if (during !== undefined && during !== 'between-batches' && during !== 'read-back') fail(`debug.loseWebglContextDuring must be "between-batches" or "read-back", got ${what(during)}`);
  if (during !== undefined && after === undefined) fail('debug.loseWebglContextDuring needs debug.loseWebglContextAfterWindows');
}

/**
 * Checks the shape of a message posted to the engine worker (the worker's input is untrusted
 * like any IPC argument); deeper checks of the options and files are the engine's.
 * @throws EngineError `invalid-request` naming the field
 */
export function validateRequest(data: unknown): EngineRequest {
  if (!isRecord(data)) fail(`a request must be an object, got ${what(data)}`);
  if (!Number.isSafeInteger(data.id) || (data.id as number) < 0) fail(`id must be a non-negative integer, got ${what(data.id)}`);
  if (data.type === 'cancel') return { type: 'cancel', id: data.id as number };
  if (data.type === 'probe') {
    if (data.fresh !== undefined && typeof data.fresh !== 'boolean') fail(`fresh must be a boolean, got ${what(data.fresh)}`);
    if (data.quick !== undefined && typeof data.quick !== 'boolean') fail(`quick must be a boolean, got ${what(data.quick)}`);
    const probe: ProbeRequest = { type: 'probe', id: data.id as number };
    if (data.fresh !== undefined) probe.fresh = data.fresh as boolean;
    if (data.quick !== undefined) probe.quick = data.quick as boolean;
    return probe;
  }
  if (data.type !== 'run') fail(`type must be "run", "cancel" or "probe", got ${what(data.type)}`);
  if (data.protocol !== ENGINE_PROTOCOL_VERSION) fail(`protocol must be ${ENGINE_PROTOCOL_VERSION} (this worker's version), got ${what(data.protocol)}`);
  checkBuffer('image', data.image);
  if (data.label !== undefined && data.label !== null) checkBuffer('label', data.label);
  const model = data.model;
  if (!isRecord(model)) fail(`model must be an object, got ${what(model)}`);
  const mj = model.modelJson;
  if (mj instanceof ArrayBuffer) checkBuffer('model.modelJson', mj);
  else if (typeof mj !== 'string' && !isRecord(mj)) fail(`model.modelJson must be an ArrayBuffer, a string or an object, got ${what(mj)}`);
  if (!isRecord(model.weights)) fail(`model.weights must be an object of ArrayBuffers by shard path, got ${what(model.weights)}`);
  for (const [path, bytes] of Object.entries(model.weights)) checkBuffer(`model.weights["${path}"]`, bytes);
  if (model.name !== undefined && typeof model.name !== 'string') fail(`model.name must be a string, got ${what(model.name)}`);
  if (data.backend !== undefined && !BACKEND_NAMES.includes(data.backend as string)) fail(`backend must be one of ${BACKEND_NAMES.join(', ')}, got ${what(data.backend)}`);
  if (data.probe !== undefined && data.probe !== 'cached' && data.probe !== 'fresh') fail(`probe must be "cached" or "fresh", got ${what(data.probe)}`);
  if (data.options !== undefined && !isRecord(data.options)) fail(`options must be an object, got ${what(data.options)}`);
  if (data.outputs !== undefined) {
    if (!isRecord(data.outputs)) fail(`outputs must be an object, got ${what(data.outputs)}`);
    for (const [k, v] of Object.entries(data.outputs)) {
      if (!['probabilities', 'coverage', 'labelsNifti'].includes(k)) fail(`outputs.${k} is not an output (probabilities, coverage, labelsNifti)`);
      if (typeof v !== 'boolean') fail(`outputs.${k} must be a boolean, got ${what(v)}`);
    }
  }
  if (data.predictions !== undefined) checkPredictions(data.predictions);
  if (data.debug !== undefined) checkDebug(data.debug);
  return data as unknown as RunRequest;
}
