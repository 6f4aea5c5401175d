/**
 * Main closes the open image's annotation the moment another image is opened (src-node
 * session.ts `openPath`): an edit still queued in the page after that would be refused, and the
 * stroke lost. The page's Api is wrapped so that every request that can open another image
 * waits until the annotation's queued edits have been answered.
 */
import type { Api } from '../../shared/api/transport';

/** Requests that can replace main's open image (and so close its annotation). */
export const IMAGE_SWITCHING_CHANNELS: ReadonlySet<string> = new Set(['file:open', 'session:openDemo']);

/**
 * The Api with {@link IMAGE_SWITCHING_CHANNELS} requests sent only after `flush()` resolves
 * (a flush that fails does not stop the request; the failure is the edit's own to report).
 */
export function flushBeforeImageSwitch(api: Api, flush: () => Promise<void>): Api {
  return {
    transport: api.transport,
    async call(channel, args) {
      if (IMAGE_SWITCHING_CHANNELS.has(channel)) await flush().catch(() => undefined);
      return api.call(channel, args);
    },
    on: (event, listener) => api.on(event, listener),
  };
}
