import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS } from '../../shared/api/contract';
import type { EventName, Events } from '../../shared/api/contract';
import { appSenderCheck, forwardEvents, registerIpc, type AppWindowLike } from '../../src-main/ipc';

const APP = 'app://patchlens/index.html';

type Handler = (event: IpcMainInvokeEvent, args: unknown) => Promise<unknown>;

/** A fake ipcMain that records the handlers. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, listener: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

/** A fake app window with a main frame on `url`, and an event factory for its frames. */
function fakeWindow(url = APP) {
  const mainFrame: FakeFrame = { url, parent: null, processId: 4, routingId: 1 };
  const webContents = { mainFrame } as unknown as WebContents;
  const win: AppWindowLike = { isDestroyed: () => false, webContents };
  const event = (frame: FakeFrame | null, sender: unknown = webContents) => ({ senderFrame: frame, sender }) as unknown as IpcMainInvokeEvent;
  return { win, mainFrame, webContents, event };
}

/** A fake connection recording the calls delegated to it. */
function fakeConnection(name = 'c1') {
  const calls: [string, unknown][] = [];
  return {
    calls,
    handle: async (channel: string, args: unknown) => {
      calls.push([channel, args]);
      return { result: { echoed: channel, by: name } };
    },
  };
}

/** connectionOf for one connection serving every sender. */
const only = (c: ReturnType<typeof fakeConnection>) => () => c;

