import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DicomSeries } from '../src-node/dicom';
import type { PrintToPdf } from '../src-node/report/renderPdf';
import type { ReportPatient } from '../src-node/report/reportTypes';
import type { Io } from './io';
import { InputError, UsageError } from './usageError';
import { assertOutWritable } from './outProbe';
import { readFindingsInput } from './findingsInput';

/** `patchlens report --help`. */
export const REPORT_HELP = `Usage: patchlens report <sweep-dir> [options]

Writes the report of a finished sweep folder (sweep.json, results/, summary.json):
  report.html   one self-contained file (no network): summary and recommendation, the patch
                performance heatmap, the border profile, overlap and Dice against time with the
                Pareto front, predicted against measured time (and the time model's measured
                error), every configuration, per-case results, provenance and warnings (no
                recommendation without one; comparisons within the measured noise are listed
                there, not stated as findings)
  report.pdf    the same, A4 with page numbers, with report.json attached
  report.json   the report's data (format patchlens.report-data)
  report.pdf.dcm  with --dicom-source: report.pdf as a DICOM Encapsulated PDF in that series'
                study (a new series: Modality DOC, number 400, "PatchLens report")
No patient identifier is in any of them unless --include-patient asks for it.

Options:
  --out <dir>    write into <dir> instead of the sweep folder
  --force        replace a report of another sweep in --out (default: refuse; the same
                 sweep's report is always rewritten)
  --no-pdf       write only report.html and report.json (no Chromium needed)
  --findings <findings.json | project folder>
                 add a Findings section: the findings file's findings (category, severity,
                 note, author, time, the run's patch) as a table, in the HTML, PDF and JSON.
                 A project folder (or its annotations/ folder): the findings the app saved for
                 --image (found by its SHA-256), or for the folder's only annotated image
                 without --image; the file used is printed. The folder is only read
  --image <image.nii.gz>
                 the image the findings were marked on: a thumbnail of each finding's slice
                 (without it the table has no thumbnails, and the report says why)
  --labels <labels.nii.gz>
                 labels drawn over the thumbnails (needs --image); with a project folder the
                 default is the labels saved there (the edited reference)
  --dicom-source <DICOM folder | file of the series>
                the series the report is about: also write report.pdf.dcm beside report.pdf,
                with the series' patient and study attributes (never printed), its instances
                referenced, LOINC 18748-4 "Diagnostic imaging report", BurnedInAnnotation NO.
                A folder holds one series, or give one file of the series you mean
  --include-patient
                add a Patient block (name, ID, birth date, sex, study date, accession,
                series) read from --dicom-source to the HTML, PDF and JSON (report.pdf.dcm
                then says BurnedInAnnotation YES). Default off: the report holds no patient
                identifier. Needs --dicom-source
  --quiet        no progress lines
  --verbose      print the stack with an error
  -h, --help     this help

The PDF is printed by headless Chromium: /usr/bin/chromium, or the executable PATCHLENS_CHROMIUM
names (Debian/Ubuntu: sudo apt-get install -y chromium). The last line printed is the HTML
report's absolute path. The files are written whole (temp files renamed into place, report.json
last); a failure leaves the old report as it was.
`;

/** Parsed `patchlens report` arguments. */
export interface ReportArgs {
  sweepDir: string | null;
  out: string | null;
  pdf: boolean;
  /** Replace a report of another sweep in --out. */
  force: boolean;
  quiet: boolean;
  help: boolean;
  /** `--findings`, `--image`, `--labels` (null when not given). */
  findings: string | null;
  image: string | null;
  labels: string | null;
  /** `--dicom-source` (absent when not given). */
  dicomSource?: string | null;
  /** `--include-patient`: the patient block from `--dicom-source` (absent: off). */
  includePatient?: boolean;
}

