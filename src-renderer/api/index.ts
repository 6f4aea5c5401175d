/** How the renderer talks to the services: one {@link Api} over Electron IPC or the WebSocket transport. */
export { connectApi, currentWsTransport } from './connectApi';
export { downloadUrl } from './downloadUrl';
export { uploadFiles } from './uploadFiles';
export { takePageToken, pageToken } from './pageToken';
export { createWsTransport, TransportError, type WsStatus, type WsTransport } from './wsTransport';
export { createElectronTransport } from './electronTransport';
