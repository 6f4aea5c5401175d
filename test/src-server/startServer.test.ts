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
import { decodeFrame, encodeFrame, type WireEvent, type WireHello, type WireResponse } from '../../shared/api/binaryCodec';
import type { SessionState } from '../../shared/api/contract';
import { splitFrame } from '../../shared/api/frameParts';
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

/** Opens a WebSocket; resolves once greeted (with the hello), or with the close code and reason / HTTP status when refused. */
function connect(url: string, origin: string | undefined, headers: Record<string, string> = {}) {
  return new Promise<{ ws?: WebSocket; hello?: WireHello['hello']; closeCode?: number; closeReason?: string; status?: number }>((done) => {
    const ws = new WebSocket(url, { origin, headers });
    ws.binaryType = 'nodebuffer';
    let opened = false;
    ws.on('open', () => {
      opened = true;
      // A refused token closes right after the handshake; an accepted one is greeted first.
      const onClose = (code: number, why: Buffer) => done({ closeCode: code, closeReason: why.toString() });
      ws.once('close', onClose);
      ws.once('message', (data: Buffer) => {
        const m = decodeFrame(data) as Partial<WireHello>;
        if (m.hello) {
          ws.off('close', onClose);
          done({ ws, hello: m.hello });
        }
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
    expect(services.calls.at(-1)).toMatchObject({ channel: 'volume:get', args: { kind: 'image' } });

    const u = await call(ws!, 2, 'upload:chunk', { uploadId: 'u1', file: 0, offset: 0, bytes: new Uint8Array([1, 2, 3]) });
    expect(u.envelope).toEqual({ result: { isUint8Array: true, length: 3, sum: 6 } });

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

  it('gives every socket its own connection: events go to their own socket only; menu commands to all', async () => {
    const a = await connect(wsUrl, origin);
    const b = await connect(wsUrl, origin);
    sockets.push(a.ws!, b.ws!);
    expect(a.hello!.session.id).not.toBe(b.hello!.session.id);
    const [ca, cb] = services.made.slice(-2);
    expect(ca.session.id).toBe(a.hello!.session.id);
    const session = { project: { dir: '/p', name: 'p', readOnly: false, lockedBy: null }, notices: [], image: null, label: null, model: null, runs: [], sweeps: [], jobs: [], recent: [] } satisfies SessionState;
    const gotA = nextEvent(a.ws!);
    let bGot: WireEvent | null = null;
    const onB = (data: Buffer) => (bGot = decodeFrame(data) as WireEvent);
    b.ws!.on('message', onB);
    ca.emit('session:changed', session);
    expect(await gotA).toEqual({ event: 'session:changed', payload: session });
    // A request round trip on b: the event for a has had its chance to arrive there.
    await call(b.ws!, 1, 'app:info', {});
    b.ws!.off('message', onB);
    expect(bGot === null || !('event' in (bGot as object))).toBe(true);
    expect(cb.calls.map((c) => c.channel)).toEqual(['app:info']);
    const cmds = Promise.all([nextEvent(a.ws!), nextEvent(b.ws!)]);
    services.command('reset-view');
    expect(await cmds).toEqual([
      { event: 'app:command', payload: { command: 'reset-view' } },
      { event: 'app:command', payload: { command: 'reset-view' } },
    ]);
  });

  it('passes a well-formed ?session=<id>.<key> on as a resume, ignores a malformed one', async () => {
    const key = 'ab'.repeat(16);
    const r = await connect(`${wsUrl}&session=s7.${key}`, origin);
    sockets.push(r.ws!);
    expect(services.made.at(-1)!.options.resume).toEqual({ sessionId: 's7', key });
    expect(r.hello!.session).toEqual({ id: 's7', key, resumed: true });
    const bad = await connect(`${wsUrl}&session=s7.${key}x`, origin);
    sockets.push(bad.ws!);
    expect(services.made.at(-1)!.options.resume).toBeNull();
  });

  it('closes the connection of a socket that goes away (as lost: the services keep its session for a while)', async () => {
    const { ws } = await connect(wsUrl, origin);
    const conn = services.made.at(-1)!;
    expect(conn.closedAs).toBeNull();
    ws!.close(1001);
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.closedAs).toBe('lost');
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

  it('close() ends sockets and their connections', async () => {
    const s = await startServer({ services, staticDir: join(dir, 'static'), token: 'a'.repeat(32) });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${'a'.repeat(32)}`);
    const { ws } = await connect(`ws://127.0.0.1:${s.port}/ws?token=${'a'.repeat(32)}`, `http://127.0.0.1:${s.port}`);
    const conn = services.made.at(-1)!;
    const closed = new Promise<number>((done) => ws!.once('close', (code) => done(code)));
    await s.close();
    expect(await closed).toBe(1001);
    expect(conn.closedAs).not.toBeNull();
    await expect(get(s.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses bad options', async () => {
    await expect(startServer({ services, staticDir: join(dir, 'static'), host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow('startServer: host must be 127.0.0.1');
    await expect(startServer({ services, staticDir: join(dir, 'static'), token: 'short' })).rejects.toThrow('startServer: token must be');
    await expect(startServer({ services, staticDir: join(dir, 'nope') })).rejects.toThrow('startServer: staticDir');
  });
});

describe('startServer limits', () => {
  let dir: string;
  let services: FakeServices;
  let server: RunningServer;
  let origin: string;
  let wsUrl: string;
  const MAX = 1024 * 1024;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patchlens-limits-'));
    mkdirSync(join(dir, 'static'));
    writeFileSync(join(dir, 'static', 'index.html'), `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${CSP}" /></head></html>`);
    services = createFakeServices(join(dir, 'project'));
    server = await startServer({ services, staticDir: join(dir, 'static'), port: 0, maxMessageBytes: MAX });
    origin = `http://127.0.0.1:${server.port}`;
    wsUrl = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const closeOf = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((done) => ws.once('close', (code, why) => done({ code, reason: why.toString() })));

  it('refuses a connection over the limit with close 4429 and the reason', async () => {
    services.maxConnections = services.connections() + 1;
    const first = await connect(wsUrl, origin);
    const second = await connect(wsUrl, origin);
    expect(second.closeCode).toBe(4429);
    expect(second.closeReason).toContain('at most');
    first.ws!.close();
    await closeOf(first.ws!);
    services.maxConnections = Infinity;
  });

  it('closes a socket (1009, with the reason) that sends one message over the limit, and one fragmented over it', async () => {
    const big = (await connect(wsUrl, origin)).ws!;
    const closed = closeOf(big);
    big.send(encodeFrame({ id: 1, channel: 'app:info', args: { junk: new Uint8Array(MAX + 8192) } }));
    expect((await closed).code).toBe(1009);
    // The same bytes as WebSocket fragments of 64 KiB: refused as soon as their sum passes the limit.
    const frag = (await connect(wsUrl, origin)).ws!;
    const closed2 = closeOf(frag);
    const bytes = new Uint8Array(MAX + 65536 * 4);
    for (let at = 0; at < bytes.length && frag.readyState === WebSocket.OPEN; at += 65536) frag.send(bytes.subarray(at, at + 65536), { fin: at + 65536 >= bytes.length });
    expect((await closed2).code).toBe(1009);
  });

  it('takes a request in parts only up to what its connection allows on that channel', async () => {
    const labels = new Uint8Array(3 * MAX).map((_, i) => i % 7);
    const frame = encodeFrame({ id: 5, channel: 'compute:done', args: { agentId: 'a1', taskId: 't1', result: { labels: { data: labels } } } });
    const parts = splitFrame(frame, 5, 'compute:done', 256 * 1024);
    expect(parts.length).toBeGreaterThan(4);
    // No allowance: the first part already is refused, nothing is assembled.
    const refused = (await connect(wsUrl, origin)).ws!;
    const closed = closeOf(refused);
    refused.send(parts[0]);
    const c = await closed;
    expect(c.code).toBe(1009);
    expect(c.reason).toContain('compute:done');
    // With an allowance (a running page task), the parts are put together and handled.
    const allowed = await connect(wsUrl, origin);
    services.made.at(-1)!.allowance['compute:done'] = frame.byteLength + 100;
    const answer = new Promise<WireResponse>((done) => allowed.ws!.on('message', (d: Buffer) => done(decodeFrame(d) as WireResponse)));
    for (const p of parts) allowed.ws!.send(p);
    const r = await answer;
    expect(r).toEqual({ id: 5, envelope: { result: { isUint8Array: true, length: labels.length, sum: labels.reduce((a, b) => a + b, 0) } } });
    allowed.ws!.close();
  });

  it('closes a socket whose parts lie (out of order, or a channel other than announced)', async () => {
    const frame = encodeFrame({ id: 6, channel: 'app:info', args: { blob: new Uint8Array(600 * 1024) } });
    const parts = splitFrame(frame, 6, 'app:info', 256 * 1024);
    const ws = (await connect(wsUrl, origin)).ws!;
    const closed = closeOf(ws);
    ws.send(parts[0]);
    ws.send(parts[2]);
    expect((await closed).code).toBe(1007);
    const liar = (await connect(wsUrl, origin)).ws!;
    const closed2 = closeOf(liar);
    for (const p of splitFrame(frame, 6, 'compute:progress', 256 * 1024)) liar.send(p);
    const c = await closed2;
    expect(c.code).toBe(1007);
    expect(c.reason).toContain('parts announced compute:progress');
  });
});
