import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions, PrintToPDFOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF_MARGINS_MM } from '../../src-node/report/renderPdf';
import { electronPdfOptions, electronPrinter, type PrintWindowLike } from '../../src-main/printToPdf';

const HTML = '<!doctype html><html><head><title>Sweep s1 &amp; more</title></head><body><img src="data:image/png;base64,AAAA"></body></html>';

describe('electronPrinter', () => {
  let root = '';
  beforeAll(async () => (root = await mkdtemp(join(tmpdir(), 'patchlens-printer-test-'))));
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('prints the HTML from a temporary file in a hidden, sandboxed, script-less window, then cleans up', async () => {
    const log: string[] = [];
    let options: BrowserWindowConstructorOptions | null = null;
    let filter: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;
    let loadedHtml = '';
    let printOptions: PrintToPDFOptions | null = null;
    let destroyed = false;
    const permissionAnswers: boolean[] = [];
    let permissionCheck: ((...a: unknown[]) => boolean) | null = null;
    const print = electronPrinter((opts) => {
      options = opts;
      const win: PrintWindowLike = {
        loadFile: async (path: string) => {
          loadedHtml = await readFile(path, 'utf8');
          const url = `file://${path}`;
          const verdict = (u: string) => {
            let cancel = true;
            filter!({ url: u }, (r) => (cancel = r.cancel));
            return cancel;
          };
          log.push(`load ${verdict(url) ? 'blocked' : 'allowed'}`);
          log.push(`data ${verdict('data:image/png;base64,AAAA') ? 'blocked' : 'allowed'}`);
          log.push(`https ${verdict('https://example.com/x.png') ? 'blocked' : 'allowed'}`);
          log.push(`other file ${verdict('file:///etc/passwd') ? 'blocked' : 'allowed'}`);
        },
        destroy: () => void (destroyed = true),
        isDestroyed: () => destroyed,
        webContents: {
          printToPDF: async (o: PrintToPDFOptions) => {
            printOptions = o;
            return Buffer.from('%PDF-1.7 fake');
          },
          session: {
            webRequest: { onBeforeRequest: ((f: typeof filter) => (filter = f)) as never },
            setPermissionRequestHandler: ((h: (c: unknown, p: string, cb: (ok: boolean) => void) => void) => h({}, 'media', (ok) => permissionAnswers.push(ok))) as never,
            setPermissionCheckHandler: ((h: typeof permissionCheck) => (permissionCheck = h)) as never,
          },
        },
      };
      return win;
    }, root);
    const pdf = await print(HTML);
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.7 fake');
    expect(pdf).toBeInstanceOf(Uint8Array);
    expect(loadedHtml).toBe(HTML);
    expect(log).toEqual(['load allowed', 'data allowed', 'https blocked', 'other file blocked']);
    expect(destroyed).toBe(true);
    expect(await readdir(root)).toEqual([]);
    const web = options!.webPreferences!;
    expect(options!.show).toBe(false);
    expect([web.sandbox, web.contextIsolation, web.nodeIntegration, web.javascript, web.preload]).toEqual([true, true, false, false, undefined]);
    expect(web.partition).toMatch(/^(?!persist:)/);
    expect(printOptions).toEqual(electronPdfOptions(HTML));
    // The printer's own session refuses every permission too (checklist item 5: every session).
    expect(permissionAnswers).toEqual([false]);
    expect(permissionCheck!({}, 'notifications')).toBe(false);
  });

  it('destroys the window and deletes the file when printing fails', async () => {
    let destroyed = false;
    const print = electronPrinter(
      () => ({
        loadFile: async () => {},
        destroy: () => void (destroyed = true),
        isDestroyed: () => destroyed,
        webContents: {
          printToPDF: () => Promise.reject(new Error('printing failed')),
          session: { webRequest: { onBeforeRequest: (() => {}) as never }, setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {} },
        },
      }),
      root,
    );
    await expect(print(HTML)).rejects.toThrow('printing failed');
    expect(destroyed).toBe(true);
    expect(await readdir(root)).toEqual([]);
    expect(existsSync(root)).toBe(true);
  });
});

describe('electronPdfOptions', () => {
  it('is renderPdf page setup: A4, backgrounds, footer with the title, margins in inches', () => {
    const o = electronPdfOptions(HTML);
    expect(o.pageSize).toBe('A4');
    expect(o.printBackground).toBe(true);
    expect(o.displayHeaderFooter).toBe(true);
    expect(o.footerTemplate).toContain('Sweep s1 &amp; more');
    expect(o.footerTemplate).toContain('pageNumber');
    expect(o.margins!.top).toBeCloseTo(PDF_MARGINS_MM.top / 25.4, 10);
    expect(o.margins!.left).toBeCloseTo(PDF_MARGINS_MM.left / 25.4, 10);
    expect(o.margins!.bottom).toBeCloseTo(PDF_MARGINS_MM.bottom / 25.4, 10);
  });
});
