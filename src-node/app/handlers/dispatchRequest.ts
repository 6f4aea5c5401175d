import type { Envelope, RequestChannel } from '../../../shared/api/contract';
import { validateArgs } from '../../../shared/api/validateArgs';
import { fail, toErrorPayload } from '../serviceError';
import type { CallContext, HandlerTable } from './callContext';

/**
 * Answers one request of a connection: validates its arguments (`bad-request` names the channel
 * and the argument), waits until the session's first files are open, refuses a `compute`
 * connection every channel but `compute:*` (`forbidden`), then calls the channel's handler with
 * the caller's context. Never throws: a failure comes back as `{ error }` with its contract code.
 */
export async function dispatchRequest(handlers: HandlerTable<RequestChannel>, call: CallContext, channel: string, args: unknown): Promise<Envelope<unknown>> {
  try {
    const checked = validateArgs(channel, args);
    // Requests see the session with its first files open.
    await call.session.ready;
    if (call.role === 'compute' && !channel.startsWith('compute:')) throw fail('forbidden', `${channel}: a compute page may call the compute:* channels only`);
    const handler = handlers[channel as RequestChannel] as (call: CallContext, args: unknown) => Promise<unknown>;
    const result = await handler(call, checked);
    return { result };
  } catch (e) {
    return { error: toErrorPayload(e) };
  }
}
