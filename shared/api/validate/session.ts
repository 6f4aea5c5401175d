/** The validators of the sessions domain's channels. */
import type { RequestArgs } from '../contract';
import type { SessionChannel } from '../channels/session';
import { id, noArgs, object, type Check } from './checks';

/** One validator per channel of the sessions domain. */
export const SESSION_VALIDATORS: { [K in SessionChannel]: Check<RequestArgs<K>> } = {
  'app:info': noArgs,
  'session:get': noArgs,
  'session:openDemo': noArgs,
  'job:cancel': (ch, args) => ({ jobId: id(ch, 'jobId', object(ch, 'args', args, ['jobId']).jobId) }),
};
