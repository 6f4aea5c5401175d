/**
 * writeEncapsulatedPdf on pydicom's real CT5N series (5 CT slices): PDFs of odd and even length
 * made by pdf-lib are written as Encapsulated PDF instances that dciodvfy passes with no error,
 * that pydicom reads in the source's study (patient and study equal, a new series, DOC,
 * application/pdf, every source instance referenced) and whose document, cut at
 * EncapsulatedDocumentLength, is the PDF byte for byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDicomFolder, type DicomSeries } from '../../../../src-node/dicom';
import { DIAGNOSTIC_IMAGING_REPORT, ENCAPSULATED_PDF_SOP_CLASS_UID, writeEncapsulatedPdf } from '../../../../src-node/dicom/pdf';
import { requireTools } from '../../../helpers/requireTool';
import { PYDICOM_FILES } from '../oracles';
import { dciodvfy, segTools } from '../seg/segOracles';
import { pydicomPdf } from './pdfOracles';

const has = requireTools('writeEncapsulatedPdf.test (pydicom, dciodvfy)', segTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-dicom-pdf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A one-page PDF with a line of text; with `odd`, a byte longer or not so that its length is odd (or even). */
async function pdfOf(odd: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]).drawText('PatchLens report', { x: 50, y: 780, size: 18 });
  const bytes = await doc.save({ useObjectStreams: false });
  if (bytes.length % 2 === (odd ? 1 : 0)) return bytes;
  // A trailing end-of-line after %%EOF: still the same PDF to a reader, one byte longer.
  return Uint8Array.from([...bytes, 0x0a]);
}

describe.skipIf(!has)('writeEncapsulatedPdf (pydicom CT5N)', () => {
  let series: DicomSeries;
  beforeAll(async () => {
    series = (await scanDicomFolder(CT5N)).series[0];
  });

  for (const odd of [true, false]) {
    it(`a PDF of ${odd ? 'odd' : 'even'} length: no dciodvfy error, read by pydicom in the source's study, the document byte for byte`, async () => {
      const pdf = await pdfOf(odd);
      expect(pdf.length % 2).toBe(odd ? 1 : 0);
      const w = writeEncapsulatedPdf(pdf, series, { documentTitle: 'PatchLens report: model5_gw_ae', date: new Date('2024-05-06T07:08:09Z') });
      const file = join(tmp, `${odd ? 'odd' : 'even'}.pdf.dcm`);
      writeFileSync(file, w.bytes);

      const v = dciodvfy(file);
      console.log(`dciodvfy ${file} (PDF ${pdf.length} bytes): ${v.errors.length} error(s), ${v.warnings.length} warning(s)`);
      expect(v.errors).toEqual([]);

      const p = pydicomPdf(file, series.files[0]);
      expect(p.sopClassUid).toBe(ENCAPSULATED_PDF_SOP_CLASS_UID);
      expect(p.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.104.1');
      expect(p.mediaStorageSopClassUid).toBe(ENCAPSULATED_PDF_SOP_CLASS_UID);
      expect(p.studyInstanceUid).toBe(series.studyInstanceUid);
      expect(p.studyInstanceUid).toBe('1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.1');
      expect(p.patientStudyMatch).toBe(true);
      expect(p.seriesInstanceUid).toBe(w.seriesInstanceUid);
      expect(p.seriesInstanceUid).not.toBe(series.seriesInstanceUid);
      expect(p.seriesInstanceUid).toMatch(/^2\.25\.\d+$/);
      expect(p.sopInstanceUid).toBe(w.sopInstanceUid);
      expect(series.instances.map((i) => i.sopInstanceUid)).not.toContain(p.sopInstanceUid);
      expect([p.modality, p.seriesNumber, p.seriesDescription]).toEqual(['DOC', 400, 'PatchLens report']);
      expect(p.mimeType).toBe('application/pdf');
      expect(p.documentTitle).toBe('PatchLens report: model5_gw_ae');
      expect(p.burnedInAnnotation).toBe('NO');
      expect(p.conceptName).toEqual(['18748-4', 'LN', 'Diagnostic imaging report']);
      expect(p.documentLength).toBe(pdf.length);
      expect(p.valueLength).toBe(pdf.length + (odd ? 1 : 0));
      expect(p.pad).toEqual(odd ? [0] : []);
      expect(Buffer.from(p.documentBase64, 'base64').equals(Buffer.from(pdf))).toBe(true);
      expect(p.sourceInstances).toEqual(series.instances.map((i) => ['1.2.840.10008.5.1.4.1.1.2', i.sopInstanceUid]));
      expect(p.sourceInstances).toHaveLength(5);
      expect(w.sourceInstances).toBe(5);
    });
  }

  it('takes a series number, a title, another code, UIDs and BurnedInAnnotation YES', async () => {
    const uids = { series: '2.25.1', instance: '2.25.2' };
    const code = { value: '11526-1', scheme: 'LN', meaning: 'Pathology study' };
    const w = writeEncapsulatedPdf(await pdfOf(true), series, { seriesNumber: 7, seriesDescription: 'other', conceptName: code, uids, showsPatientIdentifiers: true, documentTitle: 'Über' });
    const file = join(tmp, 'options.pdf.dcm');
    writeFileSync(file, w.bytes);
    expect(dciodvfy(file).errors).toEqual([]);
    const p = pydicomPdf(file, series.files[0]);
    expect([p.seriesInstanceUid, p.sopInstanceUid, p.seriesNumber, p.seriesDescription, p.burnedInAnnotation, p.documentTitle]).toEqual(['2.25.1', '2.25.2', 7, 'other', 'YES', 'Über']);
    expect(p.conceptName).toEqual(['11526-1', 'LN', 'Pathology study']);
    expect(DIAGNOSTIC_IMAGING_REPORT).toEqual({ value: '18748-4', scheme: 'LN', meaning: 'Diagnostic imaging report' });
  });

  it('refuses bytes that are not a PDF, a series without instances and a title over 1024 bytes', async () => {
    expect(() => writeEncapsulatedPdf(new TextEncoder().encode('<html></html>'), series)).toThrow('writeEncapsulatedPdf: the document is not a PDF (it does not start with %PDF-)');
    const pdf = await pdfOf(true);
    expect(() => writeEncapsulatedPdf(pdf, { ...series, instances: [] })).toThrow(`writeEncapsulatedPdf: the source series ${series.seriesInstanceUid} has no instances`);
    expect(() => writeEncapsulatedPdf(pdf, series, { documentTitle: 'é'.repeat(513) })).toThrow('writeEncapsulatedPdf: the document title is 1026 bytes; DocumentTitle holds 1024');
  });

  it('names the source file it cannot read', async () => {
    const notDicom = join(tmp, 'not-dicom.dcm');
    writeFileSync(notDicom, 'not a DICOM file at all');
    const broken = { ...series, instances: [{ ...series.instances[0], path: notDicom }] };
    expect(() => writeEncapsulatedPdf(new Uint8Array(Buffer.from('%PDF-1.7\n')), broken)).toThrow(`writeEncapsulatedPdf: source file ${notDicom}: not a readable DICOM file`);
  });
});
