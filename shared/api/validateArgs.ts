/**
 * Pure argument validators for every request channel of the contract. Main runs them before a
 * request reaches a service; a failure throws {@link ArgsError} whose message names the channel
 * and the argument ("run:start: settings.overlap must be in [0, 1), got 1.2"). Unknown keys are
 * refused, so nothing the renderer sends goes unchecked.
 */
import { REQUEST_CHANNELS, RUN_LAYERS, type FileKind, type OpenSource, type RequestArgs, type RequestChannel, type RunSettings, type SweepRequest } from './contract';
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
  const out = value.map((v, i) => item(`${name}[${i}]`, v));
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
    patchSize: patchSize.map((p, i) => int(ch, `settings.patchSize[${i}]`, p, 1, ARG_LIMITS.maxPatch)),
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

function openSource(ch: string, kind: FileKind, value: unknown): OpenSource {
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
      const o = object(ch, 'source', value, ['from', 'files']);
      const max = kind === 'model' ? ARG_LIMITS.maxUploadFiles : 1;
      if (!Array.isArray(o.files) || o.files.length < 1 || o.files.length > max) {
        fail(ch, `source.files must be an array of ${max === 1 ? 'exactly 1 file' : `1 to ${max} files`} for a${kind === 'image' ? 'n' : ''} ${kind}, got ${describe(o.files)}`);
      }
      const files = o.files.map((f, i) => {
        const fo = object(ch, `source.files[${i}]`, f, ['name', 'bytes']);
        const name = uploadName(ch, `source.files[${i}].name`, fo.name);
        if (!(fo.bytes instanceof Uint8Array)) fail(ch, `source.files[${i}].bytes must be a Uint8Array, got ${describe(fo.bytes)}`);
        return { name, bytes: fo.bytes };
      });
      const names = new Set<string>();
      files.forEach((f, i) => {
        if (names.has(f.name)) fail(ch, `source.files[${i}].name repeats ${describe(f.name)}`);
        names.add(f.name);
      });
      if (kind === 'model' && !names.has('model.json')) fail(ch, `source.files must include model.json for a model, got ${describe([...names])}`);
      return { from: 'upload', files };
    }
  }
}

/** One validator per channel: checks and returns the arguments (a fresh object with exactly the contract's keys). */
export const ARG_VALIDATORS: { [K in RequestChannel]: Check<RequestArgs<K>> } = {
  'app:info': noArgs,
  'session:get': noArgs,
  'session:openDemo': noArgs,
  'file:open': (ch, args) => {
    const o = object(ch, 'args', args, ['kind', 'source']);
    const kind = oneOf(ch, 'kind', o.kind, FILE_KINDS);
    return { kind, source: openSource(ch, kind, o.source) };
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
    return { runId: id(ch, 'runId', o.runId), voxel: voxel.map((v, i) => int(ch, `voxel[${i}]`, v, 0, 1 << 20)) };
  },
  'run:delete': (ch, args) => ({ runId: id(ch, 'runId', object(ch, 'args', args, ['runId']).runId) }),
  'sweep:start': (ch, args) => ({ request: sweepRequest(ch, object(ch, 'args', args, ['request']).request) }),
  'sweep:summary': (ch, args) => ({ sweepId: id(ch, 'sweepId', object(ch, 'args', args, ['sweepId']).sweepId) }),
  'sweep:map': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'calibrationId']);
    return { sweepId: id(ch, 'sweepId', o.sweepId), calibrationId: id(ch, 'calibrationId', o.calibrationId) };
  },
  'job:cancel': (ch, args) => ({ jobId: id(ch, 'jobId', object(ch, 'args', args, ['jobId']).jobId) }),
  'report:export': (ch, args) => ({ sweepId: id(ch, 'sweepId', object(ch, 'args', args, ['sweepId']).sweepId) }),
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
