/**
 * The argument checks every domain's validators are made of. Each names the channel and the
 * argument in its error (`run:start: settings.overlap must be in [0, 0.9], got 1.2`).
 */
import { describe } from '../../util/validate';
import { ARG_LIMITS } from './argLimits';

/** Arguments of a request failed validation (maps to the `bad-request` error code). */
export class ArgsError extends Error {
  override name = 'ArgsError';
}

/** A validator of one channel's arguments: checks them and answers a fresh copy. */
export type Check<T> = (ch: string, args: unknown) => T;

/** Throws {@link ArgsError} `<ch>: <what>`. */
export function fail(ch: string, what: string): never {
  throw new ArgsError(`${ch}: ${what}`);
}

/** `args` as a plain object with exactly the allowed keys (`undefined` counts as `{}`). */
export function object(ch: string, name: string, value: unknown, keys: readonly string[], required: readonly string[] = keys): Record<string, unknown> {
  if (value === undefined && name === 'args' && required.length === 0) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) fail(ch, `${name} must be an object, got ${describe(value)}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(ch, `unknown argument ${name === 'args' ? k : `${name}.${k}`}`);
  for (const k of required) if (o[k] === undefined) fail(ch, `${name === 'args' ? k : `${name}.${k}`} is required`);
  return o;
}

/** `value` if it is one of `allowed`. */
export function oneOf<T extends string>(ch: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(ch, `${name} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  return value as T;
}

/** `value` if it is an id of letters, digits, '.', '_' and '-'. */
export function id(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxIdLength || !/^[A-Za-z0-9._-]+$/.test(value) || /^\.+$/.test(value)) {
    fail(ch, `${name} must be an id of letters, digits, '.', '_' and '-' (at most ${ARG_LIMITS.maxIdLength}), got ${describe(value)}`);
  }
  return value;
}

/** `value` if it is a non-empty path without NUL. */
export function path(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxPathLength || value.includes('\0')) {
    fail(ch, `${name} must be a non-empty path (at most ${ARG_LIMITS.maxPathLength} characters, no NUL), got ${describe(value)}`);
  }
  return value;
}

/** `value` if it is an integer in [`min`, `max`]. */
export function int(ch: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(ch, `${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  return value;
}

/** `value` as an array of `min` to `max` entries checked by `item`, none repeated. */
export function list<T>(ch: string, name: string, value: unknown, min: number, max: number, item: (name: string, v: unknown) => T): T[] {
  // A long array is named by its length, not listed.
  const got = Array.isArray(value) && value.length > 8 ? `${value.length} entries` : describe(value);
  if (!Array.isArray(value) || value.length < min || value.length > max) fail(ch, `${name} must be an array of ${min === max ? min : `${min} to ${max}`} entries, got ${got}`);
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

/** Checks that a channel got no arguments (`undefined` or `{}`). */
export function noArgs(ch: string, args: unknown): Record<string, never> {
  object(ch, 'args', args, [], []);
  return {};
}

/** `value` if it is a string of at most `max` characters (non-empty unless `allowEmpty`). */
export function text(ch: string, name: string, value: unknown, max: number = ARG_LIMITS.maxTextLength, allowEmpty = true): string {
  if (typeof value !== 'string' || value.length > max || (!allowEmpty && value.length === 0)) fail(ch, `${name} must be a ${allowEmpty ? '' : 'non-empty '}string of at most ${max} characters, got ${describe(value)}`);
  return value;
}

/** `value` if it is a finite number in [`min`, `max`]. */
export function finite(ch: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(ch, `${name} must be a finite number${min > -Infinity ? ` in [${min}, ${max === Infinity ? '∞' : max}]` : ''}, got ${describe(value)}`);
  }
  return value;
}

/** `value` if it is true or false. */
export function bool(ch: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(ch, `${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** A plain array of at most `max` entries (no repeat check), as a dense copy: a hole of a sparse array becomes `undefined` and is checked as such. */
export function array(ch: string, name: string, value: unknown, min: number, max: number): unknown[] {
  // A long array is named by its length, not listed.
  const got = Array.isArray(value) && value.length > 8 ? `${value.length} entries` : describe(value);
  if (!Array.isArray(value) || value.length < min || value.length > max) fail(ch, `${name} must be an array of ${min === max ? min : `${min} to ${max}`} entries, got ${got}`);
  return Array.from(value);
}

/** `value` as `length` integers in [`min`, `max`] (`length` a number or a [min, max] range). */
export function ints(ch: string, name: string, value: unknown, length: number | [number, number], min: number, max: number): number[] {
  const [lo, hi] = typeof length === 'number' ? [length, length] : length;
  return array(ch, name, value, lo, hi).map((v, i) => int(ch, `${name}[${i}]`, v, min, max));
}

/** The product of `values` (1 for none). */
export function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}
