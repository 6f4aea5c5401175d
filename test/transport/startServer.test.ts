/**
 * startServer with a fake ServiceHost: the token, Host and Origin checks, static files with the
 * renderer's CSP, path traversal refused, requests/responses and events over the WebSocket with
 * binaryCodec frames, and downloads.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type WireEvent, type WireResponse } from '../../shared/api/binaryCodec';
import type { SessionState } from '../../shared/api/contract';
import { workerScriptCsp } from '../../src-server/readCsp';
import { startServer, type RunningServer } from '../../src-server/startServer';
import { createFakeServices, fakeVolume, type FakeServices } from './fakeServices';

const CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'";
const SECRET = 'top secret outside the static folder';

/** A raw GET (the path goes out exactly as written, unlike fetch). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Opens a WebSocket; resolves once open, or with the close code / HTTP status when refused. */
function connect(url: string, origin: string | undefined, headers: Record<string, string> = {}) {
  return new Promise<{ ws?: WebSocket; closeCode?: number; status?: number }>((done) => {
    const ws = new WebSocket(url, { origin, headers });
    ws.binaryType = 'nodebuffer';
    let opened = false;
    ws.on('open', () => {
      opened = true;
      // A refused token closes right after the handshake: wait a moment for that.
      const t = setTimeout(() => done({ ws }), 100);
      ws.once('close', (code) => {
        clearTimeout(t);
        done({ closeCode: code });
      });
    });
    ws.on('unexpected-response', (_req, res) => done({ status: res.statusCode }));
    ws.on('error', () => {
      if (!opened) done({});
    });
  });
}

