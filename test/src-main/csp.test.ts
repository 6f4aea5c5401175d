import type { OnHeadersReceivedListenerDetails } from 'electron';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_CSP, COMPUTE_CSP, COMPUTE_META_CSP, FRAME_ANCESTORS, installCspHeader, PAGE_META_CSP, withCspHeader, withWasmEval } from '../../src-main/csp';
import { isAppPage } from '../../src-main/navigation';
import { denyAllPermissions } from '../../src-main/permissions';
import { readCsp } from '../../src-server/readCsp';
import { directives } from '../helpers/cspDirectives';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The policy of an HTML file's `<meta http-equiv="Content-Security-Policy">`. */
async function metaCsp(file: string): Promise<string> {
  const html = await readFile(join(repo, file), 'utf8');
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
  if (!m) throw new Error(`${file}: no CSP meta tag`);
  return m[1];
}

describe('APP_CSP', () => {
  it('is strict: self only, no inline or eval script, no objects, no framing, no base', () => {
    const d = directives(APP_CSP);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(APP_CSP).not.toMatch(/unsafe-eval|\*/);
  });

  it('is the meta policy plus frame-ancestors, which only a header can carry', () => {
    expect(APP_CSP).toBe(`${PAGE_META_CSP}; ${FRAME_ANCESTORS}`);
    expect(COMPUTE_CSP).toBe(`${COMPUTE_META_CSP}; ${FRAME_ANCESTORS}`);
    expect(COMPUTE_META_CSP).toBe(PAGE_META_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"));
  });
});

describe('the pages\' CSP meta tags', () => {
  // Chromium ignores frame-ancestors in a <meta> CSP and logs a console error for it (issue 11, item 10).
  it('carry no frame-ancestors: index.html is the page policy, compute.html adds only wasm-unsafe-eval', async () => {
    const index = await metaCsp('src-renderer/index.html');
    const compute = await metaCsp('src-renderer/compute.html');
    expect(index).toBe(PAGE_META_CSP);
    expect(compute).toBe(COMPUTE_META_CSP);
    for (const policy of [index, compute]) {
      expect(directives(policy).has('frame-ancestors')).toBe(false);
      expect(directives(policy).get('object-src')).toEqual(["'none'"]);
    }
  });

  it("give the browser transport's header the same policy as Electron's app:// header", () => {
    expect(readCsp(join(repo, 'src-renderer/index.html'))).toBe(APP_CSP);
  });
});

describe('withWasmEval', () => {
  it("adds 'wasm-unsafe-eval' to script-src once, or a script-src when there is none", () => {
    expect(withWasmEval("default-src 'self'; script-src 'self'")).toBe("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");
    expect(withWasmEval("script-src 'self' 'wasm-unsafe-eval'")).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(withWasmEval("default-src 'none'")).toBe("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'");
  });
});

describe('withCspHeader', () => {
  it('replaces any CSP header, whatever its case, and keeps the others', () => {
    const headers = { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] };
    expect(withCspHeader(headers, APP_CSP)).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
    expect(headers['content-security-policy']).toEqual(['default-src *']);
    expect(withCspHeader(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});

describe('installCspHeader', () => {
  it("sets each page's header on its documents only", () => {
    let listener: ((d: OnHeadersReceivedListenerDetails, cb: (r: object) => void) => void) | null = null;
    const policyFor = (url: string) => (isAppPage(url, 'http://localhost:5173/') ? APP_CSP : isAppPage(url, 'http://localhost:5173/compute.html') ? COMPUTE_CSP : null);
    installCspHeader({ onHeadersReceived: ((l: typeof listener) => (listener = l)) as never }, policyFor);
    const answer = (url: string, resourceType: string) => {
      let got: object | null = null;
      listener!({ url, resourceType, responseHeaders: { 'Content-Type': ['text/html'] } } as unknown as OnHeadersReceivedListenerDetails, (r) => (got = r));
      return got;
    };
    expect(answer('http://localhost:5173/', 'mainFrame')).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] } });
    expect(answer('http://localhost:5173/?x=1', 'subFrame')).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] } });
    expect(answer('http://localhost:5173/assets/engine.worker.js', 'script')).toEqual({});
    expect(answer('https://example.com/', 'mainFrame')).toEqual({});
    expect(answer('http://localhost:5173/compute.html', 'mainFrame')).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [COMPUTE_CSP] } });
  });

  it('answers without a change when the policy function throws, and rejects a missing one', () => {
    let listener: ((d: OnHeadersReceivedListenerDetails, cb: (r: object) => void) => void) | null = null;
    installCspHeader({ onHeadersReceived: ((l: typeof listener) => (listener = l)) as never }, () => {
      throw new Error('boom');
    });
    let got: object | null = null;
    listener!({ url: 'app://patchlens/index.html', resourceType: 'mainFrame' } as unknown as OnHeadersReceivedListenerDetails, (r) => (got = r));
    expect(got).toEqual({});
    expect(() => installCspHeader({ onHeadersReceived: () => undefined } as never, 'x' as never)).toThrow(/installCspHeader: policyFor/);
  });
});

describe('denyAllPermissions', () => {
  it('refuses every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
    let check: ((...a: unknown[]) => boolean) | null = null;
    denyAllPermissions({ setPermissionRequestHandler: ((h: typeof request) => (request = h)) as never, setPermissionCheckHandler: ((h: typeof check) => (check = h)) as never });
    const answers: boolean[] = [];
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) request!({}, p, (ok) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(check!({}, 'media', 'file://', {})).toBe(false);
  });
});
