import type { ModelSpec, Normalization } from '../modelSpec';
import { isRecord } from './modelJson';

/** File name of the sidecar beside model.json. */
export const SIDECAR_FILE = 'patchlens.json';

/** What a `patchlens.json` declares (docs/model-sidecar.md); absent optional keys are filled by `resolveSpec`. */
export interface Sidecar {
  name?: string;
  /** When present, the model files must hash to this `modelHash` (64 hex digits). */
  sha256?: string;
  orientation?: string;
  voxelSize?: number[];
  conform?: { shape: number[]; voxelSize: number[] };
  crop?: { threshold: number; padding: number };
  normalization: Normalization;
  channels?: number;
  outputActivation: ModelSpec['outputActivation'];
  classes: ModelSpec['classes'];
  trainedPatchSize?: number[];
  receptiveField?: number[];
  translationEquivariant?: boolean;
  largestComponent?: boolean;
  instanceNorm?: { layerSuffix: string; epsilon: number };
  notes?: string[];
}

/** Output activations a sidecar may declare. */
export const OUTPUT_ACTIVATIONS: readonly ModelSpec['outputActivation'][] = ['softmax', 'sigmoid', 'none', 'logits-softmax', 'logits-sigmoid'];

const TOP_KEYS = [
  'name', 'sha256', 'orientation', 'voxelSize', 'conform', 'crop', 'normalization', 'channels', 'outputActivation',
  'classes', 'trainedPatchSize', 'receptiveField', 'translationEquivariant', 'largestComponent', 'instanceNorm', 'notes',
];
const REQUIRED_KEYS = ['normalization', 'outputActivation', 'classes'];