describe('registerIpc', () => {
  it('registers exactly the contract channels', () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc, only(fakeConnection()), () => true);
    expect([...ipc.handlers.keys()]).toEqual([...REQUEST_CHANNELS]);
    expect(ipc.handlers.has('patchlens:invoke')).toBe(false);
    expect(ipc.handlers.has('fs:readFile')).toBe(false);
  });

  it("delegates a call from the app page main frame to its own window's connection", async () => {
    const ipc = fakeIpcMain();
    const services = fakeConnection();
    const { win, mainFrame, event } = fakeWindow();
    registerIpc(ipc, only(services), appSenderCheck(() => win, APP));
    const args = { kind: 'image', source: { from: 'dialog' } };
    await expect(ipc.handlers.get('file:open')!(event(mainFrame), args)).resolves.toEqual({ result: { echoed: 'file:open', by: 'c1' } });
    // The app page with a hash (client-side route) is still the app page.
    const routed = { ...mainFrame, url: `${APP}#/explorer` };
    await expect(ipc.handlers.get('session:get')!(event(routed), {})).resolves.toEqual({ result: { echoed: 'session:get', by: 'c1' } });
    expect(services.calls).toEqual([
      ['file:open', args],
      ['session:get', {}],
    ]);
  });

  it('sends each call to the connection of the web contents that sent it', async () => {
    const ipc = fakeIpcMain();
    const a = fakeWindow();
    const b = fakeWindow();
    const ca = fakeConnection('a');
    const cb = fakeConnection('b');
    const byContents = new Map<unknown, ReturnType<typeof fakeConnection>>([
      [a.webContents, ca],
      [b.webContents, cb],
    ]);
    registerIpc(ipc, (e) => byContents.get(e.sender) ?? null, () => true);
    await expect(ipc.handlers.get('run:start')!(a.event(a.mainFrame), { n: 1 })).resolves.toEqual({ result: { echoed: 'run:start', by: 'a' } });
    await expect(ipc.handlers.get('job:cancel')!(b.event(b.mainFrame), { n: 2 })).resolves.toEqual({ result: { echoed: 'job:cancel', by: 'b' } });
    expect([ca.calls, cb.calls]).toEqual([[['run:start', { n: 1 }]], [['job:cancel', { n: 2 }]]]);
  });

  it('answers forbidden for a trusted sender without a connection (closed, crashed, reloading)', async () => {
    const ipc = fakeIpcMain();
    const { mainFrame, event } = fakeWindow();
    registerIpc(ipc, () => null, () => true);
    const answer = (await ipc.handlers.get('session:get')!(event(mainFrame), {})) as { error: { code: string; message: string } };
    expect(answer.error).toEqual({ code: 'forbidden', message: 'session:get: this page has no connection to the services (it closed, crashed or is reloading)' });
  });

  it('answers forbidden to forged senders and never calls a connection', async () => {
    const ipc = fakeIpcMain();
    const services = fakeConnection();
    const { win, mainFrame, event } = fakeWindow();
    let looked = 0;
    registerIpc(ipc, () => (looked++, services), appSenderCheck(() => win, APP));
    const call = (e: IpcMainInvokeEvent) => ipc.handlers.get('run:delete')!(e, { runId: 'r1' });
    const forged = [
      event(null), // frame gone (navigated away / destroyed)
      event({ ...mainFrame, url: 'https://evil.example/index.html' }), // another page in the main frame
      event({ ...mainFrame, url: 'file:///tmp/evil.html' }), // a local file
      event({ ...mainFrame, url: 'app://patchlens/compute.html' }), // the compute page is not the app page
      event({ ...mainFrame, url: 'app://evil/index.html' }), // another host of the scheme
      event({ url: APP, parent: mainFrame, processId: 4, routingId: 7 }), // an iframe showing the app page
      event({ ...mainFrame, routingId: 9 }), // a frame that is not the window's main frame
      event(mainFrame, { other: 'webContents' }), // another window's web contents
    ];
    for (const e of forged) {
      const answer = (await call(e)) as { error: { code: string; message: string } };
      expect(answer.error.code).toBe('forbidden');
      expect(answer.error.message).toMatch(/^run:delete: /);
    }
    expect(services.calls).toEqual([]);
    expect(looked).toBe(0);
  });

  it('is forbidden without a window, with a destroyed window, or when the check throws', async () => {
    const ipc = fakeIpcMain();
    const services = fakeConnection();
    const { win, mainFrame, event } = fakeWindow();
    let current: AppWindowLike | null = null;
    registerIpc(ipc, only(services), appSenderCheck(() => current, APP));
    expect(await ipc.handlers.get('app:info')!(event(mainFrame), {})).toMatchObject({ error: { code: 'forbidden' } });
    current = { ...win, isDestroyed: () => true };
    expect(await ipc.handlers.get('app:info')!(event(mainFrame), {})).toMatchObject({ error: { code: 'forbidden' } });

    const ipc2 = fakeIpcMain();
    registerIpc(ipc2, only(services), () => {
      throw new Error('boom');
    });
    expect(await ipc2.handlers.get('app:info')!(event(mainFrame), {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(services.calls).toEqual([]);
  });

  it('turns a throwing service into an internal error envelope', async () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc, () => ({ handle: () => Promise.reject(new Error('disk full')) }), () => true);
    await expect(ipc.handlers.get('run:start')!({} as IpcMainInvokeEvent, {})).resolves.toEqual({ error: { code: 'internal', message: 'run:start: disk full' } });
  });

  it('the returned function removes every handler', () => {
    const ipc = fakeIpcMain();
    const dispose = registerIpc(ipc, only(fakeConnection()), () => true);
    dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(() => registerIpc(ipc, 'x' as never, () => true)).toThrow(/registerIpc: connectionOf/);
  });
});

describe('forwardEvents', () => {
  it("sends each of a connection's events to its page, payload only, and stops after unsubscribe", () => {
    let listener: (<E extends EventName>(event: E, payload: Events[E]) => void) | null = null;
    const services = {
      subscribe: (l: typeof listener) => {
        listener = l;
        return () => void (listener = null);
      },
    };
    const sent: [string, unknown][] = [];
    let url = APP;
    let destroyed = false;
    const target = { isDestroyed: () => destroyed, getURL: () => url, send: (channel: string, payload: unknown) => void sent.push([channel, payload]) };
    const stop = forwardEvents(services as never, () => target, APP);
    listener!('app:command', { command: 'open-demo' });
    url = 'https://evil.example/';
    listener!('app:command', { command: 'run-sweep' });
    url = APP;
    destroyed = true;
    listener!('app:command', { command: 'run-sweep' });
    expect(sent).toEqual([['app:command', { command: 'open-demo' }]]);
    stop();
    expect(listener).toBeNull();
  });
});
