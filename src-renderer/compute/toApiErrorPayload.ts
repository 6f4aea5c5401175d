import type { ApiErrorCode, ApiErrorPayload } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/transport';
import { EngineError } from '../engine/EngineError';
import type { EngineErrorCode } from '../engine/protocol';

/** The longest message the contract takes. */
const MAX_MESSAGE = 4096;

/** The contract's code for each engine error code. */
const CODES: Record<EngineErrorCode, ApiErrorCode> = {
  aborted: 'cancelled',
  'invalid-request': 'bad-request',
  'invalid-input': 'bad-input',
  'invalid-model': 'bad-input',
  'backend-unavailable': 'unsupported',
  'inference-failed': 'internal',
  'worker-failed': 'internal',
  internal: 'internal',
};

/**
 * A page compute task's failure as the contract's error (`compute:failed`): an engine error by
 * its code (`aborted` → `cancelled`, bad files → `bad-input`, no usable backend → `unsupported`),
 * an answer of main (ApiError) with its own code, anything else `internal`. The message names
 * where the task ran.
 * @param where e.g. `page compute (ui-page)`
 */
export function toApiErrorPayload(error: unknown, where: string): ApiErrorPayload {
  const clip = (message: string) => {
    const text = `${where}: ${message}`;
    return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
  };
  if (error instanceof EngineError) return { code: CODES[error.code] ?? 'internal', message: clip(error.message) };
  if (error instanceof ApiError) return { code: error.code, message: clip(error.message) };
  return { code: 'internal', message: clip(error instanceof Error ? error.message : String(error)) };
}
