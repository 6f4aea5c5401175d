/**
 * Patient identifiers on the CLI's DICOM path (issue 15: "never into the provenance JSON or logs;
 * into exported reports only when the user opts in"): a series of a patient with distinctive
 * identifiers (Doe^Jane, PL-TEST-0042, test/helpers/patientSeries.ts) goes through `infer`, `sweep`
 * and `report --dicom-source`. No JSON they write and nothing they print holds an identifier; the
 * report holds none without `--include-patient` (HTML, JSON, the PDF's text), and with it shows
 * the patient block in all three, report.pdf.dcm then saying BurnedInAnnotation YES.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src-cli/io';
import { main } from '../../src-cli/main';
import { parseReportArgs, REPORT_HELP } from '../../src-cli/reportCommand';
import { UsageError } from '../../src-cli/usageError';
import { decodePart10 } from '../../src-node/dicom/seg/dcmjsIo';
import { DEFAULT_CHROMIUM } from '../../src-node/report/renderPdf';
import { TINY_MODEL_DIR } from '../fixtures/tiny-model/makeTinyModel';
import { filesUnder, identifiersIn, identifiersInFiles, writePatientSeries, type PatientSeries } from '../helpers/patientSeries';
import { chromiumTool, commandTool, requireTools } from '../helpers/requireTool';
import { runReport } from './runReport';

const has = requireTools('dicomPatientPrivacy.slow.test (Chromium, pdftotext)', [chromiumTool(process.env.PATCHLENS_CHROMIUM ?? DEFAULT_CHROMIUM), commandTool('pdftotext', 'apt-get install -y poppler-utils')]);
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-cli-patient-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Everything the CLI printed in this file's runs. */
const printed: string[] = [];

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  printed.push(out, err);
  return { code, out, err };
}

const pdfText = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

describe.skipIf(!has)('patient identifiers on the CLI DICOM path', () => {
  let series: PatientSeries;
  const sweepDir = join(tmp, 'sweep');
  beforeAll(async () => {
    series = writePatientSeries(tmp);
    const model = ['--model', TINY_MODEL_DIR, '--patch', '24', '--overlap', '0', '--backend', 'cpu'];
    const s = await cli('sweep', ...model, '--case', `mr=${series.folder}:${series.labels}`, '--out', sweepDir, '--blend', 'gaussian', '--repeats', '1', '--warmup', 'none', '--machine', 'ci');
    expect(s.code, s.err).toBe(0);
  }, 300_000);

  it('infer: result.json and every other JSON and line printed hold no identifier', async () => {
    const out = join(tmp, 'infer');
    const r = await cli('infer', '--model', TINY_MODEL_DIR, '--patch', '24', '--overlap', '0', '--backend', 'cpu', '--image', series.folder, '--out', out);
    expect(r.code, r.err).toBe(0);
    const json = filesUnder(out, ['.json']);
    expect(json).toContain('result.json');
    expect(readFileSync(join(out, 'result.json'), 'utf8')).toContain('"dicomSeries"');
    expect(identifiersInFiles(out, json)).toEqual([]);
    expect(identifiersIn(r.out + r.err)).toEqual([]);
  }, 300_000);

  it('sweep: sweep.json, results/*.json and summary.json hold no identifier', () => {
    const json = filesUnder(sweepDir, ['.json']);
    expect(json).toEqual(expect.arrayContaining(['sweep.json', 'summary.json']));
    expect(json.some((f) => f.startsWith('results/'))).toBe(true);
    expect(identifiersInFiles(sweepDir, json)).toEqual([]);
  });

  it('report --dicom-source without --include-patient: no identifier in the HTML, the JSON or the PDF text', async () => {
    const out = join(tmp, 'report-plain');
    const r = await cli('report', sweepDir, '--out', out, '--dicom-source', series.folder);
    expect(r.code, r.err).toBe(0);
    expect(identifiersInFiles(out, ['report.html', 'report.json'])).toEqual([]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('id="patient"');
    const text = pdfText(join(out, 'report.pdf'));
    expect(text).toContain('1. Summary and recommendation');
    expect(identifiersIn(text)).toEqual([]);
    // The Encapsulated PDF carries the series' patient module (as every instance of the study does), and says the document shows none.
    const dcm = decodePart10(readFileSync(join(out, 'report.pdf.dcm')), 'report.pdf.dcm', true);
    expect(dcm.BurnedInAnnotation).toBe('NO');
  }, 300_000);

  it('report --include-patient: the patient block in the HTML, the JSON and the PDF, BurnedInAnnotation YES', async () => {
    const out = join(tmp, 'report-patient');
    const r = await cli('report', sweepDir, '--out', out, '--dicom-source', series.folder, '--include-patient');
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="patient"');
    // What the checks above look for is found where it is: the block shows the name, ID, birth date and accession.
    expect(identifiersIn(html)).toEqual(expect.arrayContaining(['Doe Jane', 'Jane', 'PL-TEST-0042', '1971-02-03', 'ACC-PL-7781']));
    const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { patient?: Record<string, unknown> };
    expect(data.patient).toMatchObject({ name: 'Doe Jane', id: 'PL-TEST-0042', birthDate: '19710203', sex: 'F', studyDate: '20261207', accessionNumber: 'ACC-PL-7781', series: { number: 3, description: 'ch2 as DICOM', modality: 'MR' } });
    const text = pdfText(join(out, 'report.pdf'));
    for (const id of ['Doe Jane', 'PL-TEST-0042', '1971-02-03', 'ACC-PL-7781']) expect(text).toContain(id);
    const dcm = decodePart10(readFileSync(join(out, 'report.pdf.dcm')), 'report.pdf.dcm', true);
    expect(dcm.BurnedInAnnotation).toBe('YES');
    // Still nothing printed: the identifiers are in the files only.
    expect(identifiersIn(r.out + r.err)).toEqual([]);
  }, 300_000);

  it('--include-patient needs --dicom-source, and is in --help', async () => {
    expect(parseReportArgs(['d', '--include-patient']).includePatient).toBe(true);
    expect(parseReportArgs(['d']).includePatient).toBeUndefined();
    expect(REPORT_HELP).toContain('--include-patient');
    const r = await runReport([sweepDir, '--out', join(tmp, 'report-refused'), '--include-patient']);
    expect(r.error).toBeInstanceOf(UsageError);
    expect(r.error!.message).toBe('report: --include-patient reads the patient identifiers from the series; give it with --dicom-source <DICOM folder | file of the series>');
  });

  it('printed no identifier in any run', () => {
    expect(printed.length).toBeGreaterThan(0);
    expect(identifiersIn(printed.join('\n'))).toEqual([]);
  });
});
