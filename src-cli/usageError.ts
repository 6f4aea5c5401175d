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
