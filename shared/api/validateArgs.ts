/**
 * Pure argument validators for every request channel of the contract. Main runs them before a
 * request reaches a service; a failure throws {@link ArgsError} whose message names the channel
 * and the argument ("run:start: settings.overlap must be in [0, 1), got 1.2"). Unknown keys are
 * refused, so nothing the renderer sends goes unchecked.
 */
import {
  API_ERROR_CODES,
  REQUEST_CHANNELS,
  UPLOAD_CHUNK_BYTES,
  RUN_LAYERS,
  type ApiErrorPayload,
  type ComputeAgentOffer,
  type ComputeMap,
  type ComputeTaskResult,
  type ComputeVolume,
  type FileKind,
  type JobInfo,
  type OpenSource,
  type RequestArgs,
  type RequestChannel,
  type RunSettings,
  type SweepRequest,
} from './contract';
import type { BackendProbe } from '../engine/backend/selectBackend';
import type { ClassDice, DiceReport } from '../engine/postprocess/dice';
import { PLACEMENTS } from '../grid/placement';
import { BLEND_MODES } from '../stitching/types';
import { INFERENCE_MEASURES } from '../engine/inference/inferencePerformance';
import { SWEEP_BLENDS } from '../sweep/grid';
import { describe } from '../util/validate';

/** Arguments of a request failed validation (maps to the `bad-request` error code). */
export class ArgsError extends Error {
  override name = 'ArgsError';
}

/** Limits the validators enforce. */
export const ARG_LIMITS = {
  /** Largest patch size per axis. */
  maxPatch: 1024,
  /** Most entries of each sweep list (patch sizes, overlaps, blends, placements). */
  maxSweepList: 16,
  /** Most files of one upload, and the longest file name. */
  maxUploadFiles: 64,
  maxNameLength: 255,
  /** Longest id (run, sweep, job, calibration configuration) and path. */
  maxIdLength: 128,
  maxPathLength: 4096,
  /** Longest free text (messages, warnings, renderer strings). */
  maxTextLength: 4096,
  /** Largest volume axis of a page compute result, and most voxels × channels of one volume. */
  maxAxis: 4096,
  maxValues: 2 ** 30,
  /** Most classes, backend probes, warnings and grid steps of a page compute result. */
  maxClasses: 256,
  maxList: 256,
  /** Largest JSON of a page compute result's `options`. */
  maxOptionsJson: 65536,
} as const;

/** Whether `channel` is a request channel of the contract. */
export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(channel);
}

type Check<T> = (ch: string, args: unknown) => T;

function fail(ch: string, what: string): never {
  throw new ArgsError(`${ch}: ${what}`);
}

/** `args` as a plain object with exactly the allowed keys (`undefined` counts as `{}`). */
function object(ch: string, name: string, value: unknown, keys: readonly string[], required: readonly string[] = keys): Record<string, unknown> {
  if (value === undefined && name === 'args' && required.length === 0) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) fail(ch, `${name} must be an object, got ${describe(value)}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(ch, `unknown argument ${name === 'args' ? k : `${name}.${k}`}`);
  for (const k of required) if (o[k] === undefined) fail(ch, `${name === 'args' ? k : `${name}.${k}`} is required`);
  return o;
}

function oneOf<T extends string>(ch: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(ch, `${name} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  return value as T;
}

function id(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxIdLength || !/^[A-Za-z0-9._-]+$/.test(value) || /^\.+$/.test(value)) {
    fail(ch, `${name} must be an id of letters, digits, '.', '_' and '-' (at most ${ARG_LIMITS.maxIdLength}), got ${describe(value)}`);
  }
  return value;
}

function path(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxPathLength || value.includes('\0')) {
    fail(ch, `${name} must be a non-empty path (at most ${ARG_LIMITS.maxPathLength} characters, no NUL), got ${describe(value)}`);
  }
  return value;
}

