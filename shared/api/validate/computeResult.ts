/**
 * The check of a page compute task's result (`compute:done`): volumes on the image grid, patch
 * maps with their accumulators, Dice reports, timing, backend and grid, and the per-window
 * predictions for the run's prediction cache.
 */
import type { ComputeMap, ComputePredictions, ComputeTaskResult, ComputeVolume } from '../contract/compute';
import { CACHE_ENCODINGS } from '../../reevaluate/predictionCache';
import { LABEL_MODES, type ClassDice, type DiceReport } from '../../engine/postprocess/dice';
import { describe } from '../../util/validate';
import { PATCH_LIMITS } from '../../settings/index';
import { ARG_LIMITS } from './argLimits';
import { array, bool, fail, finite, int, ints, object, oneOf, product, text } from './checks';

type TypedName = 'Uint8Array' | 'Uint16Array' | 'Float32Array' | 'Float64Array';
const TYPED: Record<TypedName, new (n: number) => ArrayLike<number>> = { Uint8Array, Uint16Array, Float32Array, Float64Array };

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
  const shape = ints(ch, `${name}.shape`, o.shape, 3, 1, PATCH_LIMITS.max);
  const count = int(ch, `${name}.count`, o.count, 0, 2 ** 31);
  const measure = o.measure === null ? null : text(ch, `${name}.measure`, o.measure, 64, false);
  const ao = object(ch, `${name}.accumulator`, o.accumulator, ['shape', 'sum', 'count']);
  const accShape = ints(ch, `${name}.accumulator.shape`, ao.shape, [3, 4], 1, PATCH_LIMITS.max);
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
  return { mode: oneOf(ch, `${name}.mode`, o.mode, LABEL_MODES), perClass, mean };
}

/** The typed array each cache encoding travels as. */
const CACHE_ARRAYS: Record<ComputePredictions['encoding'], TypedName> = { uint8: 'Uint8Array', float16: 'Uint16Array', float32: 'Float32Array' };

/**
 * `result.predictions`, checked as data: the encoding, the window geometry and values of the
 * encoding's array type, exactly windows × patch voxels × classes of them. A malformed one is
 * answered as `{ absent: why }`, never refused: the run is written without a cache and its
 * `plan.json` says why. Whether the geometry is the run's plan is `finishPageRun`'s check.
 */
function predictions(ch: string, value: unknown): ComputeTaskResult['predictions'] {
  if (value === null) return null;
  const name = 'result.predictions';
  try {
    if (typeof value === 'object' && 'absent' in value) return { absent: text(ch, `${name}.absent`, object(ch, name, value, ['absent']).absent) };
    const o = object(ch, name, value, ['encoding', 'classes', 'geometry', 'values']);
    const encoding = oneOf(ch, `${name}.encoding`, o.encoding, CACHE_ENCODINGS);
    const classes = int(ch, `${name}.classes`, o.classes, 1, 255);
    const g = object(ch, `${name}.geometry`, o.geometry, ['shape', 'patchSize', 'paddedShape', 'padLow', 'starts']);
    const axes = (key: string, min: number, max: number) => ints(ch, `${name}.geometry.${key}`, g[key], 3, min, max);
    const geometry = {
      shape: axes('shape', 1, ARG_LIMITS.maxAxis),
      patchSize: axes('patchSize', 1, PATCH_LIMITS.max),
      paddedShape: axes('paddedShape', 1, ARG_LIMITS.maxAxis),
      padLow: axes('padLow', 0, ARG_LIMITS.maxAxis),
      starts: array(ch, `${name}.geometry.starts`, g.starts, 3, 3).map((s, a) => ints(ch, `${name}.geometry.starts[${a}]`, s, [1, ARG_LIMITS.maxAxis], 0, ARG_LIMITS.maxAxis)),
    };
    const n = product(geometry.starts.map((s) => s.length)) * product(geometry.patchSize) * classes;
    if (n > ARG_LIMITS.maxValues) fail(ch, `${name} has ${n} values, more than ${ARG_LIMITS.maxValues}`);
    const type = CACHE_ARRAYS[encoding];
    // Named by its type and length only (a message quoting 10⁸ values would end up in plan.json).
    if (!(o.values instanceof TYPED[type])) fail(ch, `${name}.values must be a ${type} for the ${encoding} encoding, got ${Object.prototype.toString.call(o.values).slice(8, -1)}`);
    const values = typed<ComputePredictions['values']>(ch, `${name}.values`, o.values, [type], n);
    return { encoding, classes, geometry, values };
  } catch (e) {
    const why = (e as Error).message;
    return { absent: `the page's per-window predictions are malformed: ${why.length > 1000 ? `${why.slice(0, 999)}…` : why}` };
  }
}

/** `result` of `compute:done`, checked (a fresh object; typed arrays are kept, not copied). */
export function taskResult(ch: string, value: unknown): ComputeTaskResult {
  const keys = ['labels', 'probabilities', 'coverage', 'patchPerformance', 'consistency', 'dice', 'domainDice', 'windows', 'timing', 'backend', 'grid', 'options', 'classes', 'warnings'];
  const o = object(ch, 'result', value, [...keys, 'predictions'], keys);
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
    ...(o.predictions === undefined ? {} : { predictions: predictions(ch, o.predictions) }),
  };
}
