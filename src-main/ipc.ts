import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { REQUEST_CHANNELS } from '../shared/api/contract';
import type { Envelope, EventName, RequestChannel } from '../shared/api/contract';
import type { ServiceConnection } from '../src-node/app/serviceHost';
import { isAppPage } from './navigation';

/** Decides whether an IPC call (on `channel`) comes from the app's own page. */
export type SenderCheck = (event: IpcMainInvokeEvent, channel?: RequestChannel) => boolean;

/** The window whose main frame may call the services (a parameter, so tests pass a fake). */
export interface AppWindowLike {
  isDestroyed(): boolean;
  webContents: WebContents;
}

/**
 * The sender check of every IPC call: the frame exists (it is null once it navigated away or
 * was destroyed), belongs to the app window's web contents, is its main frame (no parent: an
 * iframe cannot call), and shows the app's page (see {@link isAppPage}).
 *
 * @param getWindow the app window (null before it exists / after it closed)
 * @param appUrl URL the window was loaded with
 */
export function appSenderCheck(getWindow: () => AppWindowLike | null, appUrl: string): SenderCheck {
  return (event) => {
    const win = getWindow();
    if (!win || win.isDestroyed()) return false;
    let frame: IpcMainInvokeEvent['senderFrame'];
    try {
      frame = event.senderFrame;
    } catch {
      return false;
    }
    if (!frame) return false;
    if (event.sender !== win.webContents) return false;
    if (frame.parent !== null) return false;
    const main = win.webContents.mainFrame;
    if (main && (frame.processId !== main.processId || frame.routingId !== main.routingId)) return false;
    return isAppPage(frame.url, appUrl);
  };
}

/**
 * The sender check of the hidden compute window (src-main/computeWindow.ts): its main frame
 * showing compute.html (see {@link appSenderCheck}), and only on the page compute channels
 * (`compute:*`): the compute page cannot open files, start runs or read volumes.
 *
 * @param getWindow the compute window (null when there is none)
 * @param computeUrl URL the compute window was loaded with
 */
export function computeSenderCheck(getWindow: () => AppWindowLike | null, computeUrl: string): SenderCheck {
  const fromWindow = appSenderCheck(getWindow, computeUrl);
  return (event, channel) => typeof channel === 'string' && channel.startsWith('compute:') && fromWindow(event, channel);
}

/** A check that accepts a call when any of `checks` accepts it. */
export function anySenderCheck(...checks: SenderCheck[]): SenderCheck {
  return (event, channel) =>
    checks.some((check) => {
      try {
        return check(event, channel) === true;
      } catch {
        return false;
      }
    });
}

/** The part of a service connection the IPC handlers use. */
export type IpcConnection = Pick<ServiceConnection, 'handle'>;

/**
 * Registers one `ipcMain.handle` per request channel of the contract (the IPC channel name is
 * the contract's channel name). Each call is checked by `isTrustedSender` first (otherwise it
 * answers `forbidden`), then goes to the connection of the web contents that sent it
 * (`connectionOf`): every window is its own session, so a call can only act on its own window's
 * session. A sender without a connection (its page closed, crashed or is being replaced) answers
 * `forbidden` too. Channels outside the contract have no handler (Electron rejects the invoke).
 * Returns a function that removes the handlers.
 *
 * @param ipcMain Electron's ipcMain (or a fake)
 * @param connectionOf the connection serving the sender's web contents (null when none)
 * @param isTrustedSender see {@link appSenderCheck}
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  connectionOf: (event: IpcMainInvokeEvent) => IpcConnection | null,
  isTrustedSender: SenderCheck,
): () => void {
  if (typeof connectionOf !== 'function') throw new Error('registerIpc: connectionOf must be a function');
  if (typeof isTrustedSender !== 'function') throw new Error('registerIpc: isTrustedSender must be a function');
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, args: unknown): Promise<Envelope<unknown>> => {
      let trusted = false;
      let connection: IpcConnection | null = null;
      try {
        trusted = isTrustedSender(event, channel) === true;
        if (trusted) connection = connectionOf(event);
      } catch {
        trusted = false;
      }
      if (!trusted) return { error: { code: 'forbidden', message: `${channel}: the request does not come from the app's page` } };
      if (!connection) return { error: { code: 'forbidden', message: `${channel}: this page has no connection to the services (it closed, crashed or is reloading)` } };
      try {
        return await connection.handle(channel, args);
      } catch (err) {
        return { error: { code: 'internal', message: `${channel}: ${err instanceof Error ? err.message : String(err)}` } };
      }
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/**
 * Sends every event of `source` (a window's own connection) to `getTarget()`
 * (`webContents.send(eventName, payload)`), and only while it shows `pageUrl`. Returns the
 * unsubscribe function.
 *
 * @param source the connection whose events these are
 * @param getTarget the window's web contents (null when there is none)
 * @param pageUrl URL the window was loaded with
 * @param events only these events (default: every event)
 */
export function forwardEvents(
  source: Pick<ServiceConnection, 'subscribe'>,
  getTarget: () => Pick<WebContents, 'isDestroyed' | 'getURL' | 'send'> | null,
  pageUrl: string,
  events?: readonly EventName[],
): () => void {
  return source.subscribe((event, payload) => {
    if (events && !events.includes(event)) return;
    const target = getTarget();
    if (!target || target.isDestroyed() || !isAppPage(target.getURL(), pageUrl)) return;
    target.send(event, payload);
  });
}
