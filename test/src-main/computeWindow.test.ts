import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { createComputeWindows } from '../../src-main/computeWindow';
import { anySenderCheck, appSenderCheck, computeSenderCheck, forwardEvents } from '../../src-main/ipc';
import { computeWindowOptions, windowOptions } from '../../src-main/windowOptions';
import type { WsStatus } from '../../src-renderer/api/wsTransport';
import { wsReconnectHook } from '../../src-renderer/compute/wsReconnectHook';

let nextRouting = 1;
class FakeWindow extends EventEmitter {
  destroyed = false;
  url = '';
  webContents: EventEmitter & { mainFrame: { parent: null; processId: number; routingId: number; url: string } };
  constructor(public options: BrowserWindowConstructorOptions) {
    super();
    const wc = new EventEmitter() as FakeWindow['webContents'];
    wc.mainFrame = { parent: null, processId: 5, routingId: nextRouting++, url: '' };
    this.webContents = wc;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('closed');
  }
  loadURL(url: string) {
    this.url = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
}

const PRELOAD = '/app/out/preload/index.cjs';
const URL_ = 'file:///app/out/renderer/compute.html';

function manager(extra: { maxRestarts?: number } = {}) {
  const windows: FakeWindow[] = [];
  const gone: string[] = [];
  const log: string[] = [];
  const m = createComputeWindows({
    create: (o) => {
      const w = new FakeWindow(o);
      windows.push(w);
      return w;
    },
    preloadPath: PRELOAD,
    url: URL_,
    log: (s) => log.push(s),
    onGone: (d) => gone.push(d.reason),
    ...extra,
  });
  return { m, windows, gone, log };
}

describe('computeWindowOptions', () => {
  it('is hidden, with the main window\'s security settings and preload, and no background throttling', () => {
    const o = computeWindowOptions(PRELOAD);
    const w = o.webPreferences!;
    expect(o.show).toBe(false);
    expect([w.contextIsolation, w.sandbox, w.nodeIntegration, w.nodeIntegrationInWorker, w.webSecurity, w.webviewTag]).toEqual([true, true, false, false, true, false]);
    expect(w.preload).toBe(PRELOAD);
    expect(w).toEqual({ ...windowOptions(PRELOAD).webPreferences, backgroundThrottling: false });
    expect(() => computeWindowOptions('')).toThrow(/windowOptions: preloadPath/);
  });
});

describe('createComputeWindows', () => {
  it('creates one hidden window on compute.html and keeps it', async () => {
    const { m, windows } = manager();
    expect(m.window).toBeNull();
    const w = m.ensure();
    expect(m.ensure()).toBe(w);
    expect(windows).toHaveLength(1);
    expect(w.options).toEqual(computeWindowOptions(PRELOAD));
    expect(w.url).toBe(URL_);
    expect(m.window).toBe(w);
  });

  it('replaces the window when its renderer process dies, and stops after a crash loop', () => {
    const { m, windows, gone, log } = manager({ maxRestarts: 2 });
    m.ensure();
    windows[0].webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(windows).toHaveLength(2);
    expect(windows[0].destroyed).toBe(true);
    expect(m.window).toBe(windows[1]);
    expect(windows[1].url).toBe(URL_);
    windows[1].webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    windows[2].webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(windows).toHaveLength(3);
    expect(m.window).toBeNull();
    expect(gone).toEqual(['crashed', 'oom', 'crashed']);
    expect(log.at(-1)).toMatch(/not restarting it/);
    // An event of a replaced window does nothing.
    windows[0].webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(windows).toHaveLength(3);
  });

  it('destroy(): destroys the window and does not recreate it; ensure() brings it back', () => {
    const { m, windows } = manager();
    m.ensure();
    m.destroy();
    expect(windows[0].destroyed).toBe(true);
    expect(m.window).toBeNull();
    windows[0].webContents.emit('render-process-gone', {}, { reason: 'killed', exitCode: 0 });
    expect(windows).toHaveLength(1);
    m.ensure();
    expect(windows).toHaveLength(2);
  });
});

describe('IPC sender checks with the compute window', () => {
  const appUrl = 'file:///app/out/renderer/index.html';
  const main = new FakeWindow({});
  void main.loadURL(appUrl);
  const compute = new FakeWindow({});
  void compute.loadURL(URL_);
  const asWin = (w: FakeWindow) => w as unknown as { isDestroyed(): boolean; webContents: WebContents };
  const check = anySenderCheck(appSenderCheck(() => asWin(main), appUrl), computeSenderCheck(() => asWin(compute), URL_));
  const event = (w: FakeWindow, frame: object = w.webContents.mainFrame) => ({ sender: w.webContents, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

  it('accepts the compute window\'s main frame on compute:* channels only', () => {
    expect(check(event(compute), 'compute:attach')).toBe(true);
    expect(check(event(compute), 'compute:done')).toBe(true);
    expect(check(event(compute), 'file:open')).toBe(false);
    expect(check(event(compute), 'session:get')).toBe(false);
    expect(check(event(compute))).toBe(false);
  });

  it('still accepts the app page everywhere and refuses forged frames', () => {
    expect(check(event(main), 'file:open')).toBe(true);
    expect(check(event(main), 'compute:attach')).toBe(true);
    expect(check(event(compute, { ...compute.webContents.mainFrame, url: 'https://evil.example/' }), 'compute:attach')).toBe(false);
    expect(check(event(compute, { ...compute.webContents.mainFrame, parent: {} }), 'compute:attach')).toBe(false);
    // The compute page shown in the main window is not the app page, and vice versa.
    expect(check(event(main, { ...main.webContents.mainFrame, url: URL_ }), 'file:open')).toBe(false);
    expect(check(event(compute, { ...compute.webContents.mainFrame, url: appUrl }), 'compute:attach')).toBe(false);
  });

  it('forwards only the named events to the compute window', () => {
    const listeners: ((e: string, p: unknown) => void)[] = [];
    const sent: [string, unknown][] = [];
    const target = { isDestroyed: () => false, getURL: () => URL_, send: (e: string, p: unknown) => sent.push([e, p]) };
    forwardEvents({ subscribe: (l) => (listeners.push(l as never), () => undefined) }, () => target, URL_, ['compute:task', 'compute:cancel']);
    for (const [e, p] of [['session:changed', {}], ['compute:task', { agentId: 'a', taskId: 't' }], ['app:command', { command: 'open-demo' }], ['compute:cancel', { agentId: 'a', taskId: 't' }]] as const) {
      listeners[0](e, p);
    }
    expect(sent).toEqual([
      ['compute:task', { agentId: 'a', taskId: 't' }],
      ['compute:cancel', { agentId: 'a', taskId: 't' }],
    ]);
  });
});

describe('wsReconnectHook', () => {
  it('fires when the transport is open again after reconnecting, not on the first open', () => {
    let status: WsStatus = 'connecting';
    const listeners = new Set<(s: WsStatus) => void>();
    const set = (s: WsStatus) => {
      status = s;
      for (const l of listeners) l(s);
    };
    const hook = wsReconnectHook({ status: () => status, onStatus: (l) => (listeners.add(l), () => listeners.delete(l)) });
    let fired = 0;
    const off = hook(() => fired++);
    set('open');
    expect(fired).toBe(0);
    set('reconnecting');
    set('open');
    expect(fired).toBe(1);
    set('reconnecting');
    set('open');
    expect(fired).toBe(2);
    off();
    set('reconnecting');
    set('open');
    expect(fired).toBe(2);
  });
});
