import type { Envelope, EventName, RequestChannel } from '../../shared/api/contract';
import type { Transport } from '../../shared/api/transport';
import type { PatchLensApi } from '../env';

/** The transport over Electron's preload bridge (`window.patchlens`). */
export function createElectronTransport(bridge: PatchLensApi): Transport {
  return {
    kind: 'electron',
    invoke: (channel: RequestChannel, args: unknown) => bridge.invoke(channel, args) as Promise<Envelope<unknown>>,
    on: (event: EventName, listener: (payload: unknown) => void) => bridge.on(event, listener),
  };
}
