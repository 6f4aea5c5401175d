import { existsSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';

/**
 * Prints an HTML document to PDF bytes. The CLI uses {@link chromiumPrinter} (headless Debian
 * Chromium through playwright-core); the Electron app passes its own, built on
 * `webContents.printToPDF` with {@link pdfPrintOptions}' page setup.
 */
export type PrintToPdf = (html: string) => Promise<Uint8Array>;

/** Page margins of the PDF (the footer with the page numbers sits in the bottom margin). */
export const PDF_MARGINS_MM = { top: 14, right: 13, bottom: 16, left: 13 } as const;

/** Where the CLI looks for Chromium unless `PATCHLENS_CHROMIUM` or `executablePath` says otherwise. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Chromium's flags: headless, no sandbox (containers), no GPU, and nothing that talks to the network. */
export const CHROMIUM_PDF_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Chromium is not where it was looked for. */
export class ChromiumNotFoundError extends Error {
  override name = 'ChromiumNotFoundError';
}

/** The document's `<title>` text (already HTML-escaped), or "PatchLens report". */
function titleOf(html: string): string {
  return /<title>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() || 'PatchLens report';
}

/**
 * The footer Chromium draws on every page: the report's title on the left, "page N of M" on the
 * right. Chromium fills `pageNumber` and `totalPages`; the template needs its own font size.
 */
export function pdfFooterTemplate(escapedTitle: string): string {
  return `<div style="width:100%;font-size:7.5px;font-family:'DejaVu Sans',Arial,sans-serif;color:#5b6570;padding:0 ${PDF_MARGINS_MM.left}mm;display:flex;justify-content:space-between;"><span>${escapedTitle}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

/**
 * The page setup, in Playwright's `page.pdf` terms: A4, backgrounds printed, an empty header and
 * the footer with page numbers. For Electron's `webContents.printToPDF` pass `pageSize: 'A4'`,
 * `printBackground`, `displayHeaderFooter`, `headerTemplate`, `footerTemplate` as they are and
 * `margins` in inches (mm / 25.4).
 */
export function pdfPrintOptions(html: string) {
  const mm = (v: number) => `${v}mm`;
  return {
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: '<div></div>',
    footerTemplate: pdfFooterTemplate(titleOf(html)),
    margin: { top: mm(PDF_MARGINS_MM.top), right: mm(PDF_MARGINS_MM.right), bottom: mm(PDF_MARGINS_MM.bottom), left: mm(PDF_MARGINS_MM.left) },
    preferCSSPageSize: false,
  };
}

/** Options of {@link chromiumPrinter}. */
export interface ChromiumPrinterOptions {
  /** Chromium or Chrome executable (default `PATCHLENS_CHROMIUM`, else /usr/bin/chromium). */
  executablePath?: string;
  /** Launch and print timeout, ms (default 60 000). */
  timeoutMs?: number;
}

/**
 * A {@link PrintToPdf} that prints with headless Chromium through playwright-core: JavaScript
 * off, every request other than `data:` refused (the report is self-contained, so nothing is
 * fetched), `page.setContent(html)`, then `page.pdf` with {@link pdfPrintOptions}. One browser
 * per call, closed afterwards. It never downloads a browser.
 * @throws ChromiumNotFoundError, saying how to install Chromium, when the executable is missing
 */
export function chromiumPrinter(options: ChromiumPrinterOptions = {}): PrintToPdf {
  return async (html: string) => {
    const executablePath = options.executablePath ?? process.env.PATCHLENS_CHROMIUM ?? DEFAULT_CHROMIUM;
    if (!existsSync(executablePath)) {
      throw new ChromiumNotFoundError(
        `renderPdf: Chromium was not found at ${executablePath}; install it (Debian/Ubuntu: sudo apt-get install -y chromium), or set PATCHLENS_CHROMIUM to a Chromium or Chrome executable, or skip the PDF (patchlens report --no-pdf)`,
      );
    }
    let chromium: typeof import('playwright-core').chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch (e) {
      throw new Error(`renderPdf: playwright-core is needed to drive Chromium but could not be loaded (${(e as Error).message}); reinstall PatchLens's dependencies (npm install)`);
    }
    const timeout = options.timeoutMs ?? 60_000;
    const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_PDF_ARGS, timeout });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      const page = await context.newPage();
      page.setDefaultTimeout(timeout);
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      const bytes = await page.pdf(pdfPrintOptions(html));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } finally {
      await browser.close();
    }
  };
}

/** A file attached to the PDF. */
export interface PdfAttachment {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
  description: string;
}

/** Options of {@link renderPdf}. */
export interface RenderPdfOptions {
  /** How to print (default: {@link chromiumPrinter}). */
  printToPdf?: PrintToPdf;
  /** Document information. */
  title: string;
  author?: string;
  subject?: string;
  creator?: string;
  keywords?: string[];
  /** Creation and modification date (default now). */
  date?: Date;
  /** Files to attach (e.g. the JSON sidecar). */
  attachments?: PdfAttachment[];
}

/**
 * Prints the HTML to PDF, then sets the PDF's document information (Title shown in the viewer's
 * title bar, Author, Subject, Creator, Producer, Keywords, dates) and attaches files with
 * pdf-lib.
 */
export async function renderPdf(html: string, options: RenderPdfOptions): Promise<Uint8Array> {
  const print = options.printToPdf ?? chromiumPrinter();
  const printed = await print(html);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(printed, { updateMetadata: false });
  } catch (e) {
    throw new Error(`renderPdf: the printer did not return a readable PDF (${(e as Error).message})`);
  }
  const date = options.date ?? new Date();
  doc.setTitle(options.title, { showInWindowTitleBar: true });
  if (options.author) doc.setAuthor(options.author);
  if (options.subject) doc.setSubject(options.subject);
  doc.setCreator(options.creator ?? 'PatchLens');
  doc.setProducer('PatchLens report (Chromium printToPDF, pdf-lib)');
  if (options.keywords?.length) doc.setKeywords(options.keywords);
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  for (const a of options.attachments ?? []) {
    await doc.attach(a.bytes, a.name, { mimeType: a.mimeType, description: a.description, creationDate: date, modificationDate: date });
  }
  return doc.save();
}