const PATH_OPTIONS = { '--out': 'out', '--findings': 'findings', '--image': 'image', '--labels': 'labels', '--dicom-source': 'dicomSource' } as const;
const PATH_HINTS: Record<keyof typeof PATH_OPTIONS, string> = {
  '--out': 'a folder (patchlens report <sweep-dir> --out <dir>)',
  '--findings': 'a findings file or a project folder (patchlens report <sweep-dir> --findings <findings.json | project folder>)',
  '--image': 'an image file (--image <image.nii.gz>)',
  '--labels': 'a label file (--labels <labels.nii.gz>)',
  '--dicom-source': 'a DICOM folder or a file of the series (--dicom-source <DICOM folder | file of the series>)',
};

/**
 * Parses `patchlens report` arguments (after the command name).
 * @throws UsageError for an unknown option, a missing option value or more than one folder
 */
export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const args: ReportArgs = { sweepDir: null, out: null, pdf: true, force: false, quiet: false, help: false, findings: null, image: null, labels: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--no-pdf') args.pdf = false;
    else if (a === '--force') args.force = true;
    else if (a === '--quiet') args.quiet = true;
    else if (a === '--include-patient') args.includePatient = true;
    else if (a === '--verbose') continue;
    else if (pathOption(a)) {
      const name = pathOption(a)!;
      const v = a === name ? argv[++i] : a.slice(name.length + 1);
      if (v === undefined || v === '' || (a === name && v.startsWith('--'))) throw new UsageError(`report: ${name} needs ${PATH_HINTS[name]}`);
      args[PATH_OPTIONS[name]] = v;
    } else if (a.startsWith('-')) throw new UsageError(`report: unknown option ${JSON.stringify(a)} (see patchlens report --help)`);
    else if (args.sweepDir !== null) throw new UsageError(`report: one sweep folder only, got ${JSON.stringify(args.sweepDir)} and ${JSON.stringify(a)}`);
    else args.sweepDir = a;
  }
  return args;
}

/** The path option `a` is (`--out`, `--out=…`, …), or null. */
function pathOption(a: string): keyof typeof PATH_OPTIONS | null {
  return (Object.keys(PATH_OPTIONS) as (keyof typeof PATH_OPTIONS)[]).find((k) => a === k || a.startsWith(`${k}=`)) ?? null;
}

/** Test seams of {@link runReportCommand}. */
export interface ReportCommandDeps {
  /** How to print the PDF (default: headless Chromium). */
  printToPdf?: PrintToPdf;
}

/**
 * `patchlens report <sweep-dir>`: writes report.json, report.html and (unless `--no-pdf`)
 * report.pdf, prints their absolute paths, the HTML report's last.
 * With `--findings` (a findings file or a project folder) the report gets a Findings section
 * (`readFindingsInput`), and a line on stderr names the findings file used. With `--dicom-source`
 * it also writes report.pdf.dcm beside report.pdf (after the report, so a failure there leaves the
 * report written and says so) and prints its path before the HTML's.
 * @throws UsageError (exit 2) for bad arguments or a findings file that does not validate,
 * InputError (exit 1) for a missing or unreadable sweep folder or input file, a missing Chromium
 * or a failed print
 */
