import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_CHANNELS } from '../../shared/api/contract';
import { APP_CSP } from '../../src-main/csp';
import { computeWindowOptions, printWindowOptions, windowOptions } from '../../src-main/windowOptions';
import { isAppPage } from '../../src-main/navigation';
import { directives } from '../helpers/cspDirectives';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');


/** What the built preload did when run with a fake `electron`. */
interface PreloadRun {
  exposed: Record<string, unknown>;
  invoked: [string, unknown[]][];
  listeners: Map<string, ((event: unknown, ...args: unknown[]) => void)[]>;
}

/** Runs the built preload the way a sandboxed preload runs: a CommonJS wrapper whose require knows only electron. */
function runPreload(code: string, versions: Record<string, string>): PreloadRun {
  const run: PreloadRun = { exposed: {}, invoked: [], listeners: new Map() };
  const electron = {
    contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (run.exposed[k] = v) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        run.invoked.push([channel, args]);
        return { result: `answer of ${channel}` };
      },
      on: (channel: string, l: (event: unknown, ...args: unknown[]) => void) => run.listeners.set(channel, [...(run.listeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: unknown) => run.listeners.set(channel, (run.listeners.get(channel) ?? []).filter((x) => x !== l)),
      send: () => {
        throw new Error('the preload must not use ipcRenderer.send');
      },
    },
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
  };
  const fakeRequire = (id: string): unknown => {
    if (id === 'electron') return electron;
    throw new Error(`sandboxed preload cannot require ${id}`);
  };
  const module = { exports: {} };
  const wrapper = vm.runInNewContext(`(function (exports, require, module, process) {${code}\n})`, {});
  wrapper(module.exports, fakeRequire, module, { versions });
  return run;
}

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
    expect(main).toContain('computeWorker.js');
  });

  it('emits the compute worker beside main', async () => {
    const worker = await readFile(join(out, 'main/computeWorker.js'), 'utf8');
    expect(worker).toMatch(/worker_threads/);
  });

  it('main carries the window security options, the CSP header and the sender checks', async () => {
    const main = await readFile(join(out, 'main/index.js'), 'utf8');
    const truthy = (name: string) => new RegExp(`\\b${name}:\\s*(true|!0)\\b`);
    const falsy = (name: string) => new RegExp(`\\b${name}:\\s*(false|!1)\\b`);
    for (const name of ['contextIsolation', 'sandbox', 'webSecurity']) expect(main, name).toMatch(truthy(name));
    for (const name of ['nodeIntegration', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'webviewTag', 'navigateOnDragDrop']) {
      expect(main, name).toMatch(falsy(name));
    }
    expect(main).not.toMatch(truthy('nodeIntegration'));
    expect(main).not.toMatch(falsy('sandbox'));
    expect(main).not.toMatch(falsy('contextIsolation'));
    expect(main).toContain(APP_CSP);
    expect(main).toMatch(/requestSingleInstanceLock\(\)/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: "deny" \}\)\)/);
    expect(main).toMatch(/setPermissionRequestHandler/);
    expect(main).toMatch(/senderFrame/);
  });

  it('emits a self-contained CommonJS preload that exposes only patchlens { versions, invoke, on, pathForFile }', async () => {
    const code = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    const versions = { electron: '41.7.1', chrome: '146.0.0.0', node: '24.14.0' };
    const run = runPreload(code, versions);
    const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(Object.keys(run.exposed)).toEqual(['patchlens']);
    const api = run.exposed['patchlens'] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'pathForFile', 'versions']);
    expect(api['versions']).toEqual({ app: pkg.version, ...versions });
    // Nothing of ipcRenderer is reachable from the exposed object.
    expect(Object.values(api).some((v) => v === run)).toBe(false);
  });

  it('the built preload invokes only contract channels and hands listeners the payload alone', async () => {
    const code = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    const run = runPreload(code, { electron: '41.7.1', chrome: '146', node: '24' });
    const api = run.exposed['patchlens'] as {
      invoke(c: string, a: unknown): Promise<unknown>;
      on(e: string, l: (...args: unknown[]) => void): () => void;
      pathForFile(f: unknown): string;
    };
    for (const channel of REQUEST_CHANNELS) await expect(api.invoke(channel, { x: 1 })).resolves.toEqual({ result: `answer of ${channel}` });
    expect(run.invoked).toEqual(REQUEST_CHANNELS.map((c) => [c, [{ x: 1 }]]));
    const refused = (await api.invoke('fs:readFile', { path: '/etc/passwd' })) as { error: { code: string } };
    expect(refused.error.code).toBe('bad-request');
    expect(run.invoked).toHaveLength(REQUEST_CHANNELS.length);

    const got: unknown[][] = [];
    const off = api.on('session:changed', (...args) => got.push(args));
    const [relay] = run.listeners.get('session:changed')!;
    relay({ sender: 'the ipcRenderer event' }, { project: 'p' });
    off();
    expect(got).toEqual([[{ project: 'p' }]]);
    expect(run.listeners.get('session:changed')).toEqual([]);
    expect(() => api.on('ELECTRON_GUEST_VIEW', () => {})).toThrow(/unknown event/);
    for (const event of EVENT_NAMES) api.on(event, () => {})();
    expect(api.pathForFile({ name: 'scan.nii.gz' })).toBe('/dropped/scan.nii.gz');
  });

  it("emits the compute window page with the app's strict CSP (plus 'wasm-unsafe-eval' for its engine Worker), no inline script and no UI", async () => {
    const html = await readFile(join(out, 'renderer/compute.html'), 'utf8');
    const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
    expect(csp).toBe(APP_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"));
    expect(APP_CSP).not.toContain('wasm-unsafe-eval');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/id="app"/);
    const src = /<script[^>]*\bsrc="\.\/([^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const js = await readFile(join(out, 'renderer', src as string), 'utf8');
    expect(js).not.toMatch(/\beval\(|\bnew Function\(/);
  });

  it('emits the renderer page with the strict CSP and no inline script', async () => {
    const html = await readFile(join(out, 'renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    const csp = meta?.[1] ?? '';
    // The header main adds (src-main/csp.ts) is the same policy as the page's meta tag.
    expect(csp).toBe(APP_CSP);
    const d = directives(csp);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    // No wasm in the page itself (the engine's wasm runs in its worker), so no 'wasm-unsafe-eval'.
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const src = /<script[^>]*\bsrc="\.\/([^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const js = await readFile(join(out, 'renderer', src as string), 'utf8');
    // script-src 'self' forbids eval and new Function: the bundle must not need them.
    // The message names the bundled module of each use (the renderer build keeps the `// node_modules/...` comments).
    const uses = [...js.matchAll(/\beval\(|\bnew Function\(/g)].map((m) => {
      const at = js.lastIndexOf('\n// ', m.index);
      return `${m[0]} in ${at < 0 ? '?' : js.slice(at + 4, js.indexOf('\n', at + 1))}`;
    });
    expect(uses).toEqual([]);
  });

  it('main runs in plain Node with a fake electron: window, IPC sender checks, guards, demo, menu, quit', async () => {
    // The bundle resolves its dependencies (jsdom, tfjs, ...) from the repository's node_modules.
    await symlink(join(repo, 'node_modules'), join(out, 'node_modules'), 'dir');
    const projectDir = join(out, 'project');
    await mkdir(projectDir);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repo, 'test/app/fixtures/runMainBundle.mjs'), join(out, 'main/index.js'), join(repo, 'test/app/fixtures/fakeElectron.mjs'), projectDir],
      { cwd: repo, timeout: 90_000 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, stdout).toBeDefined();
    const r = JSON.parse(line!.slice('RESULT '.length));
    // macOS 'open-file' and the rest are registered before 'ready'.
    expect(r.listenersBeforeReady).toEqual(['web-contents-created', 'open-file', 'second-instance', 'window-all-closed', 'will-quit']);
    expect(r.webPreferences).toEqual(windowOptions(join(out, 'preload/index.cjs')).webPreferences);
    expect(r.pageUrl).toBe(`file://${join(out, 'renderer/index.html')}`);
    expect(r.channels).toEqual([...REQUEST_CHANNELS]);
    expect(r.channels).toHaveLength(REQUEST_CHANNELS.length);
    // The hidden compute window: created after the main window, never shown, sandboxed, isolated, on compute.html.
    expect(r.compute).toEqual({
      show: false,
      webPreferences: computeWindowOptions(join(out, 'preload/index.cjs')).webPreferences,
      url: `file://${join(out, 'renderer/compute.html')}`,
      index: 1,
    });
    expect([r.compute.webPreferences.sandbox, r.compute.webPreferences.contextIsolation, r.compute.webPreferences.nodeIntegration]).toEqual([true, true, false]);
    // Its sender is accepted on the page compute channels (the services answer), refused elsewhere and when forged.
    expect(r.computeAttach.error?.code).not.toBe('forbidden');
    expect(r.computeSessionGet.error.code).toBe('forbidden');
    expect(r.computeForged.error.code).toBe('forbidden');
    expect(r.computeRecreated).toEqual({ oldDestroyed: true, live: 1, same: false });
    expect(r.computeWindowEvents).toEqual([]);
    expect(r.appInfo).toEqual({ result: { name: 'PatchLens', version: expect.any(String), platform: process.platform, transport: 'electron', nativeDialogs: true } });
    for (const forged of [r.forgedUrl, r.forgedSubframe, r.noFrame]) expect(forged.error.code).toBe('forbidden');
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.navigationPrevented).toEqual({ evil: true, self: false });
    expect([r.permissionGranted, r.permissionCheck]).toEqual([[false], false]);
    expect(r.cspHeader).toEqual({ responseHeaders: { 'Content-Security-Policy': [APP_CSP] } });
    // No file on the command line: the bundled demo (image, labels and model) opens.
    expect(r.demo).toEqual({ image: 'ch2-2mm_t1.nii.gz', label: 'ch2-2mm_brain.nii.gz', model: expect.any(String) });
    expect(r.commandSent).toEqual([['app:command', { command: 'open-demo' }]]);
    // The first quit is held until the services closed, the second goes through.
    expect(r.quits).toBe(2);
    expect(r.errorBox).toBeNull();
  }, 120_000);

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

  it('the report printer window is hidden, sandboxed, script-less, in its own in-memory session', () => {
    const p = printWindowOptions();
    const w = p.webPreferences ?? {};
    expect(p.show).toBe(false);
    expect([w.contextIsolation, w.sandbox, w.nodeIntegration, w.webSecurity, w.javascript, w.webviewTag]).toEqual([true, true, false, true, false, false]);
    expect(w.preload).toBeUndefined();
    expect(w.partition).toBe('patchlens-print');
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
