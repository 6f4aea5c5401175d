/**
 * End-to-end in Debian's Chromium: a page built from src-renderer/api, served by startServer with
 * a fake ServiceHost, connects through the WebSocket client with the token of its address, makes
 * calls (a Float32Array volume, an upload, an error envelope), receives a pushed event, and still
 * connects after a reload (token kept in sessionStorage), all under the server's CSP.
 *
 * Needs /usr/bin/chromium; skipped with a message without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, chromium } from '../../helpers/enginePage';
import { requireTools } from '../../helpers/requireTool';
import { startServer, type RunningServer } from '../../../src-server/startServer';
import { DEFAULT_CSP } from '../../../src-server/readCsp';
import { createFakeServices, fakeVolume, type FakeServices } from '../../src-server/fakeServices';
import './page/types';

const here = fileURLToPath(new URL('.', import.meta.url));

describe.skipIf(!requireTools('wsTransport.browser.test', [chromium]))('WebSocket transport in Chromium', { timeout: 120_000 }, () => {
  let outDir: string;
  let services: FakeServices;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const browserLog: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'patchlens-transport-page-'));
    const { build } = await import('vite');
    await build({ configFile: resolve(here, 'vite.config.ts'), build: { outDir } });
    services = createFakeServices(outDir);
    server = await startServer({ services, staticDir: outDir });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage();
    page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    if (browserLog.length) console.log(`wsTransport.browser.test browser log:\n${browserLog.join('\n')}`);
    await browser?.close();
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('calls through the WebSocket client, gets events, survives a reload', async () => {
    const response = await page.goto(server.url);
    expect(response!.headers()['content-security-policy']).toBe(DEFAULT_CSP);
    await page.waitForFunction(() => typeof window.transportTest === 'function', null, { timeout: 30_000 });
    const r = await page.evaluate(() => window.transportTest!());
    expect(r.transport).toBe('http');
    expect(r.isFloat32).toBe(true);
    expect(r.shape).toEqual([4, 3, 2]);
    expect(r.data).toEqual(Array.from(fakeVolume().data));
    // The upload went in chunks, then opened by its id.
    expect(r.upload).toEqual({ echo: 'file:open', args: { kind: 'image', source: { from: 'upload', uploadId: 'u2' } } });
    const chunk = services.calls.find((c) => c.channel === 'upload:chunk')!.args as { bytes: Uint8Array; offset: number };
    expect(chunk.offset).toBe(0);
    expect(Array.from(chunk.bytes)).toEqual([5, 6, 7]);
    expect(r.error).toEqual({ name: 'ApiError', code: 'not-found', message: 'run:delete: no run r2' });
    // The token left the address bar and lives in the tab's sessionStorage.
    expect(r.href).toBe(`http://127.0.0.1:${server.port}/`);
    expect(r.stored).toBe(server.token);
    expect(r.link).toBe(`/files/sweeps/s1/report.pdf?token=${server.token}`);
    expect(services.calls.map((c) => c.channel)).toEqual(['volume:get', 'upload:begin', 'upload:chunk', 'file:open', 'run:delete']);
    const first = services.made.at(-1)!;
    expect(r.session).toBe(`${first.session.id}.${first.session.key}`);

    first.emit('session:changed', { pushed: 1 } as never);
    await page.waitForFunction(() => (window.transportEvents?.length ?? 0) >= 1, null, { timeout: 10_000 });
    expect(await page.evaluate(() => window.transportEvents)).toEqual([{ pushed: 1 }]);

    await page.reload();
    await page.waitForFunction(() => typeof window.transportTest === 'function', null, { timeout: 30_000 });
    const again = await page.evaluate(() => window.transportTest!());
    expect(again.isFloat32).toBe(true);
    // The reloaded tab asked for its session back.
    expect(services.made.at(-1)!.options.resume).toEqual({ sessionId: first.session.id, key: first.session.key });
    expect(again.href).toBe(`http://127.0.0.1:${server.port}/`);
    expect(browserLog.filter((l) => l.includes('Content Security Policy') || l.startsWith('[pageerror]'))).toEqual([]);
  });
});