export async function runReportCommand(argv: readonly string[], io: Io, deps: ReportCommandDeps = {}): Promise<void> {
  const args = parseReportArgs(argv);
  if (args.help) {
    io.out(REPORT_HELP);
    return;
  }
  if (args.sweepDir === null) throw new UsageError('report: give the sweep folder (patchlens report <sweep-dir>; see --help)');
  const dir = resolve(args.sweepDir);
  if (!existsSync(dir)) throw new InputError(`report: the sweep folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new InputError(`report: ${dir} is not a folder`);
  if (args.includePatient && !args.dicomSource) throw new UsageError('report: --include-patient reads the patient identifiers from the series; give it with --dicom-source <DICOM folder | file of the series>');
  if (args.dicomSource && !args.pdf) throw new UsageError('report: --dicom-source encapsulates report.pdf; it cannot go with --no-pdf');
  const dicomSeries = args.dicomSource ? await dicomSourceSeries(args.dicomSource) : null;
  const patient = args.includePatient && dicomSeries ? await seriesPatient(args.dicomSource!, dicomSeries) : undefined;
  await assertOutWritable('report', args.out ?? dir, 'inside', args.out ? '--out' : 'the sweep folder'); // before any work (issue 12, item 8)
  const say = (s: string) => (args.quiet ? undefined : io.err(`${s}\n`));
  const userFindings = readFindingsInput(args, say) ?? undefined;
  const { writeReport } = await import('../src-node/report/writeReport');
  let written;
  try {
    written = await writeReport(dir, {
      outDir: args.out ?? undefined,
      pdf: args.pdf,
      force: args.force,
      wording: { command: 'report', out: '--out', force: '--force' },
      printToPdf: deps.printToPdf,
      onProgress: say,
      userFindings,
      ...(patient ? { patient } : {}),
    });
  } catch (e) {
    throw new InputError((e as Error).message.split('\n')[0]);
  }
  for (const w of written.data.warnings) say(`warning: ${w}`);
  const dicomPdf = dicomSeries && written.pdf ? await writeDicomPdf(written.pdf, written.data.summary.title, dicomSeries, patient !== undefined) : null;
  const lines = [written.json, ...(written.pdf ? [written.pdf] : []), ...(dicomPdf ? [dicomPdf] : []), written.html];
  io.out(`${lines.join('\n')}\n`);
}

/**
 * The series `--dicom-source` names, found before any report is written.
 * @throws InputError naming the path when it is missing, not DICOM, or holds no or several series
 */
async function dicomSourceSeries(path: string): Promise<DicomSeries> {
  if (!existsSync(path)) throw new InputError(`report: --dicom-source ${path} does not exist`);
  const { findSeries, isDicomInput } = await import('../src-node/readDicomImage');
  if (!isDicomInput(path)) throw new InputError(`report: --dicom-source ${path} is not DICOM (a DICOM folder, a DICOMDIR or a DICOM file of the series)`);
  try {
    return await findSeries('--dicom-source', path, { howToChoose: 'give one file of the series you mean as --dicom-source' });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    const prefix = `--dicom-source ${path}: `;
    throw new InputError(`report: ${message.startsWith(prefix) ? message : prefix + message}`);
  }
}

/**
 * The patient block of `--include-patient`, from the series' first file.
 * @throws InputError naming the file (never the patient) when its attributes cannot be read
 */
async function seriesPatient(path: string, series: DicomSeries): Promise<ReportPatient> {
  const { readReportPatient } = await import('../src-node/report/reportPatient');
  try {
    return readReportPatient(series);
  } catch (e) {
    throw new InputError(`report: --dicom-source ${path}: ${(e as Error).message.split('\n')[0].replace(/^writeDicomSeg: /, '')}`);
  }
}

/**
 * Writes `<pdf>.dcm` (the printed report.pdf as an Encapsulated PDF in `series`' study) through
 * the atomic writer; its path. `showsPatient`: the PDF has the patient block (BurnedInAnnotation YES).
 */
async function writeDicomPdf(pdfPath: string, title: string, series: DicomSeries, showsPatient: boolean): Promise<string> {
  const { writeEncapsulatedPdf } = await import('../src-node/dicom/pdf');
  const { writeFileAtomic } = await import('../src-node/fs/atomicWrite');
  const target = `${pdfPath}.dcm`;
  try {
    writeFileAtomic(target, writeEncapsulatedPdf(readFileSync(pdfPath), series, { documentTitle: title, showsPatientIdentifiers: showsPatient }).bytes);
  } catch (e) {
    throw new InputError(`report: the report is written, but not ${target}: ${(e as Error).message.split('\n')[0]}`);
  }
  return target;
}
