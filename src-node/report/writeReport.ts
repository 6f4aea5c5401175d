import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFilesAtomic, type FileToWrite } from '../fs/atomicWrite';
import { assertNoInputOverwrite, OutputRefusedError, resolveReal, type GuardWording } from '../fs/outputGuard';
import { loadReportData, SWEEP_FILES } from './reportData';
import { REPORT_DATA_FORMAT, type ReportData, type ReportPatient, type ReportUserFindings } from './reportTypes';
import { renderHtml } from './renderHtml';
import { renderPdf, type PrintToPdf } from './renderPdf';

/** The files {@link writeReport} writes. */
export const REPORT_FILES = { html: 'report.html', pdf: 'report.pdf', json: 'report.json' } as const;

/** Where a report's three files go. */
export interface ReportTargets {
  html: string;
  pdf: string;
  json: string;
}

/** The report files beside a chosen PDF name: `a.pdf` → `a.pdf`, `a.html`, `a.json` (what an export to `a.pdf` writes). */
export function reportTargetsFor(pdfPath: string): ReportTargets {
  const base = resolve(pdfPath).replace(/\.pdf$/i, '');
  return { pdf: `${base}.pdf`, html: `${base}.html`, json: `${base}.json` };
}

/** Which of the targets exist already (what an export must ask about before replacing). */
export function existingReportTargets(targets: ReportTargets): string[] {
  return [targets.html, targets.pdf, targets.json].filter((p) => existsSync(p));
}

/** How the library names its options in a refusal (the CLI passes its flags). */
const API_WORDING: GuardWording = { command: 'writeReport', out: 'outDir', force: 'force: true' };

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Folder to write into (default: the sweep folder). */
  outDir?: string;
  /**
   * The files to write instead of `report.*` in `outDir` (an export under a chosen name, see
   * {@link reportTargetsFor}).
   */
  files?: ReportTargets;
  /**
   * Replace report files that are not a report of this sweep (another sweep's, or files whose
   * report.json is missing or not a PatchLens report); default false: refuse. A report of the
   * same sweep is always rewritten.
   */
  force?: boolean;
  /** How refusals name the output and the force option (default the API's: `outDir`, `force: true`). */
  wording?: GuardWording;
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
  /** The user's findings (`userFindings` of a findings file): the report gets a "Findings" section, in the JSON too. */
  userFindings?: ReportUserFindings;
  /**
   * The patient block (`ReportData.patient`: the image's DICOM patient and study), given only when
   * the user opted in to patient identifiers; without it the report holds none.
   */
  patient?: ReportPatient;
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
 * What identifies the sweep a report shows: its model and input files, and its folder unless the
 * report lies in the sweep folder itself (a copied or moved sweep folder keeps its own report).
 */
function sweepIdentity(data: ReportData, withFolder: boolean): string {
  const p = data.provenance;
  const inputs = [...(p.inputs ?? [])].map((i) => `${i.caseId}/${i.role}/${i.sha256}`).sort();
  return JSON.stringify({ dir: withFolder && p.sweepDir ? resolveReal(p.sweepDir) : null, model: p.model?.sha256 ?? null, inputs });
}

/** The report data in an existing report.json, or null when it is missing or not a PatchLens report. */
function readExistingReport(path: string): ReportData | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as ReportData;
    return v !== null && typeof v === 'object' && v.format === REPORT_DATA_FORMAT && v.provenance && typeof v.provenance === 'object' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Refuses to write a report over its own inputs (the sweep's summary.json, sweep.json, results/,
 * maps/) or, without `force`, over report files that are not a report of the same sweep.
 * @throws OutputRefusedError, one line naming the file and what to do
 */