/** Sends a request frame and waits for the response with its id. */
function call(ws: WebSocket, id: number, channel: string, args: unknown): Promise<WireResponse> {
  return new Promise((done) => {
    const onMessage = (data: Buffer) => {
      const m = decodeFrame(data) as WireResponse;
      if ('id' in m && m.id === id) {
        ws.off('message', onMessage);
        done(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeFrame({ id, channel, args }));
  });
}

/** The next event frame on a socket. */
function nextEvent(ws: WebSocket): Promise<WireEvent> {
  return new Promise((done) => {
    const onMessage = (data: Buffer) => {
      const m = decodeFrame(data) as WireEvent;
      if ('event' in m) {
        ws.off('message', onMessage);
        done(m);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('startServer', () => {
  let dir: string;
  let services: FakeServices;
  let server: RunningServer;
  let origin: string;
  let wsUrl: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patchlens-server-'));
    const staticDir = join(dir, 'static');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    writeFileSync(join(staticDir, 'index.html'), `<!doctype html><html><head><meta http-equiv="Content-Security-Policy"\n content="${CSP}" /></head><body>app</body></html>`);
    writeFileSync(join(staticDir, 'other.html'), '<p>other</p>');
    writeFileSync(join(staticDir, 'assets', 'index-1.js'), 'console.log(1)');
    writeFileSync(join(staticDir, 'assets', 'index-1.css'), 'body{}');
    writeFileSync(join(staticDir, 'assets', 'tfjs.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d]));
    writeFileSync(join(staticDir, 'assets', 'logo.svg'), '<svg/>');
    writeFileSync(join(staticDir, 'assets', 'logo.png'), new Uint8Array([0x89, 0x50]));
    writeFileSync(join(staticDir, 'assets', 'data.json'), '{}');
    symlinkSync(join(dir, 'secret.txt'), join(staticDir, 'link.txt'));
    mkdirSync(join(dir, 'project', 'sweeps', 's1'), { recursive: true });
    writeFileSync(join(dir, 'project', 'sweeps', 's1', 'report ü.pdf'), '%PDF-1.7 fake');
    services = createFakeServices(join(dir, 'project'));
    server = await startServer({ services, staticDir, port: 0 });
    origin = `http://127.0.0.1:${server.port}`;
    wsUrl = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
  });

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a 32-byte hex token in its URL', () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves index.html at / with the CSP of its meta tag and the hardening headers', async () => {
    const r = await get(server.port, `/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body.toString()).toContain('<body>app</body>');
    const other = await get(server.port, '/other.html');
    expect(other.headers['content-security-policy']).toBe(CSP);
  });

  it("sends scripts the page's policy plus 'wasm-unsafe-eval' (it applies only to a Worker's own script)", async () => {
    const js = await get(server.port, '/assets/index-1.js');
    const policy = js.headers['content-security-policy'] as string;
    const scriptSrc = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy.replace(" 'wasm-unsafe-eval'", '')).toBe(CSP);
    expect(workerScriptCsp("default-src 'self'")).toBe("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");
  });

  it('serves the MIME types of js, css, wasm, json, svg and png', async () => {
    const types: Record<string, string> = {
      '/assets/index-1.js': 'text/javascript; charset=utf-8',
      '/assets/index-1.css': 'text/css; charset=utf-8',
      '/assets/tfjs.wasm': 'application/wasm',
      '/assets/data.json': 'application/json; charset=utf-8',
      '/assets/logo.svg': 'image/svg+xml',
      '/assets/logo.png': 'image/png',
    };
    for (const [path, type] of Object.entries(types)) {
      const r = await get(server.port, path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
    }
    const head = await get(server.port, '/assets/index-1.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('14');
    expect(head.body.byteLength).toBe(0);
    expect((await get(server.port, '/assets/index-1.js', {}, 'POST')).status).toBe(405);
  });

  it('lists no folders and answers 404 for missing files', async () => {
    expect((await get(server.port, '/assets/')).status).toBe(404);
    expect((await get(server.port, '/assets')).status).toBe(404);
    expect((await get(server.port, '/missing.js')).status).toBe(404);
  });

  it('refuses path traversal, plain and encoded, and symlinks out of the folder', async () => {
    const attempts = [
      '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/..\\secret.txt', '/%252e%252e/secret.txt', '/link.txt', '/../package.json',
      '/%00', '/%c0%ae%c0%ae/secret.txt',
    ];
    for (const path of attempts) {
      const r = await get(server.port, path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body.toString(), path).not.toContain(SECRET);
    }
  });

  it('answers 403 to a Host header that is not this server (DNS rebinding)', async () => {
    expect((await get(server.port, '/', { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.port, '/', { Host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get(server.port, '/', { Host: `localhost:${server.port}` })).status).toBe(200);
    const ws = await connect(wsUrl, origin, { Host: `evil.example:${server.port}` });
    expect(ws.status).toBe(403);
  });

  it('needs the token: HTTP 401 on /ws without or with a wrong token, WebSocket close 4401', async () => {
    expect((await get(server.port, '/ws')).status).toBe(401);
    expect((await get(server.port, '/ws?token=abc')).status).toBe(401);
    const lastFlipped = server.token.slice(0, -1) + (server.token.endsWith('0') ? '1' : '0');
    expect((await get(server.port, `/ws?token=${lastFlipped}`)).status).toBe(401);
    expect((await get(server.port, `/ws?token=${server.token}`)).status).toBe(426);
    expect((await connect(`ws://127.0.0.1:${server.port}/ws`, origin)).closeCode).toBe(4401);
    expect((await connect(`ws://127.0.0.1:${server.port}/ws?token=${'f'.repeat(64)}`, origin)).closeCode).toBe(4401);
  });

  it('refuses a WebSocket from another origin or without one', async () => {
    expect((await connect(wsUrl, 'http://evil.example')).status).toBe(403);
    expect((await connect(wsUrl, `http://127.0.0.1:${server.port + 1}`)).status).toBe(403);
    expect((await connect(wsUrl, undefined)).status).toBe(403);
  });

  it('carries a request and its Float32Array result, and passes error envelopes through', async () => {
    const { ws } = await connect(wsUrl, origin);
    sockets.push(ws!);
    const r = await call(ws!, 1, 'volume:get', { kind: 'image' });
    expect(r.id).toBe(1);
    const volume = (r.envelope as { result: ReturnType<typeof fakeVolume> }).result;
    expect(volume.data).toBeInstanceOf(Float32Array);
    expect(Array.from(volume.data)).toEqual(Array.from(fakeVolume().data));
    expect(volume.shape).toEqual([4, 3, 2]);
    expect(services.calls.at(-1)).toEqual({ channel: 'volume:get', args: { kind: 'image' } });

    const upload = { kind: 'image', source: { from: 'upload', files: [{ name: 'a.nii', bytes: new Uint8Array([1, 2, 3]) }] } };
    const u = await call(ws!, 2, 'file:open', upload);
    expect(u.envelope).toEqual({ result: { received: [{ name: 'a.nii', isUint8Array: true, sum: 6 }] } });

    expect((await call(ws!, 3, 'run:delete', { runId: 'r9' })).envelope).toEqual({ error: { code: 'not-found', message: 'no run r9' } });
    expect((await call(ws!, 4, 'sweep:summary', { sweepId: 's1' })).envelope).toEqual({ error: { code: 'internal', message: 'sweep:summary: the fake broke' } });
    expect((await call(ws!, 5, 'no:such', {})).envelope).toEqual({ error: { code: 'bad-request', message: 'unknown channel "no:such"' } });
    expect(services.calls.some((c) => c.channel === 'no:such')).toBe(false);
  });

  it('answers concurrent requests by id', async () => {
    const { ws } = await connect(wsUrl, origin);
    sockets.push(ws!);
    const answers = await Promise.all([10, 11, 12].map((id) => call(ws!, id, 'app:info', { n: id })));
    expect(answers.map((a) => (a.envelope as { result: { args: { n: number } } }).result.args.n)).toEqual([10, 11, 12]);
  });

  it('closes a socket that sends text or a broken frame', async () => {
    const { ws } = await connect(wsUrl, origin);
    const closed = new Promise<number>((done) => ws!.once('close', (code) => done(code)));
    ws!.send('{"id":1}');
    expect(await closed).toBe(1003);
    const second = (await connect(wsUrl, origin)).ws!;
    const closed2 = new Promise<number>((done) => second.once('close', (code) => done(code)));
    second.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(await closed2).toBe(1007);
  });

  it('broadcasts events to every connected socket', async () => {
    const a = (await connect(wsUrl, origin)).ws!;
    const b = (await connect(wsUrl, origin)).ws!;
    sockets.push(a, b);
    const got = Promise.all([nextEvent(a), nextEvent(b)]);
    const session = { project: { dir: '/p', name: 'p' }, image: null, label: null, model: null, runs: [], sweeps: [], jobs: [], recent: [] } satisfies SessionState;
    services.emit('session:changed', session);
    const [ea, eb] = await got;
    expect(ea).toEqual({ event: 'session:changed', payload: session });
    expect(eb).toEqual(ea);
    const cmd = nextEvent(a);
    services.command('reset-view');
    expect(await cmd).toEqual({ event: 'app:command', payload: { command: 'reset-view' } });
  });

  it('serves downloads with the token as attachments, 404 otherwise', async () => {
    const path = '/files/sweeps/s1/report%20%C3%BC.pdf';
    expect((await get(server.port, path)).status).toBe(401);
    const r = await get(server.port, `${path}?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(services.downloads.at(-1)).toBe('sweeps/s1/report ü.pdf');
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="report _.pdf"; filename*=UTF-8''report%20%C3%BC.pdf`);
    expect(r.body.toString()).toBe('%PDF-1.7 fake');
    expect((await get(server.port, `/files/sweeps/s1/nothing.pdf?token=${server.token}`)).status).toBe(404);
    const up = await get(server.port, `/files/../secret.txt?token=${server.token}`);
    expect(up.status).toBe(400);
    expect(services.downloads).not.toContain('../secret.txt');
    expect((await get(server.port, `/files/sweeps?token=${server.token}`)).status).toBe(404);
  });

  it('close() ends sockets and stops listening to the services', async () => {
    const s = await startServer({ services, staticDir: join(dir, 'static'), token: 'a'.repeat(32) });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${'a'.repeat(32)}`);
    const before = services.listenerCount();
    const { ws } = await connect(`ws://127.0.0.1:${s.port}/ws?token=${'a'.repeat(32)}`, `http://127.0.0.1:${s.port}`);
    const closed = new Promise<number>((done) => ws!.once('close', (code) => done(code)));
    await s.close();
    expect(await closed).toBe(1001);
    expect(services.listenerCount()).toBe(before - 1);
    await expect(get(s.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses bad options', async () => {
    await expect(startServer({ services, staticDir: join(dir, 'static'), host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow('startServer: host must be 127.0.0.1');
    await expect(startServer({ services, staticDir: join(dir, 'static'), token: 'short' })).rejects.toThrow('startServer: token must be');
    await expect(startServer({ services, staticDir: join(dir, 'nope') })).rejects.toThrow('startServer: staticDir');
  });
});
