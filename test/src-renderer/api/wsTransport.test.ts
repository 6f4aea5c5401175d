/**
 * The renderer's WebSocket transport (src-renderer/api/wsTransport.ts) against the real server
 * with a fake ServiceHost, in Node with the `ws` client standing in for the page's WebSocket:
 * calls through createApi, events, pending calls rejected when the socket drops, reconnect with
 * re-sync, the refused token; plus the page-token and download-link helpers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { ApiError, createApi } from '../../../shared/api/transport';
import { downloadUrl } from '../../../src-renderer/api/downloadUrl';
import { pageToken, takePageToken, TOKEN_KEY } from '../../../src-renderer/api/pageToken';
import { uploadFiles } from '../../../src-renderer/api/uploadFiles';
import { createWsTransport, type WebSocketLike, type WsStatus } from '../../../src-renderer/api/wsTransport';
import { startServer, type RunningServer } from '../../../src-server/startServer';
import { createFakeServices, fakeVolume, type FakeServices } from '../../src-server/fakeServices';

/** `ws`'s client with the Origin a page on the server would send. */
const socketFrom = (origin: string) =>
  class extends NodeWebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  } as unknown as WebSocketLike;

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('wsTransport', () => {
  let dir: string;
  let staticDir: string;
  let services: FakeServices;
  let server: RunningServer;
  const token = 'b'.repeat(64);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patchlens-ws-'));
    staticDir = join(dir, 'static');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<p>x</p>');
    services = createFakeServices(dir);
    server = await startServer({ services, staticDir, token });
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls through createApi, gets typed arrays and ApiErrors, receives events', async () => {
    const t = createWsTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${token}`, WebSocket: socketFrom(`http://127.0.0.1:${server.port}`) });
    await t.ready;
    const api = createApi(t);
    expect(api.transport).toBe('http');
    const volume = await api.call('volume:get', { kind: 'label' });
    expect(volume.data).toBeInstanceOf(Float32Array);
    expect(Array.from(volume.data)).toEqual(Array.from(fakeVolume().data));
    const err = await api.call('run:delete', { runId: 'r1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not-found');
    expect((err as ApiError).message).toBe('run:delete: no run r1');
    const got: unknown[] = [];
    const off = api.on('job:progress', (p) => got.push(p));
    const conn = services.made.at(-1)!;
    conn.emit('job:progress', { id: 'j1' } as never);
    await until(() => got.length === 1);
    expect(got).toEqual([{ id: 'j1' }]);
    off();
    conn.emit('job:progress', { id: 'j2' } as never);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    t.close();
    expect(t.status()).toBe('closed');
    await expect(api.call('app:info', {})).rejects.toThrow('app:info: not connected to the PatchLens server (closed)');
  });

  it('rejects pending calls when the socket drops, reconnects with backoff naming its session, and re-syncs', async () => {
    const port = server.port;
    const kept = new Map<string, string>();
    const sessionStore = { get: () => kept.get('s') ?? null, set: (v: string) => void kept.set('s', v) };
    const t = createWsTransport({ url: `ws://127.0.0.1:${port}/ws?token=${token}`, WebSocket: socketFrom(`http://127.0.0.1:${port}`), backoffMs: { initial: 20, max: 100 }, sessionStore });
    await t.ready;
    const first = services.made.at(-1)!;
    expect(first.options.resume).toBeNull();
    expect(kept.get('s')).toBe(`${first.session.id}.${first.session.key}`);
    const statuses: WsStatus[] = [];
    t.onStatus((s) => statuses.push(s));
    const sessions: unknown[] = [];
    t.on('session:changed', (p) => sessions.push(p));
    const pending = t.invoke('job:cancel', { jobId: 'j1' }).then(() => null, (e: unknown) => e as Error);
    await until(() => services.calls.some((c) => c.channel === 'job:cancel'));
    await server.close();
    expect((await pending)?.message).toMatch(/^job:cancel: the connection to the PatchLens server closed \(code 1001\) before it answered$/);
    expect(t.status()).toBe('reconnecting');
    await new Promise((r) => setTimeout(r, 150));
    server = await startServer({ services, staticDir, token, port });
    await until(() => t.status() === 'open');
    expect(statuses[0]).toBe('reconnecting');
    expect(statuses.at(-1)).toBe('open');
    // The re-sync: session:get's answer handed to the session:changed listeners.
    await until(() => sessions.length === 1);
    expect(sessions[0]).toEqual({ echo: 'session:get', args: {} });
    // The new socket asked for the same session back.
    const second = services.made.at(-1)!;
    expect(second).not.toBe(first);
    expect(second.options.resume).toEqual({ sessionId: first.session.id, key: first.session.key });
    second.emit('session:changed', { fresh: true } as never);
    await until(() => sessions.length === 2);
    expect(sessions[1]).toEqual({ fresh: true });
    t.close();
  });

  it('stops for good when the token is refused', async () => {
    const t = createWsTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${'c'.repeat(64)}`, WebSocket: socketFrom(`http://127.0.0.1:${server.port}`), backoffMs: { initial: 10, max: 10 } });
    await expect(t.ready).rejects.toThrow('connectApi: the PatchLens server refused the access token');
    expect(t.status()).toBe('refused');
    await new Promise((r) => setTimeout(r, 50));
    expect(t.status()).toBe('refused');
  });

  it('stops for good, with the server\'s reason, when the server serves too many pages', async () => {
    services.maxConnections = services.connections();
    try {
      const t = createWsTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${token}`, WebSocket: socketFrom(`http://127.0.0.1:${server.port}`), backoffMs: { initial: 10, max: 10 } });
      await expect(t.ready).rejects.toThrow(/^connectApi: PatchLens serves at most \d+ windows or tabs at once/);
      expect(t.status()).toBe('refused');
    } finally {
      services.maxConnections = Infinity;
    }
  });

  it('sends a request bigger than one part in parts, which the server puts together', async () => {
    const t = createWsTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${token}`, WebSocket: socketFrom(`http://127.0.0.1:${server.port}`) });
    await t.ready;
    services.made.at(-1)!.allowance['compute:done'] = 40 * 1024 * 1024;
    const labels = new Uint8Array(20 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    const envelope = await t.invoke('compute:done', { agentId: 'a1', taskId: 't1', result: { labels: { data: labels } } as never });
    expect(envelope).toEqual({ result: { isUint8Array: true, length: labels.length, sum: labels.reduce((a, b) => a + b, 0) } });
    t.close();
  });

  it('gives up on a first connection that never opens', async () => {
    const t = createWsTransport({ url: `ws://127.0.0.1:1/ws?token=${token}`, WebSocket: socketFrom('http://127.0.0.1:1'), backoffMs: { initial: 5, max: 10 } });
    await expect(t.ready).rejects.toThrow(/^connectApi: cannot connect to ws:\/\/127\.0\.0\.1:1\/ws\?token=… \(code \d+\)$/);
    expect(t.status()).toBe('closed');
  });
});