/** Collects every problem of a sidecar, then reports them all at once. */
class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
  /** Reports keys of `obj` outside `allowed`. */
  keys(path: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
    const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
    if (unknown.length > 0)
      this.add(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(path ? `${path}.${k}` : k)).join(', ')} (allowed${path ? ` in ${path}` : ''}: ${allowed.join(', ')})`);
  }
}

/** Short printable form of a JSON value. */
function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function numberList(p: Problems, path: string, v: unknown, what: string, ok: (x: number) => boolean, length?: number): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => isNumber(x) && ok(x)) || (length !== undefined && v.length !== length)) {
    p.add(`${path} must be ${length !== undefined ? `an array of ${length}` : 'a non-empty array of'} ${what}, got ${show(v)}`);
    return undefined;
  }
  return v as number[];
}

const positive = (x: number) => x > 0;
const positiveInt = (x: number) => Number.isInteger(x) && x > 0;

/** Checks an orientation code: three letters, one of L/R, one of A/P, one of S/I. */
function orientationOk(v: unknown): v is string {
  if (typeof v !== 'string' || !/^[LRAPSI]{3}$/.test(v)) return false;
  return ['LR', 'AP', 'SI'].every((pair) => [...v].filter((c) => pair.includes(c)).length === 1);
}

function normalization(p: Problems, v: unknown): Normalization | undefined {
  if (!isRecord(v) || typeof v.kind !== 'string') {
    p.add(`normalization must be an object with a "kind" ("none", "min-max", "quantile" or "z-score"), got ${show(v)}`);
    return undefined;
  }
  switch (v.kind) {
    case 'none':
    case 'min-max':
    case 'z-score':
      p.keys('normalization', v, ['kind']);
      return { kind: v.kind };
    case 'quantile': {
      p.keys('normalization', v, ['kind', 'lo', 'hi']);
      const { lo, hi } = v;
      if (!isNumber(lo) || !isNumber(hi) || lo < 0 || hi > 1 || lo >= hi) {
        p.add(`normalization "quantile" needs numbers 0 ≤ lo < hi ≤ 1, got lo ${show(lo)}, hi ${show(hi)}`);
        return undefined;
      }
      return { kind: 'quantile', lo, hi };
    }
    default:
      p.add(`normalization.kind must be "none", "min-max", "quantile" or "z-score", got ${show(v.kind)}`);
      return undefined;
  }
}

function classes(p: Problems, v: unknown): ModelSpec['classes'] | undefined {
  if (!Array.isArray(v) || v.length === 0) {
    p.add(`classes must be a non-empty array of { "name", "color" }, got ${show(v)}`);
    return undefined;
  }
  const out: ModelSpec['classes'] = [];
  v.forEach((c, i) => {
    const path = `classes[${i}]`;
    if (!isRecord(c)) {
      p.add(`${path} must be an object { "name", "color" }, got ${show(c)}`);
      return;
    }
    p.keys(path, c, ['name', 'color']);
    if (typeof c.name !== 'string' || c.name === '') p.add(`${path}.name must be a non-empty string, got ${show(c.name)}`);
    const color = c.color;
    if (!Array.isArray(color) || color.length !== 3 || !color.every((x) => Number.isInteger(x) && x >= 0 && x <= 255))
      p.add(`${path}.color must be [r, g, b] with integers 0–255, got ${show(color)}`);
    else if (typeof c.name === 'string') out.push({ name: c.name, color: [color[0], color[1], color[2]] });
  });
  return out.length === v.length ? out : undefined;
}

/**
 * Validates a parsed `patchlens.json` strictly: unknown keys and values of the wrong type are
 * errors that name the key; all problems are reported in one error.
 * @throws naming `fn` and listing every problem.
 */
export function parseSidecar(fn: string, json: unknown): Sidecar {
  if (!isRecord(json)) throw new TypeError(`${fn}: ${SIDECAR_FILE} must hold a JSON object, got ${show(json)}`);
  const p = new Problems();
  p.keys('', json, TOP_KEYS);
  for (const k of REQUIRED_KEYS) if (!(k in json)) p.add(`missing required key "${k}"`);
  const out: Partial<Sidecar> = {};
  const has = (k: string) => k in json && json[k] !== undefined;

  if (has('name')) {
    if (typeof json.name === 'string' && json.name.trim() !== '') out.name = json.name;
    else p.add(`name must be a non-empty string, got ${show(json.name)}`);
  }
  if (has('sha256')) {
    if (typeof json.sha256 === 'string' && /^[0-9a-f]{64}$/.test(json.sha256)) out.sha256 = json.sha256;
    else p.add(`sha256 must be 64 lowercase hex digits (modelHash), got ${show(json.sha256)}`);
  }
  if (has('orientation')) {
    if (orientationOk(json.orientation)) out.orientation = json.orientation;
    else p.add(`orientation must be three axis codes in tensor order, one each of L/R, A/P, S/I (e.g. "LIA"), got ${show(json.orientation)}`);
  }
  if (has('voxelSize')) out.voxelSize = numberList(p, 'voxelSize', json.voxelSize, 'positive numbers (mm)', positive);
  if (has('conform')) {
    const c = json.conform;
    if (!isRecord(c)) p.add(`conform must be an object { "shape", "voxelSize" }, got ${show(c)}`);
    else {
      p.keys('conform', c, ['shape', 'voxelSize']);
      if (!('shape' in c) || !('voxelSize' in c)) p.add('conform needs both "shape" and "voxelSize"');
      else {
        const shape = numberList(p, 'conform.shape', c.shape, 'positive integers', positiveInt);
        const size = numberList(p, 'conform.voxelSize', c.voxelSize, 'positive numbers (mm)', positive, shape?.length);
        if (shape && size) out.conform = { shape, voxelSize: size };
      }
    }
  }
  if (has('crop')) {
    const c = json.crop;
    if (!isRecord(c)) p.add(`crop must be an object { "threshold", "padding" }, got ${show(c)}`);
    else {
      p.keys('crop', c, ['threshold', 'padding']);
      const okT = isNumber(c.threshold) && c.threshold >= 0 && c.threshold <= 1;
      const okP = Number.isInteger(c.padding) && (c.padding as number) >= 0;
      if (!okT) p.add(`crop.threshold must be a number in [0, 1], got ${show(c.threshold)}`);
      if (!okP) p.add(`crop.padding must be a non-negative integer, got ${show(c.padding)}`);
      if (okT && okP) out.crop = { threshold: c.threshold as number, padding: c.padding as number };
    }
  }
  if (has('normalization')) out.normalization = normalization(p, json.normalization);
  if (has('channels')) {
    if (Number.isInteger(json.channels) && (json.channels as number) > 0) out.channels = json.channels as number;
    else p.add(`channels must be a positive integer, got ${show(json.channels)}`);
  }
  if (has('outputActivation')) {
    if (OUTPUT_ACTIVATIONS.includes(json.outputActivation as ModelSpec['outputActivation'])) out.outputActivation = json.outputActivation as ModelSpec['outputActivation'];
    else p.add(`outputActivation must be one of ${OUTPUT_ACTIVATIONS.map((a) => `"${a}"`).join(', ')}, got ${show(json.outputActivation)}`);
  }
  if (has('classes')) out.classes = classes(p, json.classes);
  if (has('trainedPatchSize')) out.trainedPatchSize = numberList(p, 'trainedPatchSize', json.trainedPatchSize, 'positive integers', positiveInt);
  if (has('receptiveField')) out.receptiveField = numberList(p, 'receptiveField', json.receptiveField, 'positive integers', positiveInt);
  for (const k of ['translationEquivariant', 'largestComponent'] as const) {
    if (!has(k)) continue;
    if (typeof json[k] === 'boolean') out[k] = json[k] as boolean;
    else p.add(`${k} must be true or false, got ${show(json[k])}`);
  }
  if (has('instanceNorm')) {
    const n = json.instanceNorm;
    if (!isRecord(n)) p.add(`instanceNorm must be an object { "layerSuffix", "epsilon" }, got ${show(n)}`);
    else {
      p.keys('instanceNorm', n, ['layerSuffix', 'epsilon']);
      const okS = typeof n.layerSuffix === 'string' && n.layerSuffix !== '';
      const okE = isNumber(n.epsilon) && n.epsilon > 0;
      if (!okS) p.add(`instanceNorm.layerSuffix must be a non-empty string, got ${show(n.layerSuffix)}`);
      if (!okE) p.add(`instanceNorm.epsilon must be a positive number, got ${show(n.epsilon)}`);
      if (okS && okE) out.instanceNorm = { layerSuffix: n.layerSuffix as string, epsilon: n.epsilon as number };
    }
  }
  if (has('notes')) {
    if (Array.isArray(json.notes) && json.notes.every((s) => typeof s === 'string')) out.notes = json.notes as string[];
    else p.add(`notes must be an array of strings, got ${show(json.notes)}`);
  }
  if (p.list.length > 0) throw new TypeError(`${fn}: ${SIDECAR_FILE} is invalid: ${p.list.join('; ')}`);
  return out as Sidecar;
}
