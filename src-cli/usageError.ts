/** A mistake in the command line: reported in one line with exit code 2, never with a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A problem with the user's input (file, model, values): one line, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}
