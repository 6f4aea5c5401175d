import { isEngineErrorCode, type EngineErrorCode } from './protocol';

/**
 * An engine failure with its {@link EngineErrorCode}: thrown inside the worker to tag a failure,
 * posted as `{ code, message }`, and rebuilt on the UI side by the engine client, so that the
 * code survives the thread boundary (`err.code === 'aborted'` after a cancel).
 */
export class EngineError extends Error {
  /** Why the run failed. */
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }

  /** The posted form. */
  toJSON(): { code: EngineErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }

  /** Rebuilds an error from a posted `{ code, message }` (an unknown code becomes `internal`). */
  static fromPosted(value: unknown): EngineError {
    const v = (value ?? {}) as { code?: unknown; message?: unknown };
    const code = isEngineErrorCode(v.code) ? v.code : 'internal';
    const message = typeof v.message === 'string' ? v.message : `engine error without a message (${JSON.stringify(value)})`;
    return new EngineError(code, message);
  }
}

/** True when `error` is an {@link EngineError} with code `aborted`. */
export function isAbortError(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'aborted';
}
