/**
 * Pure argument validators for every request channel of the contract. Main runs them before a
 * request reaches a service; a failure throws {@link ArgsError} whose message names the channel
 * and the argument ("run:start: settings.overlap must be in [0, 0.9], got 1.2"). Unknown keys are
 * refused, so nothing the renderer sends goes unchecked.
 *
 * One table per domain (`validate/<domain>.ts`, the domains of the contract's `channels/`); the
 * checks they are made of are in `validate/checks.ts`, the run and sweep parameters' in
 * `validate/runParameters.ts`.
 */
import { REQUEST_CHANNELS, type RequestArgs, type RequestChannel } from './contract';
import { describe } from '../util/validate';
import { ANNOTATION_VALIDATORS } from './validate/annotation';
import { ArgsError, type Check } from './validate/checks';
import { COMPUTE_VALIDATORS } from './validate/compute';
import { DICOM_VALIDATORS } from './validate/dicom';
import { FILE_VALIDATORS } from './validate/files';
import { REPORT_VALIDATORS } from './validate/reports';
import { RUN_VALIDATORS } from './validate/runs';
import { SESSION_VALIDATORS } from './validate/session';
import { SWEEP_VALIDATORS } from './validate/sweeps';

export { ArgsError } from './validate/checks';
export { ARG_LIMITS } from './validate/argLimits';

/** Whether `channel` is a request channel of the contract. */
export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(channel);
}

/** One validator per channel: checks and returns the arguments (a fresh object with exactly the contract's keys). */
export const ARG_VALIDATORS: { readonly [K in RequestChannel]: Check<RequestArgs<K>> } = {
  ...SESSION_VALIDATORS,
  ...FILE_VALIDATORS,
  ...RUN_VALIDATORS,
  ...SWEEP_VALIDATORS,
  ...REPORT_VALIDATORS,
  ...DICOM_VALIDATORS,
  ...COMPUTE_VALIDATORS,
  ...ANNOTATION_VALIDATORS,
};

/**
 * Validates a request's arguments.
 * @returns the checked arguments (a fresh object; typed arrays of uploads are kept, not copied)
 * @throws ArgsError naming the channel and the argument; for an unknown channel too
 */
export function validateArgs<K extends RequestChannel>(channel: K, args: unknown): RequestArgs<K>;
export function validateArgs(channel: string, args: unknown): unknown;
export function validateArgs(channel: string, args: unknown): unknown {
  if (!isRequestChannel(channel)) throw new ArgsError(`unknown request channel ${describe(channel)}`);
  return (ARG_VALIDATORS[channel] as Check<unknown>)(channel, args);
}
