import type { ApiErrorCode } from '../../shared/api/contract';

/**
 * An error of the compute functions with the contract's code (`not-found`: a run file is missing;
 * `bad-request`: a voxel outside the image; `bad-input` / `precondition`: inputs that do not fit
 * the run). The service host answers `{ error: { code, message } }` from it.
 */
export class ComputeError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ComputeError';
    this.code = code;
  }
}
