/**
 * `patchlens report <sweep-dir> --dicom-source <DICOM folder | file>` (issue 15): the report.pdf
 * Chromium printed is also written as report.pdf.dcm, an Encapsulated PDF in pydicom's CT5N
 * study that dciodvfy passes with no error and whose document is report.pdf byte for byte; one
 * file of the series names the same series; a --dicom-source that is not DICOM is refused naming
 * it, before anything is written; without the option nothing changes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReportArgs, REPORT_HELP } from '../../src-cli/reportCommand';
import { InputError, UsageError } from '../../src-cli/usageError';
import { scanDicomFolder } from '../../src-node/dicom';
import { chromiumTool, requireTools } from '../helpers/requireTool';
import { PYDICOM_FILES } from '../src-node/dicom/oracles';
import { pydicomPdf } from '../src-node/dicom/pdf/pdfOracles';
import { dciodvfy, segTools } from '../src-node/dicom/seg/segOracles';
import { buildSweepFixture } from '../src-node/report/fixtures/buildSweepFixture';
import { runReport } from './runReport';

const has = requireTools('reportDicomPdf.slow.test (pydicom, dciodvfy, Chromium)', [...segTools(), chromiumTool(process.env.PATCHLENS_CHROMIUM ?? '/usr/bin/chromium')]);
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-dicom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A one-page PDF, as an injected printer gives it (for the runs whose PDF is not the point). */
const printToPdf = async () => {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]);
  return doc.save();
};

describe.skipIf(!has)('patchlens report --dicom-source', () => {
  it('parses it and lists it in --help', () => {
    expect(parseReportArgs(['d', '--dicom-source', 'ct']).dicomSource).toBe('ct');
    expect(parseReportArgs(['d', '--dicom-source=ct']).dicomSource).toBe('ct');
    expect(parseReportArgs(['d']).dicomSource).toBeUndefined();
    expect(() => parseReportArgs(['d', '--dicom-source'])).toThrow('report: --dicom-source needs a DICOM folder or a file of the series');
    expect(REPORT_HELP).toContain('--dicom-source <DICOM folder | file of the series>');
    expect(REPORT_HELP).toContain('report.pdf.dcm');
  });

  it('writes report.pdf.dcm beside report.pdf: no dciodvfy error, the CT5N study, report.pdf byte for byte', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep'));
    const out = join(tmp, 'out');
    const r = await runReport([dir, '--out', out, '--dicom-source', CT5N, '--quiet']);
    expect(r.error).toBeNull();
    const lines = r.out.trim().split('\n');
    expect(lines).toEqual([resolve(out, 'report.json'), resolve(out, 'report.pdf'), resolve(out, 'report.pdf.dcm'), resolve(out, 'report.html')]);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json', 'report.pdf', 'report.pdf.dcm']);

    const file = join(out, 'report.pdf.dcm');
    const v = dciodvfy(file);
    console.log(`dciodvfy report.pdf.dcm (report.pdf ${readFileSync(join(out, 'report.pdf')).length} bytes): ${v.errors.length} error(s), ${v.warnings.length} warning(s)`);
    expect(v.errors).toEqual([]);

    const series = (await scanDicomFolder(CT5N)).series[0];
    const p = pydicomPdf(file, series.files[0]);
    expect(p.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.104.1');
    expect(p.studyInstanceUid).toBe(series.studyInstanceUid);
    expect(p.patientStudyMatch).toBe(true);
    expect(p.seriesInstanceUid).not.toBe(series.seriesInstanceUid);
    expect(p.mimeType).toBe('application/pdf');
    expect(p.documentTitle).toBe('PatchLens report: model5_gw_ae');
    expect(p.sourceInstances.map((s) => s[1])).toEqual(series.instances.map((i) => i.sopInstanceUid));
    const pdf = readFileSync(join(out, 'report.pdf'));
    expect(p.documentLength).toBe(pdf.length);
    expect(Buffer.from(p.documentBase64, 'base64').equals(pdf)).toBe(true);
    expect(r.err).toBe('');
    expect(readdirSync(CT5N)).toHaveLength(5); // nothing written into the DICOM folder
  });

  it('one file of the series stands for its series', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep-file'));
    const series = (await scanDicomFolder(CT5N)).series[0];
    const r = await runReport([dir, '--dicom-source', series.files[2], '--quiet'], { printToPdf });
    expect(r.error).toBeNull();
    const p = pydicomPdf(join(dir, 'report.pdf.dcm'), series.files[0]);
    expect(p.sourceInstances).toHaveLength(5);
    expect(Buffer.from(p.documentBase64, 'base64').equals(readFileSync(join(dir, 'report.pdf')))).toBe(true);
  });

  it('refuses a --dicom-source that is not DICOM, naming it, and writes nothing', async () => {
    const text = join(tmp, 'notes.txt');
    writeFileSync(text, 'not DICOM');
    const noImages = join(tmp, 'no-images');
    mkdirSync(noImages);
    writeFileSync(join(noImages, 'readme.txt'), 'no DICOM here');
    const cases: [string, RegExp][] = [
      [text, new RegExp(`^report: --dicom-source ${text} is not DICOM \\(a DICOM folder, a DICOMDIR or a DICOM file of the series\\)$`)],
      [join(tmp, 'missing'), new RegExp(`^report: --dicom-source ${join(tmp, 'missing')} does not exist$`)],
      [noImages, new RegExp(`^report: --dicom-source ${noImages}: scanDicomFolder: ${noImages}: no DICOM image found \\(1 file\\(s\\) skipped: ${noImages}/readme.txt: not a DICOM file`)],
    ];
    for (const [source, message] of cases) {
      const dir = buildSweepFixture(join(tmp, `sweep-bad-${cases.findIndex((c) => c[0] === source)}`));
      const r = await runReport([dir, '--dicom-source', source, '--quiet'], { printToPdf });
      expect(r.error, source).toBeInstanceOf(InputError);
      expect(r.error!.message).toMatch(message);
      expect(readdirSync(dir).filter((n) => n.startsWith('report'))).toEqual([]);
    }
    const noPdf = await runReport([buildSweepFixture(join(tmp, 'sweep-no-pdf')), '--no-pdf', '--dicom-source', CT5N]);
    expect(noPdf.error).toBeInstanceOf(UsageError);
    expect(noPdf.error!.message).toBe('report: --dicom-source encapsulates report.pdf; it cannot go with --no-pdf');
  });

  it('without --dicom-source writes no report.pdf.dcm', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep-plain'));
    const r = await runReport([dir, '--quiet'], { printToPdf });
    expect(r.error).toBeNull();
    expect(r.out.trim().split('\n')).toEqual([resolve(dir, 'report.json'), resolve(dir, 'report.pdf'), resolve(dir, 'report.html')]);
    expect(existsSync(join(dir, 'report.pdf.dcm'))).toBe(false);
  });
});
