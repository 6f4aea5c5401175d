import type { RequestChannel } from '../../../shared/api/contract';
import { appPackage } from '../appPackage';
import { openDemo } from '../bundledDemo';
import type { HostContext } from '../hostContext';
import type { HandlerTable } from './callContext';

/** The channels about the app and the caller's session: its state, the demo, its jobs. */
export type SessionChannel = Extract<RequestChannel, 'app:info' | `session:${string}` | `job:${string}`>;

/** The handlers of {@link SessionChannel}. */
export function sessionHandlers(host: HostContext): HandlerTable<SessionChannel> {
  const { options, queue } = host;
  return {
    'app:info': async ({ transport }) => ({ name: 'PatchLens', version: appPackage().version, platform: process.platform, transport, nativeDialogs: !!options.dialogs }),
    'session:get': async ({ session }) => session.state(),
    'session:openDemo': ({ session }) =>
      session.exclusive(async () => {
        await openDemo(host, session);
        session.changed();
        return session.state();
      }),
    'job:cancel': async ({ session }, { jobId }) => queue.cancel(jobId, session.id),
  };
}