function checkTargets(sweepDir: string, targets: ReportTargets, data: ReportData, outLabel: string, force: boolean, wording: GuardWording): void {
  const outputs = [targets.html, targets.pdf, targets.json].map((path) => ({ path }));
  const inputs = [
    { what: `sweep's ${SWEEP_FILES.summary}`, path: join(sweepDir, SWEEP_FILES.summary) },
    { what: `sweep's ${SWEEP_FILES.sweep}`, path: join(sweepDir, SWEEP_FILES.sweep) },
    { what: `sweep's ${SWEEP_FILES.results}`, path: join(sweepDir, SWEEP_FILES.results), folder: true },
    { what: "sweep's maps", path: join(sweepDir, 'maps'), folder: true },
  ];
  assertNoInputOverwrite(wording, outLabel, outputs, inputs);
  if (force) return;
  const present = existingReportTargets(targets);
  if (present.length === 0) return;
  const earlier = readExistingReport(targets.json);
  const { command, out, force: forceFlag } = wording;
  if (!earlier) {
    throw new OutputRefusedError(`${command}: ${out} ${outLabel} holds ${present.join(', ')}, which is not a PatchLens report (no readable ${REPORT_FILES.json} of format ${REPORT_DATA_FORMAT}); add ${forceFlag} to replace it, or choose another ${out}`);
  }
  const inSweep = [targets.html, targets.pdf, targets.json].every((t) => resolveReal(dirname(t)) === resolveReal(sweepDir));
  if (sweepIdentity(earlier, !inSweep) !== sweepIdentity(data, !inSweep)) {
    const m = earlier.provenance.model;
    throw new OutputRefusedError(
      `${command}: ${out} ${outLabel} holds the report of another sweep (${earlier.provenance.sweepDir ?? 'unknown folder'}${m ? `, model ${m.name}` : ''}); add ${forceFlag} to replace it, or choose another ${out}`,
    );
  }
}

/**
 * Writes the report of a sweep folder: `report.json` (the {@link ReportData} sidecar),
 * `report.html` (self-contained) and `report.pdf` (A4, page numbers, the sidecar attached) into
 * the sweep folder, `outDir`, or the paths `files` names.
 *
 * Nothing is written until all three are ready (the PDF printed); then every file is written as
 * a complete, fsynced temp file beside its target, and the temp files are renamed into place,
 * report.html and report.pdf first, report.json last (`writeFilesAtomic`). A failure before the
 * renames (the printer, a full disk) leaves the old report as it was. A crash between two
 * renames can leave the new report.html (and report.pdf) beside the old report.json: each file
 * is complete and readable, and report.json is new only when the others are too.
 *
 * It never writes over the sweep's own files, and over report files that are not a report of
 * this sweep (same folder, model and input files) only with `force`.
 * @returns the absolute paths written
 * @throws OutputRefusedError when a target is refused (see `force`)
 */
export async function writeReport(sweepDir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const say = options.onProgress ?? (() => undefined);
  const generator = options.generator === undefined ? packageInfo() : options.generator;
  say(`reading ${resolve(sweepDir)}`);
  const data = await loadReportData(sweepDir, { now: options.now, generator });
  if (options.userFindings) data.userFindings = options.userFindings;
  if (options.patient) data.patient = options.patient;
  const outDir = resolve(options.outDir ?? sweepDir);
  const targets: ReportTargets = options.files
    ? { html: resolve(options.files.html), pdf: resolve(options.files.pdf), json: resolve(options.files.json) }
    : { html: join(outDir, REPORT_FILES.html), pdf: join(outDir, REPORT_FILES.pdf), json: join(outDir, REPORT_FILES.json) };
  const outLabel = options.files ? targets.json.replace(/\.json$/i, '.*') : outDir;
  checkTargets(resolve(sweepDir), targets, data, outLabel, options.force === true, options.wording ?? API_WORDING);
  const jsonText = reportJson(data);
  const htmlText = renderHtml(data);
  const files: FileToWrite[] = [{ path: targets.html, data: htmlText }];
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
    files.push({ path: targets.pdf, data: bytes });
  }
  // report.json last: it says which sweep the report is of (see checkTargets).
  files.push({ path: targets.json, data: jsonText });
  for (const dir of new Set(files.map((f) => dirname(f.path)))) mkdirSync(dir, { recursive: true });
  writeFilesAtomic(files);
  return { html: targets.html, pdf: options.pdf !== false ? targets.pdf : null, json: targets.json, data };
}
