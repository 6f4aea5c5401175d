import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_SCHEME_PRIVILEGES, appPathOf, appUrl, createAppProtocolHandler } from '../../src-main/appProtocol';
import { APP_CSP, COMPUTE_CSP, WORKER_SCRIPT_CSP } from '../../src-main/csp';
import { workerScriptCsp } from '../../src-server/readCsp';
import { directives } from '../helpers/cspDirectives';

// A renderer folder with the kinds of files the build emits, a secret beside it, and symlinks out.
let base = '';
let root = '';
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'patchlens-app-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>PatchLens</title>');
  await writeFile(join(root, 'compute.html'), '<!doctype html><title>compute</title>');
  await writeFile(join(root, 'assets/index-abc.js'), 'export const x = 1;');
  await writeFile(join(root, 'assets/engine.worker-abc.mjs'), 'self.x = 1;');
  await writeFile(join(root, 'assets/index-abc.css'), 'body{}');
  await writeFile(join(root, 'assets/tfjs-backend-wasm-abc.wasm'), WASM);
  await writeFile(join(root, 'assets/data.bin'), 'raw');
  await writeFile(join(root, 'assets/a b.json'), '{}');
  await writeFile(join(base, 'secret.txt'), 'the user’s secret');
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside/x.js'), 'stolen()');
  await symlink(join(base, 'secret.txt'), join(root, 'assets/link.txt'));
  await symlink(join(base, 'outside'), join(root, 'assets/dirlink'), 'dir');
  await writeFile(join(root, 'assets/inside-target.js'), 'ok()');
  await symlink(join(root, 'assets/inside-target.js'), join(root, 'assets/inside-link.js'));
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

const handler = () =>
  createAppProtocolHandler({ root, documentCsp: (file) => (file === 'compute.html' ? COMPUTE_CSP : APP_CSP), scriptCsp: WORKER_SCRIPT_CSP });
const get = (url: string, method = 'GET') => handler()({ url, method });

describe('app:// scheme registration', () => {
  it('is standard and secure with fetch, and neither CORS-readable nor CSP-exempt', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } });
    expect(APP_ORIGIN).toBe('app://patchlens');
    expect(appUrl('index.html')).toBe('app://patchlens/index.html');
    expect(appUrl('assets/a b.json')).toBe('app://patchlens/assets/a%20b.json');
  });
});

describe('appPathOf', () => {
  it('maps app://patchlens/<path> to the path inside the renderer folder', () => {
    expect(appPathOf('app://patchlens/index.html')).toBe('index.html');
    expect(appPathOf('app://PATCHLENS/index.html?x=1#/explorer')).toBe('index.html');
    expect(appPathOf('app://patchlens/assets/a%20b.json')).toBe('assets/a b.json');
  });

  it('refuses other schemes and hosts, credentials, ports, encoded separators, dot segments and drive letters', () => {
    for (const url of [
      'file:///etc/passwd',
      'https://patchlens/index.html',
      'app://evil/index.html',
      'app://user:pw@patchlens/index.html',
      'app://patchlens:8080/index.html',
      'app://patchlens/',
      'app://patchlens',
      'app://patchlens/assets%2f..%2f..%2fsecret.txt',
      'app://patchlens/assets%2F..%2Fsecret.txt',
      'app://patchlens/..%5c..%5csecret.txt',
      'app://patchlens/assets\\..\\..\\secret.txt',
      'app://patchlens/assets//index-abc.js',
      'app://patchlens/index.html%00.js',
      'app://patchlens/C:/Windows/win.ini',
      'app://patchlens/%E0%A4%A',
      'not a url',
    ]) {
      expect(appPathOf(url), url).toBeNull();
    }
  });
});

describe('createAppProtocolHandler', () => {
  it('serves the pages with their CSP header (frame-ancestors included) and nosniff', async () => {
    const page = await get('app://patchlens/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(directives(APP_CSP).get('frame-ancestors')).toEqual(["'none'"]);
    expect(await page.text()).toBe('<!doctype html><title>PatchLens</title>');
    const compute = await get('app://patchlens/compute.html');
    expect(compute.headers.get('content-security-policy')).toBe(COMPUTE_CSP);
    expect(directives(COMPUTE_CSP).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives(APP_CSP).get('script-src')).toEqual(["'self'"]);
  });

  it("gives scripts the Worker policy (the page's plus 'wasm-unsafe-eval', as src-server does) and correct types", async () => {
    const js = await get('app://patchlens/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(WORKER_SCRIPT_CSP);
    expect(WORKER_SCRIPT_CSP).toBe(workerScriptCsp(APP_CSP));
    const mjs = await get('app://patchlens/assets/engine.worker-abc.mjs');
    expect([mjs.headers.get('content-type'), mjs.headers.get('content-security-policy')]).toEqual(['text/javascript; charset=utf-8', WORKER_SCRIPT_CSP]);
    const wasm = await get('app://patchlens/assets/tfjs-backend-wasm-abc.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('content-security-policy')).toBeNull();
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(WASM);
    expect(wasm.headers.get('content-length')).toBe(String(WASM.length));
    const css = await get('app://patchlens/assets/index-abc.css');
    expect([css.headers.get('content-type'), css.headers.get('x-content-type-options')]).toEqual(['text/css; charset=utf-8', 'nosniff']);
    expect((await get('app://patchlens/assets/data.bin')).headers.get('content-type')).toBe('application/octet-stream');
    expect((await get('app://patchlens/assets/a%20b.json')).headers.get('content-type')).toBe('application/json; charset=utf-8');
    // A symlink that stays inside the folder is served.
    expect(await (await get('app://patchlens/assets/inside-link.js')).text()).toBe('ok()');
  });

  it('refuses with 404 anything outside the renderer folder: traversal, encoded slashes, symlinks out, folders, missing files', async () => {
    for (const url of [
      'app://patchlens/../secret.txt', // the URL parser removes the `..`: /secret.txt is not in the folder
      'app://patchlens/%2e%2e/secret.txt',
      'app://patchlens/assets/..%2f..%2fsecret.txt',
      'app://patchlens/assets/link.txt', // symlink to ../secret.txt
      'app://patchlens/assets/dirlink/x.js', // symlinked folder outside
      'app://patchlens/assets', // a folder
      'app://patchlens/missing.html',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(await r.text(), url).toBe('Not found');
    }
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    const head = await get('app://patchlens/index.html', 'HEAD');
    expect([head.status, head.headers.get('content-security-policy'), await head.text()]).toEqual([200, APP_CSP, '']);
    const post = await get('app://patchlens/index.html', 'POST');
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('rejects bad options by name', () => {
    expect(() => createAppProtocolHandler({ root: 'relative', documentCsp: () => APP_CSP, scriptCsp: WORKER_SCRIPT_CSP })).toThrow(/createAppProtocolHandler: root must be an absolute path/);
    expect(() => createAppProtocolHandler({ root, documentCsp: 'x' as never, scriptCsp: WORKER_SCRIPT_CSP })).toThrow(/createAppProtocolHandler: documentCsp/);
    expect(() => createAppProtocolHandler({ root, documentCsp: () => APP_CSP, scriptCsp: '' })).toThrow(/createAppProtocolHandler: scriptCsp/);
  });
});
