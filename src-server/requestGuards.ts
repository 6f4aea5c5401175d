/**
 * Checks against DNS rebinding and cross-site WebSockets: the Host header must name the server
 * itself (`127.0.0.1:PORT` or `localhost:PORT`), and a WebSocket's Origin must be the page's own
 * origin on that host.
 */

/** Whether the Host header names this server (`127.0.0.1:PORT` or `localhost:PORT`, case-insensitive). */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (typeof host !== 'string') return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** Whether a WebSocket Origin is this server's own origin (`http://` + the allowed Host header). */
export function originAllowed(origin: string | undefined, host: string | undefined, port: number): boolean {
  if (typeof origin !== 'string' || !hostAllowed(host, port)) return false;
  return origin.toLowerCase() === `http://${host!.toLowerCase()}`;
}
