/**
 * Lenient readers of parsed JSON (summary.json, sweep.json, results/*.json written by any
 * version): each returns the value when it has the expected type, else a neutral default.
 */

/** A JSON object as read. */
export type Rec = Record<string, unknown>;
/** Whether `v` is a JSON object (not null, not an array). */
export const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
/** `v` as a JSON object, or `{}`. */
export const rec = (v: unknown): Rec => (isRec(v) ? v : {});
/** `v` when it is a finite number, else null. */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** `v` when it is a non-empty string, else null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
/** `v` when it is an array, else `[]`. */
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** `v` when it is an array of finite numbers, else null. */
export const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => num(x) !== null) ? (v as number[]) : null);
/** `v` when it is an array of strings, else null. */
export const strs = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);
/** The mean of `xs`. */
export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Whether two shapes are equal. */
export const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
