import { createApi, type Api } from '../../shared/api/transport';
import { createElectronTransport } from './electronTransport';
import { takePageToken } from './pageToken';
import { createWsTransport, TransportError, type WsTransport } from './wsTransport';

/** The WebSocket transport of the last {@link connectApi} (null in Electron), for status displays. */
let wsTransport: WsTransport | null = null;

/**
 * Connects the page to the services: in Electron through the preload bridge
 * (`window.patchlens`), otherwise through the WebSocket of the server that served the page, with
 * the token of the address (`?token=…`) or of this tab's sessionStorage.
 * @throws TransportError when there is no token, the token is refused or the server cannot be reached
 */
export async function connectApi(): Promise<Api> {
  if (window.patchlens) return createApi(createElectronTransport(window.patchlens));
  const token = takePageToken();
  if (!token) throw new TransportError('connectApi: no access token: open the address (with ?token=…) that `npm run serve` printed');
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = createWsTransport({ url: `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}` });
  wsTransport = transport;
  await transport.ready;
  return createApi(transport);
}

/** The WebSocket transport in use (null in Electron or before {@link connectApi}). */
export function currentWsTransport(): WsTransport | null {
  return wsTransport;
}
