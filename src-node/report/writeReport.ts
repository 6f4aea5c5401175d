import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadReportData, type ReportData } from './reportData';
import { renderHtml } from './renderHtml';
import { renderPdf, type PrintToPdf } from './renderPdf';

/** The files {@link writeReport} writes. */
export const REPORT_FILES = { html: 'report.html', pdf: 'report.pdf', json: 'report.json' } as const;

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Folder to write into (default: the sweep folder). */
  outDir?: string;
  /** Write the PDF too (default true). */
  pdf?: boolean;
  /** How to print the PDF (default: headless Chromium, see `chromiumPrinter`). */
  printToPdf?: PrintToPdf;
  /** The report's date (default now). */
  now?: Date;
  /** What writes the report (default: this package's name and version). */
  generator?: { name: string; version: string } | null;
  /** Progress lines ("reading …", "printing …"). */
  onProgress?: (message: string) => void;
}

/** Absolute paths of the files written, and the data they show. */
export interface WrittenReport {
  html: string;
  /** null with `pdf: false`. */
  pdf: string | null;
  json: string;
  data: ReportData;
}

/** This package's name and version, when its package.json can be found. */
function packageInfo(): { name: string; version: string } | null {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
    return pkg.name && pkg.version ? { name: pkg.name === 'patchlens' ? 'PatchLens' : pkg.name, version: pkg.version } : null;
  } catch {
    return null;
  }
}

/** The sidecar's text: indented JSON with arrays of numbers kept on one line (the map slices would otherwise take one line per value). */
export function reportJson(data: ReportData): string {
  const text = JSON.stringify(data, null, 2).replace(/\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
  return `${text}\n`;
}

/**
 * Writes the report of a sweep folder: `report.json` (the {@link ReportData} sidecar),
 * `report.html` (self-contained) and `report.pdf` (A4, page numbers, the sidecar attached) into
 * the sweep folder or `outDir`.
 * @returns the absolute paths written
 */
export async function writeReport(sweepDir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const say = options.onProgress ?? (() => undefined);
  const generator = options.generator === undefined ? packageInfo() : options.generator;
  say(`reading ${resolve(sweepDir)}`);
  const data = await loadReportData(sweepDir, { now: options.now, generator });
  const outDir = resolve(options.outDir ?? sweepDir);
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, REPORT_FILES.json);
  const jsonText = reportJson(data);
  writeFileSync(json, jsonText);
  const htmlText = renderHtml(data);
  const html = join(outDir, REPORT_FILES.html);
  writeFileSync(html, htmlText);
  let pdf: string | null = null;
  if (options.pdf !== false) {
    say('printing the PDF');
    const bytes = await renderPdf(htmlText, {
      printToPdf: options.printToPdf,
      title: data.summary.title,
      author: generator ? `${generator.name} ${generator.version}` : 'PatchLens',
      subject: `Patch performance and overlap/time trade-off${data.summary.modelName ? ` of ${data.summary.modelName}` : ''}: ${data.summary.configCount} configurations on ${data.summary.caseIds.length} case(s)`,
      creator: generator ? `${generator.name} ${generator.version}` : 'PatchLens',
      keywords: ['PatchLens', 'patch performance', 'sliding window', 'overlap', ...(data.summary.modelName ? [data.summary.modelName] : [])],
      date: options.now,
      attachments: [
        {
          name: REPORT_FILES.json,
          bytes: new TextEncoder().encode(jsonText),
          mimeType: 'application/json',
          description: 'PatchLens report data (format patchlens.report-data): every number this report shows',
        },
      ],
    });
    pdf = join(outDir, REPORT_FILES.pdf);
    writeFileSync(pdf, bytes);
  }
  return { html, pdf, json, data };
}
