/**
 * `npm run serve` for real (createServiceHost, the built renderer): prints the address with its
 * token alone on a stdout line, serves the page with its CSP, answers `app:info` and
 * `session:get` (the demo opened) over the WebSocket, and stops on Ctrl+C; bad arguments print
 * the usage and exit 2. Builds out/renderer first only when it is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type WireResponse } from '../../shared/api/binaryCodec';
import type { SessionState } from '../../shared/api/contract';
import { buildRenderer } from '../../src-server/buildRenderer';
import { parseServeArgs } from '../../src-server/parseServeArgs';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;

/** Sends requests on one socket and waits for each answer. */
async function callAll(port: number, token: string, requests: [string, unknown][]): Promise<WireResponse[]> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: `http://127.0.0.1:${port}` });
  const answers = new Map<number, WireResponse>();
  await new Promise<void>((done, fail) => {
    ws.on('error', fail);
    ws.on('message', (data: Buffer) => {
      const m = decodeFrame(data) as Partial<WireResponse> & { hello?: unknown };
      if (m.hello) requests.forEach(([channel, args], i) => ws.send(encodeFrame({ id: i + 1, channel, args })));
      if (typeof m.id === 'number') answers.set(m.id, m as WireResponse);
      if (answers.size === requests.length) done();
    });
  });
  ws.close();
  return requests.map((_, i) => answers.get(i + 1)!);
}

describe('npm run serve', { timeout: 180_000 }, () => {
  let project: string;
  let child: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'patchlens-serve-'));
    if (!existsSync(join(ROOT, 'out/renderer/index.html'))) await buildRenderer(ROOT);
  }, 180_000);

  afterAll(() => {
    // The whole process group: npm and the tsx child it started.
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(project, { recursive: true, force: true });
  });

  it('prints the URL line, serves the page and the API, stops on Ctrl+C (SIGINT to its process group)', async () => {
    const t = performance.now();
    child = spawn('npm', ['run', 'serve', '--', '--no-build', '--port', '0', '--project', project], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const stdoutLines: string[] = [];
    const urlLine = await new Promise<string>((done, fail) => {
      let buffered = '';
      child!.stdout!.on('data', (c: Buffer) => {
        buffered += c.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        stdoutLines.push(...lines);
        const hit = lines.find((l) => URL_LINE.test(l));
        if (hit) done(hit);
      });
      child!.on('exit', (code) => fail(new Error(`serve exited (${code}) before printing its URL:\n${stderr}`)));
    });
    console.log(`serve.test: URL after ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const [, portText, token] = URL_LINE.exec(urlLine)!;
    const port = Number(portText);
    // stdout holds npm's banner and the URL, none of the services' messages.
    expect(stdoutLines.filter((l) => l.trim() && !l.startsWith('>'))).toEqual([urlLine]);
    expect(stderr).toContain(`serve: project ${project}`);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<div id="app"></div>');

    const [info, session] = await callAll(port, token, [['app:info', {}], ['session:get', {}]]);
    expect(info.envelope).toMatchObject({ result: { name: expect.any(String), transport: 'http', nativeDialogs: false } });
    const state = (session.envelope as { result: SessionState }).result;
    expect(state.project.dir).toBe(project);
    expect(state.image?.name, JSON.stringify(session.envelope)).toMatch(/\.nii(\.gz)?$/);

    // Ctrl+C: SIGINT to the whole process group (npm, sh, the server; npm forwards its copy, which
    // the server takes as the same Ctrl+C: src-node/relayedSignal.ts). 'close' waits for
    // every process holding the output pipes, the server included.
    const closed = new Promise<void>((done) => child!.on('close', () => done()));
    process.kill(-child.pid!, 'SIGINT');
    await closed;
    expect(stderr).toContain('serve: SIGINT, closing ...');
    expect(stderr).not.toContain('again');
    await new Promise((r) => setTimeout(r, 500));
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('prints the usage and exits 2 on bad arguments', () => {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['src-server/main.ts', '--port', 'eighty'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('serve: --port must be an integer in 0..65535, got "eighty"');
    expect(r.stderr).toContain('Usage: npm run serve -- [--project DIR] [--port N] [--no-build] [files...]');
    const unknown = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['src-server/main.ts', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/serve: Unknown option '--bogus'/);
  });
});

describe('parseServeArgs', () => {
  it('resolves paths from the folder the command was typed in', () => {
    expect(parseServeArgs(['--project', 'p', '--port', '8080', '--no-build', 'a.nii', '/abs/b.nii'], '/work/here', '/home/u')).toEqual({
      projectDir: '/work/here/p', port: 8080, build: false, files: ['/work/here/a.nii', '/abs/b.nii'], help: false,
    });
    expect(parseServeArgs([], '/x', '/home/u')).toEqual({ projectDir: '/home/u/PatchLens', port: 0, build: true, files: [], help: false });
    expect(() => parseServeArgs(['--port', '70000'], '/x')).toThrow('serve: --port must be an integer in 0..65535, got "70000"');
    expect(() => parseServeArgs(['--project'], '/x')).toThrow(/serve: Option '--project <value>' argument missing/);
  });
});
