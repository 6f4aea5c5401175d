/**
 * SIGTERM / SIGINT end `npm run serve` (src-server/main.ts, the real services in a child process)
 * mid-job and while a model is being opened, leaving no run folder that looks finished; the next
 * start on the same project folder takes over the dead server's lock and works. How long each
 * stop took is printed (a speed number; a server that ignored the signal would hang until the
 * test's limit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../shared/api/binaryCodec';
import type { JobInfo, SessionState } from '../../shared/api/contract';
import { buildRenderer } from '../../src-server/buildRenderer';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/m;

interface Server {
  child: ChildProcess;
  port: number;
  token: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

/** Starts the server on `project` and resolves once it printed its address. */
async function startServe(project: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-server', 'main.ts'), '--no-build', '--compute', 'node', '--project', project], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((done) => child.on('exit', (code) => done({ code, at: performance.now() })));
  const m = await new Promise<RegExpExecArray>((done, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const hit = URL_LINE.exec(stdout);
      if (hit) done(hit);
    });
    void exited.then(({ code }) => fail(new Error(`serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  return { child, port: Number(m[1]), token: m[2], stderr: () => stderr, exited };
}

/** One page: a socket greeted by the server, with calls and events. */
async function page(server: Server) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
  const waiting = new Map<number, (v: unknown) => void>();
  const events: { event: string; payload: unknown }[] = [];
  let next = 1;
  ws.on('close', () => {
    for (const answer of waiting.values()) answer({ error: { message: 'the socket closed' } });
    waiting.clear();
  });
  await new Promise<void>((done, fail) => {
    ws.on('error', fail);
    ws.on('message', (data: Buffer) => {
      const m = decodeFrame(data) as { hello?: unknown; id?: number; envelope?: unknown; event?: string; payload?: unknown };
      if (m.hello) done();
      if (typeof m.id === 'number') waiting.get(m.id)?.(m.envelope);
      if (m.event) events.push({ event: m.event, payload: m.payload });
    });
  });
  return {
    ws,
    events,
    call<T>(channel: string, args: unknown): Promise<T> {
      const id = next++;
      return new Promise((done, fail) => {
        waiting.set(id, (envelope) => {
          const e = envelope as { result?: T; error?: { message: string } };
          if (e.error) fail(new Error(`${channel}: ${e.error.message}`));
          else done(e.result as T);
        });
        ws.send(encodeFrame({ id, channel, args }));
      });
    },
  };
}

describe('stopping npm run serve', { timeout: 240_000 }, () => {
  const project = mkdtempSync(join(tmpdir(), 'patchlens-serve-stop-'));
  const servers: Server[] = [];
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out/renderer/index.html'))) await buildRenderer(ROOT);
  }, 180_000);
  afterAll(() => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    rmSync(project, { recursive: true, force: true });
  });

  it('SIGTERM mid-job: exits, no finished-looking run folder; the next start takes over and works', async () => {
    const first = await startServe(project);
    servers.push(first);
    const p = await page(first);
    await p.call('session:openDemo', {});
    const { jobId } = await p.call<{ jobId: string }>('run:start', { settings: { patchSize: [24, 24, 24], overlap: 0.75, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' } });
    await expect.poll(() => p.events.some((e) => e.event === 'job:progress' && (e.payload as JobInfo).id === jobId && (e.payload as JobInfo).progress.phase === 'model'), { timeout: 120_000, interval: 100 }).toBe(true);
    const sent = performance.now();
    first.child.kill('SIGTERM');
    const { code, at } = await first.exited;
    console.log(`serveStop: stopped ${(at - sent).toFixed(0)} ms after SIGTERM, mid-job`);
    expect(code, first.stderr()).toBe(0);
    expect(first.stderr()).toContain('serve: SIGTERM, closing ...');
    // No run folder (r<n>) came of the cancelled job.
    expect(readdirSync(join(project, 'runs')).filter((n) => /^r\d+$/.test(n))).toEqual([]);

    const second = await startServe(project);
    servers.push(second);
    const q = await page(second);
    const s = await q.call<SessionState>('session:get', {});
    // The first server released its lock on the way out: this one owns the project.
    expect(s.project.readOnly).toBe(false);
    expect(s.notices).toEqual([]);
    expect(s.runs).toEqual([]);
    expect(readdirSync(join(project, 'runs')).filter((n) => n.startsWith('.'))).toEqual([]);
    q.ws.close();
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('after a server was killed (SIGKILL) mid-job, the next start takes its stale lock over, cleans up and says so', async () => {
    const first = await startServe(project);
    servers.push(first);
    const p = await page(first);
    await p.call('session:openDemo', {});
    const { jobId } = await p.call<{ jobId: string }>('run:start', { settings: { patchSize: [24, 24, 24], overlap: 0.75, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' } });
    await expect.poll(() => p.events.some((e) => e.event === 'job:progress' && (e.payload as JobInfo).id === jobId && (e.payload as JobInfo).progress.phase === 'model'), { timeout: 120_000, interval: 100 }).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(join(project, 'project.lock'))).toBe(true);
    const second = await startServe(project);
    servers.push(second);
    const q = await page(second);
    const s = await q.call<SessionState>('session:get', {});
    expect(s.project.readOnly).toBe(false);
    expect(s.notices.join(' ')).toMatch(/lock/i);
    expect(s.runs).toEqual([]);
    expect(readdirSync(join(project, 'runs')).filter((n) => n.startsWith('.'))).toEqual([]);
    q.ws.close();
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('SIGTERM while a page opens its model: exits', async () => {
    const server = await startServe(project);
    servers.push(server);
    const p = await page(server);
    // The demo's model is checked in a worker thread; stop while that goes on.
    const opening = p.call('session:openDemo', {}).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const sent = performance.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    await opening;
    console.log(`serveStop: stopped ${(at - sent).toFixed(0)} ms after SIGTERM, while opening the demo`);
    expect(code, server.stderr()).toBe(0);
  });
});
