/**
 * Telling a clear error from a crash. A clean error is one line, thrown by the project's own
 * code, and names the function, option or channel (`readNifti: …`, `loadModel: …`, `infer:
 * --patch …`, `run:start: settings…`); anything else thrown is a crash, and so is a prefixed
 * message that only wraps an engine failure ("… Cannot read properties of undefined"): the user
 * still cannot tell what is wrong with the input.
 */
import type { Verdict } from './types';

/** Messages of the JavaScript engine itself: a bug surfacing, never a description of the input. */
const ENGINE_FAILURES = [
  'Cannot read properties of',
  'Cannot set properties of',
  'is not a function',
  'is not iterable',
  'is not a constructor',
  'Maximum call stack size exceeded',
  'Invalid typed array length',
  'Array buffer allocation failed',
  'Invalid array length',
  'Invalid string length',
  'Offset is outside the bounds',
  'Start offset',
  'out of memory',
  'Cannot convert',
  'Cannot mix BigInt',
  'Reduce of empty array',
  'Cannot destructure',
  'is not defined',
  'Cannot access',
];

/** The first line of an error's message (the whole message of a non-Error). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Classifies something thrown.
 * @param clean what a clean message of this target starts with (e.g. `/^readNifti: /`)
 */
export function classifyError(e: unknown, clean: RegExp): Verdict {
  const message = messageOf(e);
  const stack = e instanceof Error ? e.stack : undefined;
  const crash = (why: string): Verdict => ({ outcome: 'crash', message: `${why}: ${message}`, stack });
  if (!(e instanceof Error)) return crash(`threw a non-Error (${typeof e})`);
  if (message.includes('\n')) return crash('an error of more than one line');
  const engine = ENGINE_FAILURES.find((s) => message.includes(s));
  if (engine) return crash(`an engine failure ("${engine}")`);
  if (!clean.test(message)) return crash(`an error that names no function or option (${e.name})`);
  return { outcome: 'clean', message };
}

/** A garbage verdict: a "success" that is not sane. */
export function garbage(why: string): Verdict {
  return { outcome: 'garbage', message: why };
}

/** An accepted verdict. */
export function accepted(summary: string): Verdict {
  return { outcome: 'accepted', message: summary };
}
