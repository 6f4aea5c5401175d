/**
 * The errors that cross the contract: their codes (the one list), the payload and the envelope a
 * transport carries back for a request.
 */

/** Every error code that crosses the contract, one comment each (the one list: {@link ApiErrorCode} is derived from it). */
export const API_ERROR_CODES = [
  'bad-request', // arguments failed validation
  'not-found', // unknown run / sweep / job / recent path, or no such file
  'bad-input', // the file is not what it should be (not NIfTI, wrong shape, model unreadable, ...)
  'precondition', // e.g. no image open, no labels for a sweep of the current image
  'unsupported', // e.g. a native dialog over the browser transport
  'forbidden', // wrong sender frame / token, a path from an untrusted source, a read-only project
  'conflict', // the request would replace existing files: ask the user, then repeat it with `replace`
  'cancelled',
  'internal',
] as const;

/** Error codes that cross the contract (see {@link API_ERROR_CODES}). */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Whether `code` is one of the contract's error codes. */
export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && (API_ERROR_CODES as readonly string[]).includes(code);
}

/** An error as it crosses the contract. */
export interface ApiErrorPayload {
  code: ApiErrorCode;
  message: string;
}

/** What a transport carries back for a request. */
export type Envelope<T> = { result: T } | { error: ApiErrorPayload };