describe('page token, download links, uploads', () => {
  it('takes the token from the address, removes it there and keeps it in sessionStorage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const replaced: string[] = [];
    const history = { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) };
    expect(takePageToken({ location: { search: '?token=abc123&x=1', pathname: '/', hash: '#v' }, history, storage })).toBe('abc123');
    expect(replaced).toEqual(['/?x=1#v']);
    expect(store.get(TOKEN_KEY)).toBe('abc123');
    // A reload: no token in the address, the tab's storage still has it.
    expect(takePageToken({ location: { search: '', pathname: '/', hash: '' }, history, storage })).toBe('abc123');
    expect(replaced).toHaveLength(1);
    expect(pageToken()).toBe('abc123');
    expect(downloadUrl('/files/sweeps/s1/report.pdf', 'http://127.0.0.1:5000/')).toBe('/files/sweeps/s1/report.pdf?token=abc123');
    expect(() => downloadUrl('http://evil.example/x.pdf', 'http://127.0.0.1:5000/')).toThrow("downloadUrl: http://evil.example/x.pdf is not on this page's origin");
  });

  it('uploads in chunks of the size main asks for, folder picks by their relative path', async () => {
    const calls: { channel: string; args: unknown }[] = [];
    const api = {
      transport: 'http' as const,
      on: () => () => undefined,
      async call(channel: string, args: unknown) {
        calls.push({ channel, args });
        if (channel === 'upload:begin') return { uploadId: 'u7', chunkBytes: 2, maxBytes: 100 };
        return { received: 0 };
      },
    } as unknown as Parameters<typeof uploadFiles>[0];
    const a = new File([new Uint8Array([1, 2, 3])], 'a.nii');
    const b = new File(['{}'], 'model.json');
    Object.defineProperty(b, 'webkitRelativePath', { value: 'model5/model.json' });
    const progress: number[] = [];
    expect(await uploadFiles(api, [a, b], (sent) => progress.push(sent))).toBe('u7');
    expect(calls[0]).toEqual({ channel: 'upload:begin', args: { files: [{ name: 'a.nii', size: 3 }, { name: 'model5/model.json', size: 2 }] } });
    const chunks = calls.slice(1).map((c) => c.args as { file: number; offset: number; bytes: Uint8Array });
    expect(chunks.map((c) => [c.file, c.offset, Array.from(c.bytes)])).toEqual([
      [0, 0, [1, 2]],
      [0, 2, [3]],
      [1, 0, [123, 125]],
    ]);
    expect(progress).toEqual([2, 3, 5]);
  });

  it('cancels the upload when a chunk fails', async () => {
    const calls: string[] = [];
    const api = {
      transport: 'http' as const,
      on: () => () => undefined,
      async call(channel: string) {
        calls.push(channel);
        if (channel === 'upload:begin') return { uploadId: 'u8', chunkBytes: 2, maxBytes: 100 };
        if (channel === 'upload:chunk') throw new Error('disk full');
        return null;
      },
    } as unknown as Parameters<typeof uploadFiles>[0];
    await expect(uploadFiles(api, [new File([new Uint8Array(5)], 'x.nii')])).rejects.toThrow('disk full');
    expect(calls).toEqual(['upload:begin', 'upload:chunk', 'upload:cancel']);
  });
});