function int(ch: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(ch, `${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  return value;
}

function overlap(ch: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) fail(ch, `${name} must be in [0, 1), got ${describe(value)}`);
  return value;
}

function list<T>(ch: string, name: string, value: unknown, min: number, max: number, item: (name: string, v: unknown) => T): T[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) fail(ch, `${name} must be an array of ${min === max ? min : `${min} to ${max}`} entries, got ${describe(value)}`);
  // Array.from, not map: map skips the holes of a sparse array (structured clone keeps them), which would pass unchecked.
  const out = Array.from(value, (v, i) => item(`${name}[${i}]`, v));
  const seen = new Set<string>();
  out.forEach((v, i) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) fail(ch, `${name}[${i}] repeats ${describe(v)}`);
    seen.add(key);
  });
  return out;
}

function noArgs(ch: string, args: unknown): Record<string, never> {
  object(ch, 'args', args, [], []);
  return {};
}

function runSettings(ch: string, value: unknown): RunSettings {
  const o = object(ch, 'settings', value, ['patchSize', 'overlap', 'placement', 'blend', 'measure']);
  const patchSize = Array.isArray(o.patchSize) ? o.patchSize : fail(ch, `settings.patchSize must be an array of 1 to 3 positive integers, got ${describe(o.patchSize)}`);
  if (patchSize.length < 1 || patchSize.length > 3) fail(ch, `settings.patchSize must be an array of 1 to 3 positive integers, got ${describe(patchSize)}`);
  return {
    patchSize: Array.from(patchSize, (p, i) => int(ch, `settings.patchSize[${i}]`, p, 1, ARG_LIMITS.maxPatch)),
    overlap: overlap(ch, 'settings.overlap', o.overlap),
    placement: oneOf(ch, 'settings.placement', o.placement, PLACEMENTS),
    blend: oneOf(ch, 'settings.blend', o.blend, BLEND_MODES),
    measure: oneOf(ch, 'settings.measure', o.measure, INFERENCE_MEASURES),
  };
}

function sweepRequest(ch: string, value: unknown): SweepRequest {
  const o = object(ch, 'request', value, ['patchSizes', 'overlaps', 'blends', 'placements', 'repeats', 'cases']);
  const n = ARG_LIMITS.maxSweepList;
  return {
    patchSizes: list(ch, 'request.patchSizes', o.patchSizes, 1, n, (name, v) => int(ch, name, v, 1, ARG_LIMITS.maxPatch)),
    overlaps: list(ch, 'request.overlaps', o.overlaps, 1, n, (name, v) => overlap(ch, name, v)),
    blends: list(ch, 'request.blends', o.blends, 1, n, (name, v) => oneOf(ch, name, v, SWEEP_BLENDS)),
    placements: list(ch, 'request.placements', o.placements, 1, n, (name, v) => oneOf(ch, name, v, PLACEMENTS)),
    repeats: int(ch, 'request.repeats', o.repeats, 1, 5),
    cases: oneOf(ch, 'request.cases', o.cases, ['current', 'demo'] as const),
  };
}

const FILE_KINDS: readonly FileKind[] = ['image', 'label', 'model'];

function uploadName(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxNameLength || /[/\\\0]/.test(value) || value === '.' || value === '..') {
    fail(ch, `${name} must be a plain file name (no '/', '\\' or NUL, not '.' or '..', at most ${ARG_LIMITS.maxNameLength} characters), got ${describe(value)}`);
  }
  return value;
}

function openSource(ch: string, value: unknown): OpenSource {
  const from = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { from?: unknown }).from : undefined;
  const source = oneOf(ch, 'source.from', from, ['dialog', 'recent', 'drop', 'upload'] as const);
  switch (source) {
    case 'dialog':
      object(ch, 'source', value, ['from']);
      return { from: 'dialog' };
    case 'recent':
    case 'drop': {
      const o = object(ch, 'source', value, ['from', 'path']);
      return { from: source, path: path(ch, 'source.path', o.path) };
    }
    case 'upload': {
      const o = object(ch, 'source', value, ['from', 'uploadId']);
      return { from: 'upload', uploadId: id(ch, 'source.uploadId', o.uploadId) };
    }
  }
}

/** Largest upload size a page may announce per file (the service host applies its own, smaller limit). */
const MAX_DECLARED_FILE_BYTES = 2 ** 40;

function uploadFiles(ch: string, value: unknown): { name: string; size: number }[] {
  const files = array(ch, 'files', value, 1, ARG_LIMITS.maxUploadFiles).map((f, i) => {
    const fo = object(ch, `files[${i}]`, f, ['name', 'size']);
    return { name: uploadPath(ch, `files[${i}].name`, fo.name), size: int(ch, `files[${i}].size`, fo.size, 0, MAX_DECLARED_FILE_BYTES) };
  });
  const names = new Set<string>();
  files.forEach((f, i) => {
    if (names.has(f.name)) fail(ch, `files[${i}].name repeats ${describe(f.name)}`);
    names.add(f.name);
  });
  return files;
}

/**
 * A file name of an upload, or a relative path inside a picked folder (`model5/model.json`):
 * `/`-separated plain names, no `..`, `.`, empty segment, backslash or NUL.
 */
function uploadPath(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxPathLength) fail(ch, `${name} must be a relative file name, got ${describe(value)}`);
  const parts = value.split('/');
  parts.forEach((p, i) => uploadName(ch, parts.length > 1 ? `${name} (segment ${i + 1})` : name, p));
  return value;
}

// ---- page compute ----

const AGENT_HOSTS: readonly ComputeAgentOffer['host'][] = ['ui-page', 'compute-window'];

function text(ch: string, name: string, value: unknown, max: number = ARG_LIMITS.maxTextLength, allowEmpty = true): string {
  if (typeof value !== 'string' || value.length > max || (!allowEmpty && value.length === 0)) fail(ch, `${name} must be a ${allowEmpty ? '' : 'non-empty '}string of at most ${max} characters, got ${describe(value)}`);
  return value;
}

function finite(ch: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(ch, `${name} must be a finite number${min > -Infinity ? ` in [${min}, ${max === Infinity ? '∞' : max}]` : ''}, got ${describe(value)}`);
  }
  return value;
}

function bool(ch: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(ch, `${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** A plain array of at most `max` entries (no repeat check), as a dense copy: a hole of a sparse array becomes `undefined` and is checked as such. */
function array(ch: string, name: string, value: unknown, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) fail(ch, `${name} must be an array of ${min === max ? min : `${min} to ${max}`} entries, got ${describe(value)}`);
  return Array.from(value);
}

function ints(ch: string, name: string, value: unknown, length: number | [number, number], min: number, max: number): number[] {
  const [lo, hi] = typeof length === 'number' ? [length, length] : length;
  return array(ch, name, value, lo, hi).map((v, i) => int(ch, `${name}[${i}]`, v, min, max));
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

function offer(ch: string, value: unknown): ComputeAgentOffer {
  const o = object(ch, 'offer', value, ['probes', 'choice', 'host']);
  const probes = array(ch, 'offer.probes', o.probes, 0, 8).map((p, i): BackendProbe => {
    const name = `offer.probes[${i}]`;
    const po = object(ch, name, p, ['name', 'ms', 'error', 'renderer', 'software'], ['name']);
    const probe: BackendProbe = { name: text(ch, `${name}.name`, po.name, 64, false) };
    if (po.ms !== undefined) probe.ms = finite(ch, `${name}.ms`, po.ms, 0);
    if (po.error !== undefined) probe.error = text(ch, `${name}.error`, po.error);
    if (po.renderer !== undefined) probe.renderer = text(ch, `${name}.renderer`, po.renderer);
    if (po.software !== undefined) probe.software = bool(ch, `${name}.software`, po.software);
    return probe;
  });
  return { probes, choice: text(ch, 'offer.choice', o.choice, 64, false), host: oneOf(ch, 'offer.host', o.host, AGENT_HOSTS) };
}

function taskIds(ch: string, o: Record<string, unknown>): { agentId: string; taskId: string } {
  return { agentId: id(ch, 'agentId', o.agentId), taskId: id(ch, 'taskId', o.taskId) };
}

function jobProgress(ch: string, value: unknown): JobInfo['progress'] {
  const o = object(ch, 'progress', value, ['fraction', 'phase', 'etaMs', 'message']);
  return {
    fraction: finite(ch, 'progress.fraction', o.fraction, 0, 1),
    phase: text(ch, 'progress.phase', o.phase, 64),
    etaMs: o.etaMs === null ? null : finite(ch, 'progress.etaMs', o.etaMs, 0),
    message: text(ch, 'progress.message', o.message),
  };
}

function errorPayload(ch: string, value: unknown): ApiErrorPayload {
  const o = object(ch, 'error', value, ['code', 'message']);
  return { code: oneOf(ch, 'error.code', o.code, API_ERROR_CODES), message: text(ch, 'error.message', o.message) };
}

type TypedName = 'Uint8Array' | 'Float32Array' | 'Float64Array';
const TYPED: Record<TypedName, new (n: number) => ArrayLike<number>> = { Uint8Array, Float32Array, Float64Array };

/** A typed array of one of `types` with exactly `length` values. */
function typed<T>(ch: string, name: string, value: unknown, types: readonly TypedName[], length: number): T {
  if (!types.some((t) => value instanceof TYPED[t])) fail(ch, `${name} must be a ${types.join(' or ')}, got ${describe(value)}`);
  const n = (value as ArrayLike<number>).length;
  if (n !== length) fail(ch, `${name} must have ${length} values (the product of its shape), got ${n}`);
  return value as T;
}

function affine4(ch: string, name: string, value: unknown): number[][] {
  return array(ch, name, value, 4, 4).map((row, r) => array(ch, `${name}[${r}]`, row, 4, 4).map((v, c) => finite(ch, `${name}[${r}][${c}]`, v)));
}

/** A volume on the image grid: `spatial` fixes its first three axes, `channels` adds a fourth. */
function volume(ch: string, name: string, value: unknown, types: readonly TypedName[], spatial: number[] | null, channels: boolean): ComputeVolume {
  const o = object(ch, name, value, ['data', 'shape', 'spacing', 'affine']);
  const shape = ints(ch, `${name}.shape`, o.shape, channels ? 4 : 3, 1, ARG_LIMITS.maxAxis);
  if (channels && shape[3] > ARG_LIMITS.maxClasses) fail(ch, `${name}.shape[3] (classes) must be at most ${ARG_LIMITS.maxClasses}, got ${shape[3]}`);
  if (spatial && shape.slice(0, 3).some((s, a) => s !== spatial[a])) fail(ch, `${name}.shape must start with the labels' shape [${spatial.join(', ')}], got ${describe(shape)}`);
  const n = product(shape);
  if (n > ARG_LIMITS.maxValues) fail(ch, `${name} has ${n} values, more than ${ARG_LIMITS.maxValues}`);
  return {
    data: typed(ch, `${name}.data`, o.data, types, n),
    shape,
    spacing: array(ch, `${name}.spacing`, o.spacing, 3, 3).map((v, i) => finite(ch, `${name}.spacing[${i}]`, v, 0)),
    affine: affine4(ch, `${name}.affine`, o.affine),
  };
}

/** A patch map with its accumulator (whose shape is the patch's, or the patch's plus a trailing 2). */
function computeMap(ch: string, name: string, value: unknown): ComputeMap | null {
  if (value === null) return null;
  const o = object(ch, name, value, ['shape', 'count', 'measure', 'accumulator']);
  const shape = ints(ch, `${name}.shape`, o.shape, 3, 1, ARG_LIMITS.maxPatch);
  const count = int(ch, `${name}.count`, o.count, 0, 2 ** 31);
  const measure = o.measure === null ? null : text(ch, `${name}.measure`, o.measure, 64, false);
  const ao = object(ch, `${name}.accumulator`, o.accumulator, ['shape', 'sum', 'count']);
  const accShape = ints(ch, `${name}.accumulator.shape`, ao.shape, [3, 4], 1, ARG_LIMITS.maxPatch);
  if (accShape.slice(0, 3).some((s, a) => s !== shape[a]) || (accShape.length === 4 && accShape[3] !== 2)) {
    fail(ch, `${name}.accumulator.shape must be the map's shape [${shape.join(', ')}] or it with a trailing 2, got ${describe(accShape)}`);
  }
  const accCount = int(ch, `${name}.accumulator.count`, ao.count, 0, 2 ** 31);
  if (accCount !== count) fail(ch, `${name}.accumulator.count must equal ${name}.count (${count}), got ${accCount}`);
  const sum = typed<Float64Array>(ch, `${name}.accumulator.sum`, ao.sum, ['Float64Array'], product(accShape));
  return { shape, count, measure, accumulator: { shape: accShape, sum, count: accCount } };
}

function dice(ch: string, name: string, value: unknown): DiceReport | null {
  if (value === null) return null;
  const o = object(ch, name, value, ['mode', 'perClass', 'mean']);
  const perClass = array(ch, `${name}.perClass`, o.perClass, 0, ARG_LIMITS.maxClasses + 1).map((c, i): ClassDice => {
    const n = `${name}.perClass[${i}]`;
    const co = object(ch, n, c, ['label', 'name', 'dice', 'predicted', 'reference'], ['label', 'dice', 'predicted', 'reference']);
    const out: ClassDice = {
      label: int(ch, `${n}.label`, co.label, -1, 65535),
      dice: finite(ch, `${n}.dice`, co.dice, 0, 1),
      predicted: int(ch, `${n}.predicted`, co.predicted, 0, Number.MAX_SAFE_INTEGER),
      reference: int(ch, `${n}.reference`, co.reference, 0, Number.MAX_SAFE_INTEGER),
    };
    if (co.name !== undefined) out.name = text(ch, `${n}.name`, co.name, ARG_LIMITS.maxNameLength);
    return out;
  });
  // The mean of no foreground class is NaN (it crosses JSON as null).
  const mean = o.mean === null || (typeof o.mean === 'number' && Number.isNaN(o.mean)) ? NaN : finite(ch, `${name}.mean`, o.mean, 0, 1);
  return { mode: oneOf(ch, `${name}.mode`, o.mode, ['classes', 'foreground'] as const), perClass, mean };
}

function taskResult(ch: string, value: unknown): ComputeTaskResult {
  const keys = ['labels', 'probabilities', 'coverage', 'patchPerformance', 'consistency', 'dice', 'domainDice', 'windows', 'timing', 'backend', 'grid', 'options', 'classes', 'warnings'];
  const o = object(ch, 'result', value, keys);
  const labels = volume(ch, 'result.labels', o.labels, ['Uint8Array'], null, false);
  const spatial = labels.shape;
  const co = object(ch, 'result.coverage', o.coverage, ['count', 'weight']);
  const to = object(ch, 'result.timing', o.timing, ['totalMs', 'preprocessMs', 'modelMs', 'stitchMs', 'postprocessMs']);
  const bo = object(ch, 'result.backend', o.backend, ['name', 'reason', 'renderer', 'software']);
  const go = object(ch, 'result.grid', o.grid, ['shape', 'domain', 'steps']);
  const gridShape = ints(ch, 'result.grid.shape', go.shape, 3, 1, ARG_LIMITS.maxAxis);
  const dom = object(ch, 'result.grid.domain', go.domain, ['start', 'size']);
  const start = ints(ch, 'result.grid.domain.start', dom.start, 3, 0, ARG_LIMITS.maxAxis);
  const size = ints(ch, 'result.grid.domain.size', dom.size, 3, 1, ARG_LIMITS.maxAxis);
  if (start.some((s, a) => s + size[a] > gridShape[a])) fail(ch, `result.grid.domain (start ${describe(start)}, size ${describe(size)}) must lie inside result.grid.shape ${describe(gridShape)}`);
  if (o.options === null || typeof o.options !== 'object' || Array.isArray(o.options) || ArrayBuffer.isView(o.options)) fail(ch, `result.options must be an object, got ${describe(o.options)}`);
  let optionsJson: string;
  try {
    optionsJson = JSON.stringify(o.options);
  } catch {
    return fail(ch, 'result.options must be plain JSON');
  }
  if (optionsJson.length > ARG_LIMITS.maxOptionsJson) fail(ch, `result.options must be at most ${ARG_LIMITS.maxOptionsJson} characters of JSON, got ${optionsJson.length}`);
  return {
    labels,
    probabilities: volume(ch, 'result.probabilities', o.probabilities, ['Float32Array'], spatial, true),
    coverage: {
      count: volume(ch, 'result.coverage.count', co.count, ['Float32Array', 'Uint8Array'], spatial, false),
      weight: volume(ch, 'result.coverage.weight', co.weight, ['Float32Array'], spatial, false),
    },
    patchPerformance: computeMap(ch, 'result.patchPerformance', o.patchPerformance),
    consistency: computeMap(ch, 'result.consistency', o.consistency),
    dice: dice(ch, 'result.dice', o.dice),
    domainDice: dice(ch, 'result.domainDice', o.domainDice),
    windows: int(ch, 'result.windows', o.windows, 1, 2 ** 24),
    timing: {
      totalMs: finite(ch, 'result.timing.totalMs', to.totalMs, 0),
      preprocessMs: finite(ch, 'result.timing.preprocessMs', to.preprocessMs, 0),
      modelMs: finite(ch, 'result.timing.modelMs', to.modelMs, 0),
      stitchMs: finite(ch, 'result.timing.stitchMs', to.stitchMs, 0),
      postprocessMs: finite(ch, 'result.timing.postprocessMs', to.postprocessMs, 0),
    },
    backend: {
      name: text(ch, 'result.backend.name', bo.name, 64, false),
      reason: text(ch, 'result.backend.reason', bo.reason),
      renderer: bo.renderer === null ? null : text(ch, 'result.backend.renderer', bo.renderer),
      software: bool(ch, 'result.backend.software', bo.software),
    },
    grid: { shape: gridShape, domain: { start, size }, steps: array(ch, 'result.grid.steps', go.steps, 0, 32).map((v, i) => text(ch, `result.grid.steps[${i}]`, v)) },
    options: JSON.parse(optionsJson) as Record<string, unknown>,
    classes: array(ch, 'result.classes', o.classes, 1, ARG_LIMITS.maxClasses).map((c, i) => {
      const cl = object(ch, `result.classes[${i}]`, c, ['name', 'color']);
      const color = ints(ch, `result.classes[${i}].color`, cl.color, 3, 0, 255);
      return { name: text(ch, `result.classes[${i}].name`, cl.name, ARG_LIMITS.maxNameLength), color: [color[0], color[1], color[2]] as [number, number, number] };
    }),
    warnings: array(ch, 'result.warnings', o.warnings, 0, ARG_LIMITS.maxList).map((w, i) => text(ch, `result.warnings[${i}]`, w)),
  };
}

/** One validator per channel: checks and returns the arguments (a fresh object with exactly the contract's keys). */
export const ARG_VALIDATORS: { [K in RequestChannel]: Check<RequestArgs<K>> } = {
  'app:info': noArgs,
  'session:get': noArgs,
  'session:openDemo': noArgs,
  'upload:begin': (ch, args) => ({ files: uploadFiles(ch, object(ch, 'args', args, ['files']).files) }),
  'upload:chunk': (ch, args) => {
    const o = object(ch, 'args', args, ['uploadId', 'file', 'offset', 'bytes']);
    if (!(o.bytes instanceof Uint8Array)) fail(ch, `bytes must be a Uint8Array, got ${describe(o.bytes)}`);
    if (o.bytes.length > UPLOAD_CHUNK_BYTES) fail(ch, `bytes must be at most ${UPLOAD_CHUNK_BYTES} bytes (one chunk), got ${o.bytes.length}`);
    return { uploadId: id(ch, 'uploadId', o.uploadId), file: int(ch, 'file', o.file, 0, ARG_LIMITS.maxUploadFiles - 1), offset: int(ch, 'offset', o.offset, 0, MAX_DECLARED_FILE_BYTES), bytes: o.bytes };
  },
  'upload:cancel': (ch, args) => ({ uploadId: id(ch, 'uploadId', object(ch, 'args', args, ['uploadId']).uploadId) }),
  'file:open': (ch, args) => {
    const o = object(ch, 'args', args, ['kind', 'source']);
    const kind = oneOf(ch, 'kind', o.kind, FILE_KINDS);
    return { kind, source: openSource(ch, o.source) };
  },
  'file:close': (ch, args) => ({ kind: oneOf(ch, 'kind', object(ch, 'args', args, ['kind']).kind, ['label', 'model'] as const) }),
  'volume:get': (ch, args) => ({ kind: oneOf(ch, 'kind', object(ch, 'args', args, ['kind']).kind, ['image', 'label'] as const) }),
  'model:trainingMap': noArgs,
  'run:start': (ch, args) => ({ settings: runSettings(ch, object(ch, 'args', args, ['settings']).settings) }),
  'run:layer': (ch, args) => {
    const o = object(ch, 'args', args, ['runId', 'layer']);
    return { runId: id(ch, 'runId', o.runId), layer: oneOf(ch, 'layer', o.layer, RUN_LAYERS) };
  },
  'run:maps': (ch, args) => ({ runId: id(ch, 'runId', object(ch, 'args', args, ['runId']).runId) }),
  'run:inspect': (ch, args) => {
    const o = object(ch, 'args', args, ['runId', 'voxel']);
    const voxel = Array.isArray(o.voxel) && o.voxel.length === 3 ? o.voxel : fail(ch, `voxel must be an array of 3 non-negative integers [k, j, i], got ${describe(o.voxel)}`);
    return { runId: id(ch, 'runId', o.runId), voxel: Array.from(voxel, (v, i) => int(ch, `voxel[${i}]`, v, 0, 1 << 20)) };
  },
  'run:delete': (ch, args) => ({ runId: id(ch, 'runId', object(ch, 'args', args, ['runId']).runId) }),
  'sweep:start': (ch, args) => ({ request: sweepRequest(ch, object(ch, 'args', args, ['request']).request) }),
  'sweep:plan': (ch, args) => ({ cases: oneOf(ch, 'cases', object(ch, 'args', args, ['cases']).cases, ['current', 'demo'] as const) }),
  'sweep:openCase': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'caseId']);
    return { sweepId: id(ch, 'sweepId', o.sweepId), caseId: id(ch, 'caseId', o.caseId) };
  },
  'sweep:summary': (ch, args) => ({ sweepId: id(ch, 'sweepId', object(ch, 'args', args, ['sweepId']).sweepId) }),
  'sweep:map': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'calibrationId']);
    return { sweepId: id(ch, 'sweepId', o.sweepId), calibrationId: id(ch, 'calibrationId', o.calibrationId) };
  },
  'job:cancel': (ch, args) => ({ jobId: id(ch, 'jobId', object(ch, 'args', args, ['jobId']).jobId) }),
  'report:export': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'replace'], ['sweepId']);
    return { sweepId: id(ch, 'sweepId', o.sweepId), ...(o.replace !== undefined ? { replace: bool(ch, 'replace', o.replace) } : {}) };
  },
  'compute:attach': (ch, args) => ({ offer: offer(ch, object(ch, 'args', args, ['offer']).offer) }),
  'compute:input': (ch, args) => taskIds(ch, object(ch, 'args', args, ['agentId', 'taskId'])),
  'compute:progress': (ch, args) => {
    const o = object(ch, 'args', args, ['agentId', 'taskId', 'progress']);
    return { ...taskIds(ch, o), progress: jobProgress(ch, o.progress) };
  },
  'compute:done': (ch, args) => {
    const o = object(ch, 'args', args, ['agentId', 'taskId', 'result']);
    return { ...taskIds(ch, o), result: taskResult(ch, o.result) };
  },
  'compute:failed': (ch, args) => {
    const o = object(ch, 'args', args, ['agentId', 'taskId', 'error']);
    return { ...taskIds(ch, o), error: errorPayload(ch, o.error) };
  },
};

/**
 * Validates a request's arguments.
 * @returns the checked arguments (a fresh object; typed arrays of uploads are kept, not copied)
 * @throws ArgsError naming the channel and the argument; for an unknown channel too
 */
export function validateArgs<K extends RequestChannel>(channel: K, args: unknown): RequestArgs<K>;
export function validateArgs(channel: string, args: unknown): unknown;
export function validateArgs(channel: string, args: unknown): unknown {
  if (!isRequestChannel(channel)) throw new ArgsError(`unknown request channel ${describe(channel)}`);
  return (ARG_VALIDATORS[channel] as Check<unknown>)(channel, args);
}
