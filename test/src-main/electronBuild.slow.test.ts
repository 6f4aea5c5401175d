import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_CHANNELS } from '../../shared/api/contract';
import { APP_SCHEME_PRIVILEGES } from '../../src-main/appProtocol';
import { APP_CSP, COMPUTE_CSP, COMPUTE_META_CSP, PAGE_META_CSP, WORKER_SCRIPT_CSP } from '../../src-main/csp';
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
    // A File the user dropped has a path; one page script built has none.
    webUtils: { getPathForFile: (file: { name: string; dropped?: boolean }) => (file.dropped ? `/dropped/${file.name}` : '') },
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

  it('emits an ES-module main that points at the built preload, the renderer folder and app:// pages', async () => {
    const main = await readFile(join(out, 'main/index.js'), 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).toContain('../preload/index.cjs');
    expect(main).toContain('../renderer');
    expect(main).toContain('computeWorker.js');
    // Pages never load from file:// (loadFile is gone; the printer's report is the one file:// load).
    expect(main).not.toMatch(/\.loadFile\(\s*rendererFile|renderer\/index\.html"\)/);
    expect(main).toMatch(/registerSchemesAsPrivileged/);
  });

  it('emits the compute worker, the model check worker and the re-evaluation worker beside main', async () => {
    for (const file of ['main/computeWorker.js', 'main/modelCheckWorker.js', 'main/reevaluateWorker.js']) {
      const worker = await readFile(join(out, file), 'utf8');
      expect(worker, file).toMatch(/worker_threads/);
    }
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
    expect(main).toContain(PAGE_META_CSP);
    expect(main).toContain("frame-ancestors 'none'");
    expect(main).toMatch(/requestSingleInstanceLock\(\)/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: "deny" \}\)\)/);
    expect(main).toMatch(/setPermissionRequestHandler/);
    expect(main).toMatch(/senderFrame/);
    // Nothing opens URLs in the user's browser (checklist item 15), in main or the preload.
    expect(main).not.toMatch(/\bopenExternal\b/);
    expect(await readFile(join(out, 'preload/index.cjs'), 'utf8')).not.toMatch(/\bopenExternal\b/);
  });

  it('emits a self-contained CommonJS preload that exposes only patchlens { versions, invoke, on, openDropped, listDroppedDicom }', async () => {
    const code = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    const versions = { electron: '45.6.1', chrome: '146.0.0.0', node: '24.14.0' };
    const run = runPreload(code, versions);
    const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(Object.keys(run.exposed)).toEqual(['patchlens']);
    const api = run.exposed['patchlens'] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'listDroppedDicom', 'on', 'openDropped', 'versions']);
    expect(api['versions']).toEqual({ app: pkg.version, ...versions });
    // Nothing of ipcRenderer is reachable from the exposed object.
    expect(Object.values(api).some((v) => v === run)).toBe(false);
  });

  it('the built preload invokes only contract channels and hands listeners the payload alone', async () => {
    const code = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    const run = runPreload(code, { electron: '45.6.1', chrome: '146', node: '24' });
    const api = run.exposed['patchlens'] as {
      invoke(c: string, a: unknown): Promise<unknown>;
      on(e: string, l: (...args: unknown[]) => void): () => void;
      openDropped(kind: string, f: unknown): Promise<unknown>;
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
  });

  it('the built preload refuses a drop path from page script and opens a dropped File by its own path', async () => {
    const code = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    const run = runPreload(code, { electron: '45.6.1', chrome: '146', node: '24' });
    const api = run.exposed['patchlens'] as {
      invoke(c: string, a: unknown): Promise<{ error?: { code: string } }>;
      openDropped(kind: string, f: unknown): Promise<{ error?: { code: string } }>;
      listDroppedDicom(f: unknown): Promise<{ error?: { code: string } }>;
    };
    const forged = await api.invoke('file:open', { kind: 'image', source: { from: 'drop', path: '/home/user/.ssh/id_rsa' } });
    expect(forged.error?.code).toBe('forbidden');
    expect((await api.invoke('file:dicomSeries', { source: { from: 'drop', path: '/home/user/.ssh' } })).error?.code).toBe('forbidden');
    expect((await api.listDroppedDicom({ name: 'made-by-script' })).error?.code).toBe('bad-request');
    expect((await api.openDropped('image', { name: 'made-by-script.nii' })).error?.code).toBe('bad-request');
    expect(run.invoked).toEqual([]);
    await api.openDropped('image', { name: 'scan.nii.gz', dropped: true });
    await api.openDropped('model', { name: 'model.json', dropped: true });
    await api.listDroppedDicom({ name: 'study', dropped: true });
    expect(run.invoked).toEqual([
      ['file:open', [{ kind: 'image', source: { from: 'drop', path: '/dropped/scan.nii.gz' } }]],
      ['file:open', [{ kind: 'model', source: { from: 'drop', path: '/dropped' } }]],
      ['file:dicomSeries', [{ source: { from: 'drop', path: '/dropped/study' } }]],
    ]);
  });

  it("emits the compute window page with the app's strict CSP (plus 'wasm-unsafe-eval' for its engine Worker), no inline script and no UI", async () => {
    const html = await readFile(join(out, 'renderer/compute.html'), 'utf8');
    const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
    expect(csp).toBe(COMPUTE_META_CSP);
    expect(csp).toBe(PAGE_META_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"));
    expect(directives(csp ?? '').has('frame-ancestors')).toBe(false);
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
    // The header main sends (src-main/csp.ts) is the meta tag's policy plus frame-ancestors,
    // which Chromium ignores (and logs as an error) in a meta tag.
    expect(csp).toBe(PAGE_META_CSP);
    expect(APP_CSP).toBe(`${csp}; frame-ancestors 'none'`);
    const d = directives(csp);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.has('frame-ancestors')).toBe(false);
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

  it('main runs in plain Node with a fake electron: app:// pages, per-window connections, IPC sender checks, guards, demo, menu, quit', async () => {
    // The bundle resolves its dependencies (jsdom, tfjs, ...) from the repository's node_modules.
    await symlink(join(repo, 'node_modules'), join(out, 'node_modules'), 'dir');
    // A symlink out of the renderer folder: the protocol must not follow it.
    await symlink(join(out, 'main/index.js'), join(out, 'renderer/escape.js'));
    const wasm = (await readdir(join(out, 'renderer/assets'))).find((f) => f.endsWith('.wasm'));
    const projectDir = join(out, 'project');
    await mkdir(projectDir);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repo, 'test/src-main/fixtures/runMainBundle.mjs'), join(out, 'main/index.js'), join(repo, 'test/src-main/fixtures/fakeElectron.mjs'), projectDir],
      { cwd: repo, timeout: 90_000, env: { ...process.env, PATCHLENS_WASM_ASSET: wasm ? `assets/${wasm}` : '' } },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, stdout).toBeDefined();
    const r = JSON.parse(line!.slice('RESULT '.length));
    // macOS 'open-file', the rest, and the app:// scheme are registered before 'ready'.
    expect(r.listenersBeforeReady).toEqual(['web-contents-created', 'open-file', 'second-instance', 'window-all-closed', 'will-quit']);
    expect(r.privilegedSchemes).toEqual([[APP_SCHEME_PRIVILEGES]]);
    expect(r.webPreferences).toEqual(windowOptions(join(out, 'preload/index.cjs')).webPreferences);
    expect(r.pageUrl).toBe('app://patchlens/index.html');
    expect(r.channels).toEqual([...REQUEST_CHANNELS]);

    // The protocol serves the built pages with their CSP headers, and nothing outside out/renderer.
    expect(r.protocolSchemes).toEqual(['app']);
    expect(r.servedIndex).toEqual({ status: 200, type: 'text/html; charset=utf-8', csp: APP_CSP, nosniff: 'nosniff', hasApp: true });
    expect(r.servedCompute).toEqual({ status: 200, csp: COMPUTE_CSP });
    expect(r.servedScript).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', csp: WORKER_SCRIPT_CSP, nosniff: 'nosniff' });
    expect(wasm).toBeDefined();
    expect(r.servedWasm).toEqual({ status: 200, type: 'application/wasm' });
    expect(Object.values(r.refused)).toEqual([404, 404, 404, 404, 404, 404]);

    // The hidden compute window: created after the main window, never shown, sandboxed, isolated, on compute.html.
    expect(r.compute).toEqual({
      show: false,
      webPreferences: computeWindowOptions(join(out, 'preload/index.cjs')).webPreferences,
      url: 'app://patchlens/compute.html',
      index: 1,
    });
    expect([r.compute.webPreferences.sandbox, r.compute.webPreferences.contextIsolation, r.compute.webPreferences.nodeIntegration]).toEqual([true, true, false]);
    // Its sender is accepted on the page compute channels (its own connection answers), refused elsewhere and when forged.
    expect(r.computeAttach.result?.agentId).toEqual(expect.any(String));
    expect(r.computeSessionGet.error.code).toBe('forbidden');
    expect(r.computeForged.error.code).toBe('forbidden');
    // A crash replaces the window, and the new window gets a fresh connection (a new agent).
    expect(r.computeRecreated).toEqual({ oldDestroyed: true, live: 1, same: false });
    expect(r.crashedComputeCall.error.code).toBe('forbidden');
    expect(r.newComputeAttach.result?.agentId).toEqual(expect.any(String));
    expect(r.newComputeAttach.result.agentId).not.toBe(r.computeAttach.result.agentId);
    expect(r.computeWindowEvents).toEqual([]);

    expect(r.appInfo).toEqual({ result: { name: 'PatchLens', version: expect.any(String), platform: process.platform, transport: 'electron', nativeDialogs: true } });
    for (const forged of [r.forgedUrl, r.forgedFileUrl, r.forgedSubframe, r.noFrame]) expect(forged.error.code).toBe('forbidden');
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.navigationPrevented).toEqual({ evil: true, file: true, self: false });
    expect(r.frameNavigationPrevented).toEqual({ evil: true, self: false });
    expect(r.webviewPrevented).toBe(true);
    expect([r.permissionGranted, r.permissionCheck]).toEqual([[false], false]);
    expect(r.cspHeader).toEqual({ responseHeaders: { 'Content-Security-Policy': [APP_CSP] } });
    // No file on the command line: the bundled demo (image, labels and model) opens.
    expect(r.demo).toEqual({ image: 'ch2-2mm_t1.nii.gz', label: 'ch2-2mm_brain.nii.gz', model: expect.any(String) });
    // The menu's command reaches the main window's page and nothing else.
    expect(r.commandSent).toEqual([['app:command', { command: 'open-demo' }]]);
    expect(r.commandReached).toEqual(['app://patchlens/index.html']);

    // A reload resumes the session (the compute window keeps serving it); a crash closes the
    // connection (calls refused) and the next document gets a fresh session and compute window.
    expect(r.afterReload).toEqual({ sessionGet: true, computeKept: true });
    expect(r.crashedMainCall.error).toEqual({ code: 'forbidden', message: expect.stringMatching(/^session:get: this page has no connection/) });
    expect(r.afterCrashReload.sessionGet).toBe('answered');
    expect(r.afterCrashReload.computeReplaced).toBe(true);
    expect(r.afterCrashReload.newComputeAttach.result?.agentId).toEqual(expect.any(String));
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
    expect(web.enableBlinkFeatures).toBeUndefined();
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
  const page = 'app://patchlens/index.html';

  it('allows only the app page itself', () => {
    expect(isAppPage(page, page)).toBe(true);
    expect(isAppPage(`${page}#/settings`, page)).toBe(true);
    expect(isAppPage('app://patchlens/compute.html', page)).toBe(false);
    expect(isAppPage('app://evil/index.html', page)).toBe(false);
    expect(isAppPage('file:///etc/passwd', page)).toBe(false);
    expect(isAppPage('file:///opt/PatchLens/resources/app.asar/out/renderer/index.html', page)).toBe(false);
    expect(isAppPage('https://example.com/', page)).toBe(false);
    expect(isAppPage('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppPage('not a url', page)).toBe(false);
  });
});
