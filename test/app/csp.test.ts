import type { OnHeadersReceivedListenerDetails } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_CSP, installCspHeader, withCspHeader } from '../../src-main/csp';
import { isAppPage } from '../../src-main/navigation';
import { denyAllPermissions } from '../../src-main/permissions';
import { directives } from '../helpers/cspDirectives';


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
  it('sets the header on the app page document only', () => {
    let listener: ((d: OnHeadersReceivedListenerDetails, cb: (r: object) => void) => void) | null = null;
    installCspHeader({ onHeadersReceived: ((l: typeof listener) => (listener = l)) as never }, (url) => isAppPage(url, 'http://localhost:5173/'));
    const answer = (url: string, resourceType: string) => {
      let got: object | null = null;
      listener!({ url, resourceType, responseHeaders: { 'Content-Type': ['text/html'] } } as unknown as OnHeadersReceivedListenerDetails, (r) => (got = r));
      return got;
    };
    expect(answer('http://localhost:5173/', 'mainFrame')).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] } });
    expect(answer('http://localhost:5173/?x=1', 'subFrame')).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] } });
    expect(answer('http://localhost:5173/assets/engine.worker.js', 'script')).toEqual({});
    expect(answer('https://example.com/', 'mainFrame')).toEqual({});
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
