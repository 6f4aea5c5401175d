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
  it('has exactly versions, invoke, on, openDropped, listDroppedDicom (no way to read a path)', () => {
    const api = createPreloadApi(fakeIpc(), () => '', versions);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'listDroppedDicom', 'on', 'openDropped', 'versions']);
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

  it('refuses a file:open from a drop source sent by page script, so no page can name a path', async () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc, () => '/data/a.nii', versions);
    for (const args of [{ kind: 'image', source: { from: 'drop', path: '/etc/shadow' } }, { kind: 'label', source: { from: 'drop' } }]) {
      const answer = (await api.invoke('file:open', args)) as { error: { code: string; message: string } };
      expect(answer.error.code).toBe('forbidden');
      expect(answer.error.message).toMatch(/^invoke file:open: a dropped file is opened with openDropped/);
    }
    // Nor a DICOM folder to list.
    const listed = (await api.invoke('file:dicomSeries', { source: { from: 'drop', path: '/home/user/.ssh' } })) as { error: { code: string; message: string } };
    expect(listed.error).toEqual({ code: 'forbidden', message: 'invoke file:dicomSeries: a dropped file is listed with listDroppedDicom(file), never from a path the page sends' });
    // The other sources still go through (the services check them).
    await expect(api.invoke('file:open', { kind: 'image', source: { from: 'dialog' } })).resolves.toEqual({ result: 'file:open' });
    await expect(api.invoke('file:dicomSeries', { source: { from: 'dialog' } })).resolves.toEqual({ result: 'file:dicomSeries' });
    expect(ipc.invoked).toEqual([
      ['file:open', [{ kind: 'image', source: { from: 'dialog' } }]],
      ['file:dicomSeries', [{ source: { from: 'dialog' } }]],
    ]);
  });

  it("listDroppedDicom lists the dropped folder by its own path, read in the preload, and refuses a File without one", async () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc, (f) => `/scans/${f.name}`, versions);
    await expect(api.listDroppedDicom({ name: 'study' } as File)).resolves.toEqual({ result: 'file:dicomSeries' });
    expect(ipc.invoked).toEqual([['file:dicomSeries', [{ source: { from: 'drop', path: '/scans/study' } }]]]);
    expect(await createPreloadApi(ipc, () => '', versions).listDroppedDicom(new File(['x'], 'forged'))).toEqual({
      error: { code: 'bad-request', message: 'listDroppedDicom: the dropped file has no path on disk (upload its bytes instead)' },
    });
    expect(ipc.invoked).toHaveLength(1);
  });

  it("openDropped sends the File's own path (a model: its folder), read in the preload", async () => {
    const ipc = fakeIpc();
    const seen: unknown[] = [];
    const api = createPreloadApi(ipc, (f) => (seen.push(f), `/data/${f.name}`), versions);
    const image = { name: 'a.nii' } as File;
    await expect(api.openDropped('image', image)).resolves.toEqual({ result: 'file:open' });
    await api.openDropped('label', { name: 'l.nii.gz' } as File);
    await api.openDropped('model', { name: 'model.json' } as File);
    expect(seen[0]).toBe(image);
    expect(ipc.invoked).toEqual([
      ['file:open', [{ kind: 'image', source: { from: 'drop', path: '/data/a.nii' } }]],
      ['file:open', [{ kind: 'label', source: { from: 'drop', path: '/data/l.nii.gz' } }]],
      ['file:open', [{ kind: 'model', source: { from: 'drop', path: '/data' } }]],
    ]);
    // A Windows path: the folder is cut at the last backslash.
    const winIpc = fakeIpc();
    await createPreloadApi(winIpc, () => 'C:\\scans\\m\\model.json', versions).openDropped('model', {} as File);
    expect(winIpc.invoked[0][1]).toEqual([{ kind: 'model', source: { from: 'drop', path: 'C:\\scans\\m' } }]);
  });

  it('openDropped refuses a File without a path (page-made, or webUtils fails) and an unknown kind, without IPC', async () => {
    const ipc = fakeIpc();
    const noPath = createPreloadApi(ipc, () => '', versions);
    expect(await noPath.openDropped('image', new File(['x'], 'forged.nii'))).toEqual({
      error: { code: 'bad-request', message: 'openDropped: the dropped file has no path on disk (upload its bytes instead)' },
    });
    const failing = createPreloadApi(ipc, () => {
      throw new TypeError('not a File');
    }, versions);
    expect(await failing.openDropped('image', '/etc/passwd' as never)).toMatchObject({ error: { code: 'bad-request' } });
    expect(await createPreloadApi(ipc, () => '/a', versions).openDropped('script', {} as File)).toMatchObject({
      error: { code: 'bad-request', message: 'openDropped: kind must be image, label or model, got "script"' },
    });
    expect(ipc.invoked).toEqual([]);
  });
});
