import type { IpcRendererEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { createPreloadApi, type PreloadApi } from '../../src-main/preloadApi';
import type { PatchLensApi } from '../../src-renderer/env';

// Compile-time: the preload's API and the renderer's declaration (env.d.ts) are the same shape.
const _toRenderer: (api: PreloadApi) => PatchLensApi = (api) => api;
const _toPreload: (api: PatchLensApi) => PreloadApi = (api) => api as PreloadApi;
void _toRenderer;
void _toPreload;

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void;

function fakeIpc() {
  const invoked: [string, unknown[]][] = [];
  const listeners = new Map<string, Set<Listener>>();
  return {
    invoked,
    listeners,
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push([channel, args]);
      if (channel === 'run:delete') throw new Error("No handler registered for 'run:delete'");
      return { result: channel };
    },
    on: (channel: string, l: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: Listener) => void listeners.get(channel)?.delete(l),
    emit: (channel: string, payload: unknown) => {
      const event = { sender: { secret: 'ipcRenderer' }, ports: [] } as unknown as IpcRendererEvent;
      for (const l of listeners.get(channel) ?? []) l(event, payload);
    },
  };
}

const versions = { app: '0.1.0', electron: '41.7.1', chrome: '146', node: '24' };

describe('createPreloadApi', () => {
  it('has exactly versions, invoke, on, pathForFile', () => {
    const api = createPreloadApi(fakeIpc(), () => '', versions);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'pathForFile', 'versions']);
    expect(api.versions).toEqual(versions);
  });

  it('invokes contract channels and refuses others without touching IPC', async () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc, () => '', versions);
    await expect(api.invoke('session:get', {})).resolves.toEqual({ result: 'session:get' });
    for (const channel of ['fs:read', 'ELECTRON_BROWSER_WINDOW_ALERT', '__proto__', 'toString', '', 42 as unknown as string]) {
      const answer = await api.invoke(channel, {});
      expect(answer).toMatchObject({ error: { code: 'bad-request' } });
      expect((answer as { error: { message: string } }).error.message).toMatch(/^invoke: unknown channel/);
    }
    expect(ipc.invoked).toEqual([['session:get', [{}]]]);
  });

  it('turns a rejected invoke into an internal error envelope', async () => {
    const api = createPreloadApi(fakeIpc(), () => '', versions);
    await expect(api.invoke('run:delete', { runId: 'r' })).resolves.toEqual({
      error: { code: 'internal', message: "invoke run:delete: No handler registered for 'run:delete'" },
    });
  });

  it('on passes the payload alone, unsubscribes, and refuses unknown events', () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc, () => '', versions);
    const got: unknown[][] = [];
    const off = api.on('job:progress', (...args: unknown[]) => void got.push(args));
    ipc.emit('job:progress', { id: 'j1' });
    off();
    off();
    ipc.emit('job:progress', { id: 'j2' });
    expect(got).toEqual([[{ id: 'j1' }]]);
    expect(ipc.listeners.get('job:progress')!.size).toBe(0);
    expect(() => api.on('ELECTRON_ANYTHING', () => {})).toThrow(/^on: unknown event/);
    expect(() => api.on('session:changed', 'x' as never)).toThrow(/on: listener/);
  });

  it('pathForFile answers the path, or "" when webUtils fails', () => {
    const file = { name: 'a.nii' } as File;
    expect(createPreloadApi(fakeIpc(), (f) => `/data/${f.name}`, versions).pathForFile(file)).toBe('/data/a.nii');
    const failing = createPreloadApi(fakeIpc(), () => {
      throw new TypeError('not a File');
    }, versions);
    expect(failing.pathForFile(file)).toBe('');
  });
});
