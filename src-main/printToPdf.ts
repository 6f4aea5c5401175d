import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, PrintToPDFOptions, WebContents } from 'electron';
import { pdfPrintOptions, type PrintToPdf } from '../src-node/report/renderPdf';
import { denyAllPermissions } from './permissions';
import { printWindowOptions } from './windowOptions';

/** The hidden window the printer uses (a parameter, so tests pass a fake BrowserWindow). */
export interface PrintWindowLike {
  loadFile(path: string): Promise<void>;
  destroy(): void;
  isDestroyed(): boolean;
  webContents: Pick<WebContents, 'printToPDF'> & {
    session: Pick<WebContents['session'], 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & { webRequest: Pick<WebContents['session']['webRequest'], 'onBeforeRequest'> };
  };
}

/** renderPdf's page setup in `webContents.printToPDF` terms (margins in inches). */
export function electronPdfOptions(html: string): PrintToPDFOptions {
  const p = pdfPrintOptions(html);
  const inches = (mm: string) => Number.parseFloat(mm) / 25.4;
  return {
    pageSize: 'A4',
    printBackground: p.printBackground,
    displayHeaderFooter: p.displayHeaderFooter,
    headerTemplate: p.headerTemplate,
    footerTemplate: p.footerTemplate,
    margins: { top: inches(p.margin.top), right: inches(p.margin.right), bottom: inches(p.margin.bottom), left: inches(p.margin.left) },
    preferCSSPageSize: p.preferCSSPageSize,
  };
}

/**
 * A {@link PrintToPdf} over Electron: writes the report HTML to a temporary file (a data: URL
 * would hit Chromium's 2 MB URL limit with the embedded PNGs), loads it in a hidden, sandboxed
 * window without JavaScript in its own in-memory session whose requests are limited to that file
 * and `data:` URLs and whose permission requests are all refused, prints it with `webContents.printToPDF`, then destroys the window and deletes
 * the file.
 *
 * @param createWindow `(options) => new BrowserWindow(options)`
 * @param tempRoot folder for the temporary HTML (default the OS temp folder)
 */
export function electronPrinter(createWindow: (options: BrowserWindowConstructorOptions) => PrintWindowLike, tempRoot: string = tmpdir()): PrintToPdf {
  if (typeof createWindow !== 'function') throw new Error('electronPrinter: createWindow must be a function');
  const printing = new Set<string>();
  return async (html: string) => {
    if (typeof html !== 'string') throw new Error('electronPrinter: html must be a string');
    let fileUrl = '';
    const dir = await mkdtemp(join(tempRoot, 'patchlens-pdf-'));
    const file = join(dir, 'report.html');
    let win: PrintWindowLike | null = null;
    try {
      await writeFile(file, html, 'utf8');
      fileUrl = pathToFileURL(file).href;
      printing.add(fileUrl);
      win = createWindow(printWindowOptions());
      denyAllPermissions(win.webContents.session);
      // One listener per session (a later call replaces it): it admits the files of every print in progress.
      win.webContents.session.webRequest.onBeforeRequest((details, callback) => {
        callback({ cancel: !(printing.has(details.url) || details.url.startsWith('data:')) });
      });
      await win.loadFile(file);
      const pdf = await win.webContents.printToPDF(electronPdfOptions(html));
      return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      printing.delete(fileUrl);
      if (win && !win.isDestroyed()) win.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  };
}
