import type { KerasLayer } from './kerasTopology';
import { MODEL_LIMITS } from './modelLimits';

/** Config keys holding one size (`filters: 5`). */
const SIZE_KEYS = ['filters', 'units', 'depth_multiplier', 'groups'] as const;
/** Config keys holding a per-axis window parameter (`kernel_size: [3, 3, 3]` or `3`). */
const WINDOW_KEYS = ['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'size'] as const;
/** Layers whose `padding` / `cropping` are amounts of voxels (elsewhere `padding` is `'same'` / `'valid'`). */
const AMOUNT_LAYERS = /^(ZeroPadding|Cropping)[123]D$/;

/** Spatial axes of a layer class named `…1D` / `…2D` / `…3D`, if it is one. */
export function classRank(className: string): number | undefined {
  const m = /([123])D(Transpose)?$/.exec(className);
  return m ? Number(m[1]) : undefined;
}

/** `layer "21" (Conv3D)`. */
export function layerLabel(layer: KerasLayer): string {
  return `layer "${layer.name}" (${layer.className})`;
}

/** Whether `v` is an integer in `lo…hi`. */
function inRange(v: unknown, lo: number, hi: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** Every number of a (nested) list of amounts, or null when something else is in it. */
function amounts(value: unknown): number[] | null {
  if (typeof value === 'number') return [value];
  if (!Array.isArray(value)) return null;
  const out: number[] = [];
  for (const v of value) {
    const inner = amounts(v);
    if (inner === null) return null;
    out.push(...inner);
  }
  return out;
}

/**
 * Refuses absurd sizes declared in a layer's config before tfjs allocates anything from them
 * (limits: `MODEL_LIMITS`): `batch_input_shape` / `batch_shape` entries null or integers in
 * 1…size with 2…inputRank entries; `filters`, `units`, `depth_multiplier`, `groups` integers in
 * 1…size; `kernel_size`, `strides`, `dilation_rate`, `pool_size`, `size` an integer or one
 * integer per spatial axis in 1…window; ZeroPadding / Cropping amounts integers in 0…window.
 * Absent or null values are the layer's defaults and pass.
 * @throws naming `fn`, the layer, the key, the value and the allowed range.
 */
export function checkDeclaredSizes(fn: string, layer: KerasLayer): void {
  const c = layer.config;
  const bad = (key: string, value: unknown, rule: string): never => {
    throw new RangeError(`${fn}: ${layerLabel(layer)} has ${key} ${JSON.stringify(value)}; it must be ${rule}`);
  };
  for (const key of ['batch_input_shape', 'batch_shape'] as const) {
    const shape = c[key];
    if (shape === undefined || shape === null) continue;
    if (!Array.isArray(shape) || shape.length < 2 || shape.length > MODEL_LIMITS.inputRank) {
      bad(key, shape, `a list of 2…${MODEL_LIMITS.inputRank} sizes (batch first, channels last)`);
    } else if (shape.some((s) => s !== null && !inRange(s, 1, MODEL_LIMITS.size))) {
      bad(key, shape, `null or integers in 1…${MODEL_LIMITS.size}`);
    }
  }
  for (const key of SIZE_KEYS) {
    const v = c[key];
    if (v !== undefined && v !== null && !inRange(v, 1, MODEL_LIMITS.size)) bad(key, v, `an integer in 1…${MODEL_LIMITS.size}`);
  }
  const rank = classRank(layer.className);
  for (const key of WINDOW_KEYS) {
    const v = c[key];
    if (v === undefined || v === null) continue;
    const rule = `an integer${rank ? ` or ${rank} integers` : 's'} in 1…${MODEL_LIMITS.window}`;
    const values: unknown[] | null = typeof v === 'number' ? [v] : Array.isArray(v) ? v : null;
    const wrongLength = values === null || values.length === 0 || (rank !== undefined && Array.isArray(v) && v.length !== rank);
    if (wrongLength || values.some((x) => !inRange(x, 1, MODEL_LIMITS.window))) bad(key, v, rule);
  }
  if (AMOUNT_LAYERS.test(layer.className)) {
    for (const key of ['padding', 'cropping'] as const) {
      const v = c[key];
      if (v === undefined || v === null) continue;
      const list = amounts(v);
      if (list === null || list.some((x) => !inRange(x, 0, MODEL_LIMITS.window))) bad(key, v, `integers in 0…${MODEL_LIMITS.window}`);
    }
  }
}
