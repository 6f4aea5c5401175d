import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { ServiceConnection } from '../../src-node/app/serviceHost';
import { createComputeWindows } from '../../src-main/computeWindow';
import { createWindowConnections } from '../../src-main/windowConnections';

const URL_ = 'app://patchlens/compute.html';

/** A fake hidden window whose web contents emits what Electron's does (destroyed, did-navigate). */
class FakeWindow extends EventEmitter {
  destroyed = false;
  webContents: EventEmitter & { url: string; isDestroyed(): boolean; getURL(): string; send(c: string, p: unknown): void; sent: string[] };
  constructor(public options: BrowserWindowConstructorOptions) {
    super();
    const wc = Object.assign(new EventEmitter(), {
      url: '',
      sent: [] as string[],
      isDestroyed: () => this.destroyed,
      getURL: () => wc.url,
      send: (c: string) => void wc.sent.push(c),
    });
    this.webContents = wc;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
  loadURL(url: string) {
    this.webContents.url = url;
    this.webContents.emit('did-navigate', {}, url);
    return Promise.resolve();
  }
}

/** The compute windows as index.ts sets them up: each new window binds a compute connection of its own. */
function setup() {
  const windows: FakeWindow[] = [];
  const opened: { id: string; closed: string[] }[] = [];
  const connections = createWindowConnections(() => {});
  let n = 0;
  const connect = (): ServiceConnection => {
    const record = { id: `compute-${++n}`, closed: [] as string[] };
    opened.push(record);
    return {
      id: record.id,
      session: { id: 's', key: 'k', resumed: false },
      handle: () => Promise.resolve({ result: null }),
      subscribe: () => () => {},
      messageAllowance: () => null,
      close: (mode) => void record.closed.push(String(mode)),
    };
  };
  const m = createComputeWindows({
    create: (o) => {
      const w = new FakeWindow(o);
      windows.push(w);
      return w;
    },
    preloadPath: '/app/out/preload/index.cjs',
    url: URL_,
    log: () => {},
    onCreate: (w) => void connections.bind(w.webContents, { pageUrl: URL_, connect }),
  });
  return { m, windows, opened, connections };
}

describe('the compute window and its connection', () => {
  it('each compute window gets its own connection before it loads; a crash closes it and the new window gets a fresh one', () => {
    const { m, windows, opened, connections } = setup();
    m.ensure();
    expect(opened.map((o) => o.id)).toEqual(['compute-1']);
    expect(connections.of(windows[0].webContents)?.id).toBe('compute-1');
    windows[0].webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(windows).toHaveLength(2);
    expect(opened.map((o) => [o.id, o.closed])).toEqual([
      ['compute-1', ['closed']],
      ['compute-2', []],
    ]);
    expect(connections.of(windows[0].webContents)).toBeNull();
    expect(connections.of(windows[1].webContents)?.id).toBe('compute-2');
  });

  it('restart() replaces the window and its connection; destroy() closes the connection', () => {
    const { m, windows, opened, connections } = setup();
    m.ensure();
    const w = m.restart();
    expect(w).toBe(windows[1]);
    expect(windows[0].destroyed).toBe(true);
    expect(opened.map((o) => [o.id, o.closed])).toEqual([
      ['compute-1', ['closed']],
      ['compute-2', []],
    ]);
    m.destroy();
    expect(opened[1].closed).toEqual(['closed']);
    expect(connections.size).toBe(0);
  });
});
