import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: reported in one line with exit code 2, never with a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A problem with the user's input (file, model, values): one line, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Runs `f`; any error becomes an {@link InputError} naming the option it came from (unless the
 * message already starts with an option).
 */
export async function asInputError<T>(f: () => Promise<T>, option: string): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const m = (e as Error).message;
    throw new InputError(m.startsWith('--') ? m : `${option}: ${m}`);
  }
}

/**
 * `node:util`'s parseArgs for one command: a mistake becomes a {@link UsageError} of one line
 * that names the command (`infer: Unknown option '--x'`), without Node's hint about positionals.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '')}`);
  }
}

/** The allowed values of a numeric option: integers in `min..max`, or numbers in `[min, max]` (`(min, max]` when `minExclusive`). */
export interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
  minExclusive?: boolean;
}

/** A range as the help text and the errors write it: `1..1024`, `[0, 0.95]`, `(0, 64]`. */
export function formatRange(range: NumberRange): string {
  if (range.integer) return `${range.min}..${range.max}`;
  return `${range.minExclusive ? '(' : '['}${range.min}, ${range.max}]`;
}

/** What a value of the range is called in an error: `an integer in 1..1024`, `a number in [0, 0.95]`. */
export function describeRange(range: NumberRange): string {
  return `${range.integer ? 'an integer' : 'a number'} in ${formatRange(range)}`;
}

/**
 * One numeric value in `range`, written as plain decimal digits (`64`, `0.25`, `.5`; no signs,
 * exponents, hex or Infinity, so that `1e9` is named as out of range instead of read as a huge
 * number); NaN when it is not such a value or lies outside the range.
 */
export function numberInRange(text: string, range: NumberRange): number {
  const t = text.trim();
  const ok = range.integer ? /^\d+$/.test(t) : /^(\d+(\.\d*)?|\.\d+)$/.test(t);
  if (!ok) return NaN;
  const n = Number(t);
  const aboveMin = range.minExclusive ? n > range.min : n >= range.min;
  return aboveMin && n <= range.max ? n : NaN;
}
