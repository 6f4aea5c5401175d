import { isApiErrorCode, type ApiErrorCode, type ApiErrorPayload } from '../../shared/api/contract';
import { ArgsError } from '../../shared/api/validateArgs';

/** An error a service raises on purpose, with the contract's code. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Shorthand: `throw fail('not-found', 'run:layer: no run r9')`. */
export function fail(code: ApiErrorCode, message: string): ServiceError {
  return new ServiceError(code, message);
}

/** Whether an error is an abort (AbortSignal reason, or a cancelled job). */
export function isAbort(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'AbortError' || (e instanceof ServiceError && e.code === 'cancelled');
}

/** The payload an error crosses the contract as: its own code, `bad-request` for invalid arguments, else `internal`. */
export function toErrorPayload(e: unknown): ApiErrorPayload {
  if (e instanceof ServiceError) return { code: e.code, message: e.message };
  // ComputeError (src-node/compute) and errors rebuilt from the worker carry a contract code.
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && isApiErrorCode(code)) return { code, message: e.message };
  if (e instanceof ArgsError) return { code: 'bad-request', message: e.message };
  // An output that would overwrite an input or files PatchLens did not write (src-node/fs/outputGuard.ts).
  if (e instanceof Error && e.name === 'OutputRefusedError') return { code: 'bad-input', message: e.message };
  if (isAbort(e)) return { code: 'cancelled', message: (e as Error).message || 'cancelled' };
  const message = e instanceof Error ? e.message || e.name : String(e);
  return { code: 'internal', message };
}
