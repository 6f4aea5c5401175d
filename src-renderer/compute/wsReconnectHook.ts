import type { WsStatus } from '../api/wsTransport';

/** The bits of the WebSocket transport the hook reads. */
export interface StatusSource {
  status(): WsStatus;
  onStatus(listener: (status: WsStatus) => void): () => void;
}

/**
 * An `onReconnect` for the compute agent: calls the listener each time the WebSocket transport
 * is open again after it was reconnecting (not on the first open).
 * @returns the subscribe function (which returns its unsubscribe function)
 */
export function wsReconnectHook(transport: StatusSource): (listener: () => void) => () => void {
  return (listener) => {
    let previous = transport.status();
    return transport.onStatus((status) => {
      const reopened = status === 'open' && previous !== 'open' && previous !== 'connecting';
      previous = status;
      if (reopened) listener();
    });
  };
}
