import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowOptions } from '../../src-main/windowOptions';
import { isAppPage } from '../../src-main/navigation';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

describe('electron-vite build', () => {
  let out = '';

  beforeAll(async () => {
    // Build into a temporary folder, in a child process: electron-vite sets process.env
    // (NODE_ENV, ...) and that must not leak into this test worker.
    out = await mkdtemp(join(tmpdir(), 'patchlens-build-'));
    const cli = join(repo, 'node_modules/electron-vite/bin/electron-vite.js');
    await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', out, '--logLevel', 'warn'], {
      cwd: repo,
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }, 120_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('emits an ES-module main that points at the built preload and page', async () => {
    const main = await readFile(join(out, 'main/index.js'), 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).toContain('../preload/index.cjs');
    expect(main).toContain('../renderer/index.html');
  });

  it('emits a self-contained CommonJS preload that exposes only patchlens.versions', async () => {
    const code = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/ipcRenderer/);

    // Run it the way a sandboxed preload runs: a CommonJS wrapper whose require knows only electron.
    const exposed: Record<string, unknown> = {};
    const electron = { contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) } };
    const fakeRequire = (id: string): unknown => {
      if (id === 'electron') return electron;
      throw new Error(`sandboxed preload cannot require ${id}`);
    };
    const versions = { electron: '41.7.1', chrome: '146.0.0.0', node: '24.14.0' };
    const module = { exports: {} };
    const wrapper = vm.runInNewContext(`(function (exports, require, module, process) {${code}\n})`, {});
    wrapper(module.exports, fakeRequire, module, { versions });

    const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(Object.keys(exposed)).toEqual(['patchlens']);
    expect(exposed['patchlens']).toEqual({ versions: { app: pkg.version, ...versions } });
  });

  it('emits the renderer page with the strict CSP and no inline script', async () => {
    const html = await readFile(join(out, 'renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(CSP);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const src = /<script[^>]*\bsrc="\.\/([^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const js = await readFile(join(out, 'renderer', src as string), 'utf8');
    // script-src 'self' forbids eval and new Function: the bundle must not need them.
    expect(js).not.toMatch(/\beval\(|\bnew Function\(/);
  });

  it('leaves no files in the repository', async () => {
    expect(out.startsWith(repo)).toBe(false);
    // electron-vite bundles its config to electron.vite.config.ts.<stamp>.mjs and deletes it after loading.
    const leftovers = (await readdir(repo)).filter((f) => /^electron\.vite\.config\.ts\..+\.mjs$/.test(f));
    expect(leftovers).toEqual([]);
  });
});

describe('main window security options', () => {
  const opts = windowOptions('/app/out/preload/index.cjs');
  const web = opts.webPreferences ?? {};

  it('follows the Electron security checklist', () => {
    expect(web.preload).toBe('/app/out/preload/index.cjs');
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.webviewTag).toBe(false);
    expect(web.allowRunningInsecureContent ?? false).toBe(false);
    expect(web.experimentalFeatures ?? false).toBe(false);
  });

  it('rejects a missing preload path', () => {
    expect(() => windowOptions('')).toThrow(/windowOptions: preloadPath/);
  });
});

describe('navigation guard', () => {
  const page = 'file:///opt/PatchLens/resources/app/out/renderer/index.html';

  it('allows only the app page itself', () => {
    expect(isAppPage(page, page)).toBe(true);
    expect(isAppPage(`${page}#/settings`, page)).toBe(true);
    expect(isAppPage('file:///etc/passwd', page)).toBe(false);
    expect(isAppPage('https://example.com/', page)).toBe(false);
    expect(isAppPage('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppPage('not a url', page)).toBe(false);
  });
});
