/**
 * Argument checks shared by the core. Every error names the function and the argument,
 * in the style of tfjs ops ("patchStarts: overlap must be in [0, 1), got 1").
 */

/** Throws unless `value` is an integer ≥ 1. */
export function assertPositiveInteger(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${describe(value)}`);
  }
}

/**
 * Throws unless `value` is a finite number in [0, 1): where the window geometry is defined (1
 * never advances). The limit a run may ask for is narrower, `OVERLAP_LIMITS` of
 * `shared/settings`, which every face (and the engine's `runOnGrid`) checks.
 */
export function assertOverlap(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new RangeError(`${fn}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  }
}

/** Throws unless `shape` is a non-empty array of positive integers. */
export function assertShape(fn: string, name: string, shape: unknown): asserts shape is number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new RangeError(`${fn}: ${name} must be a non-empty array of positive integers, got ${describe(shape)}`);
  }
  shape.forEach((s, i) => assertPositiveInteger(fn, `${name}[${i}]`, s));
}

/**
 * Expands a scalar or a per-axis array to one value per axis.
 * @throws when an array has the wrong length.
 */
export function perAxis<T>(fn: string, name: string, value: T | readonly T[], ndim: number): T[] {
  if (Array.isArray(value)) {
    if (value.length !== ndim) {
      throw new RangeError(`${fn}: ${name} has ${value.length} entries but the shape has ${ndim} axes`);
    }
    return [...value];
  }
  return new Array<T>(ndim).fill(value as T);
}

/** Product of the entries (1 for an empty array). */
export function product(values: readonly number[]): number {
  let p = 1;
  for (const v of values) p *= v;
  return p;
}

/** Row-major strides (last axis fastest) of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Short printable form of any value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Object.prototype.toString.call(value);
}
