/**
 * A PDF as a DICOM Encapsulated PDF (SOP Class 1.2.840.10008.5.1.4.1.1.104.1, PS3.3 A.45.1) in
 * the study of a source series, so a report can be stored in a PACS beside the images it is
 * about: the source's patient and study attributes copied (read with the SEG writer's
 * `readSourceAttributes`; never printed), a new series (Modality DOC), the source series'
 * instances referenced in SourceInstanceSequence, encoded by dcmjs (`encodePart10`).
 */
import type { DicomInstance } from '../parseFile';
import type { DicomSeries } from '../scan';
import { encodePart10, type NaturalDataset } from '../seg/dcmjsIo';
import { readSourceAttributes, type SegSource, type SourceAttributes } from '../seg/source';
import { newUid, type Code } from '../seg/writeSeg';

/** Encapsulated PDF Storage. */
export const ENCAPSULATED_PDF_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.104.1';

/**
 * The document's kind (ConceptNameCodeSequence): LOINC 18748-4 "Diagnostic imaging report", the
 * generic LOINC document type of a report on a study's images (what PACS and IHE XDS-I document
 * lists show). LOINC has no code for a report on an image-analysis algorithm's settings, and a
 * specific clinical code (a radiology report of a body part) would claim what PatchLens does not.
 */
export const DIAGNOSTIC_IMAGING_REPORT: Code = { value: '18748-4', scheme: 'LN', meaning: 'Diagnostic imaging report' };

/**
 * What the PDF's series is placed beside: a scanned series (`scanDicomFolder`, `findSeries`) is
 * one; so is a source the app recorded (its slices as instances: {@link pdfSourceOfSegSource}).
 */
export type PdfSource = Pick<DicomSeries, 'studyInstanceUid' | 'seriesInstanceUid' | 'seriesNumber'> & { instances: readonly Pick<DicomInstance, 'path' | 'sopInstanceUid' | 'sopClassUid' | 'frameOfReferenceUid'>[] };

/** A SEG source (the record the app keeps beside an imported series) as a {@link PdfSource}: its slices' instances, of the source's SOP class. */
export function pdfSourceOfSegSource(source: SegSource, sopClassUid: string): PdfSource {
  const seen = new Set<string>();
  const instances = source.dicom.slices
    .filter((s) => !seen.has(s.sopInstanceUid) && seen.add(s.sopInstanceUid))
    .map((s) => ({ path: s.file, sopInstanceUid: s.sopInstanceUid, sopClassUid, frameOfReferenceUid: source.dicom.frameOfReferenceUid }));
  return { studyInstanceUid: source.dicom.studyInstanceUid, seriesInstanceUid: source.dicom.seriesInstanceUid, seriesNumber: source.dicom.seriesNumber, instances };
}

/** Options of {@link writeEncapsulatedPdf}. */
export interface WriteEncapsulatedPdfOptions {
  /** DocumentTitle (ST: at most 1024 bytes; default "PatchLens report"). */
  documentTitle?: string;
  /** Default 400. */
  seriesNumber?: number;
  /** Default "PatchLens report". */
  seriesDescription?: string;
  /** ConceptNameCodeSequence (default {@link DIAGNOSTIC_IMAGING_REPORT}). */
  conceptName?: Code;
  /**
   * Whether the PDF shows patient identifiers (BurnedInAnnotation YES). Default false: PatchLens
   * reports name cases, files and hashes, never the patient.
   */
  showsPatientIdentifiers?: boolean;
  /** SoftwareVersions (default 'PatchLens'). */
  softwareVersion?: string;
  /** ContentDate/Time, SeriesDate/Time and AcquisitionDateTime, in UTC (default now). */
  date?: Date;
  /** The UIDs (default new ones under 2.25). */
  uids?: { series: string; instance: string };
  /** Largest source file read for its attributes (bytes). */
  maxBytes?: number;
  /** The source's patient and study attributes when already known (the app's record); read from its first file otherwise. */
  attributes?: SourceAttributes;
}

/** What {@link writeEncapsulatedPdf} wrote. */
export interface WrittenEncapsulatedPdf {
  bytes: Uint8Array;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  /** Instances listed in SourceInstanceSequence. */
  sourceInstances: number;
}

const WHERE = 'writeEncapsulatedPdf';
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** DA, TM (UTC) and DT (with its +0000 offset) of a time. */
function dicomWhen(d: Date): { date: string; time: string; dateTime: string } {
  const iso = d.toISOString(); // 2024-05-06T07:08:09.123Z
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 19).replaceAll(':', '');
  return { date, time, dateTime: `${date}${time}+0000` };
}

function checkInputs(pdf: Uint8Array, source: PdfSource, title: string): void {
  if (pdf.length < 5 || new TextDecoder().decode(pdf.subarray(0, 5)) !== '%PDF-') throw new RangeError(`${WHERE}: the document is not a PDF (it does not start with %PDF-)`);
  // EncapsulatedDocumentLength is a UL and the value's length field 32 bits (even, below 0xFFFFFFFF).
  if (pdf.length > 0xfffffffc) throw new RangeError(`${WHERE}: the PDF is ${pdf.length} bytes, over what one DICOM value holds`);
  if (source.instances.length === 0) throw new RangeError(`${WHERE}: the source series ${source.seriesInstanceUid} has no instances`);
  if (utf8Bytes(title) > 1024) throw new RangeError(`${WHERE}: the document title is ${utf8Bytes(title)} bytes; DocumentTitle holds 1024`);
}

/**
 * Writes `pdf` as an Encapsulated PDF instance in `source`'s study: Patient and General Study
 * copied from the source's first file (never printed), a new DOC series (SeriesNumber 400,
 * "PatchLens report" by default), the PDF's bytes in EncapsulatedDocument (a zero byte appended
 * when the length is odd; EncapsulatedDocumentLength is the PDF's own length), every instance of
 * the source series in SourceInstanceSequence, and the document coded as
 * {@link DIAGNOSTIC_IMAGING_REPORT} unless `conceptName` says otherwise.
 * @throws a RangeError for bytes that are not a PDF, a source without instances or a title over
 *   1024 bytes; the source reader's error, naming the file, when its first file cannot be read
 */
export function writeEncapsulatedPdf(pdf: Uint8Array, source: PdfSource, options: WriteEncapsulatedPdfOptions = {}): WrittenEncapsulatedPdf {
  const title = options.documentTitle ?? 'PatchLens report';
  checkInputs(pdf, source, title);
  const first = source.instances[0];
  // readSourceAttributes reads only the first slice's file; a document has no grid, so none is given.
  const attrSource: SegSource = {
    shape: [],
    affine: [],
    spacing: [],
    dicom: { ...source, frameOfReferenceUid: first.frameOfReferenceUid, slices: [{ file: first.path, frame: 0, sopInstanceUid: first.sopInstanceUid, position: null }] },
  };
  let attrs = options.attributes;
  try {
    attrs ??= readSourceAttributes(attrSource, options.maxBytes);
  } catch (e) {
    const message = (e as Error).message.replace(/^writeDicomSeg: /, `${WHERE}: `);
    throw e instanceof RangeError ? new RangeError(message) : new Error(message);
  }
  const when = dicomWhen(options.date ?? new Date());
  const uids = options.uids ?? { series: newUid(), instance: newUid() };
  const concept = options.conceptName ?? DIAGNOSTIC_IMAGING_REPORT;
  const references = new Map(source.instances.map((i) => [i.sopInstanceUid, i.sopClassUid]));
  // OB values are of even length: the pad byte is not part of the PDF (EncapsulatedDocumentLength says where it ends).
  const padded = new Uint8Array(pdf.length + (pdf.length % 2));
  padded.set(pdf);
  const dataset: NaturalDataset = {
    SOPClassUID: ENCAPSULATED_PDF_SOP_CLASS_UID,
    SOPInstanceUID: uids.instance,
    InstanceCreationDate: when.date,
    InstanceCreationTime: when.time,
    ...attrs.patient,
    StudyInstanceUID: source.studyInstanceUid,
    ...attrs.study,
    Modality: 'DOC',
    SeriesInstanceUID: uids.series,
    SeriesNumber: options.seriesNumber ?? 400,
    SeriesDate: when.date,
    SeriesTime: when.time,
    SeriesDescription: options.seriesDescription ?? 'PatchLens report',
    Manufacturer: 'PatchLens',
    SoftwareVersions: options.softwareVersion ?? 'PatchLens',
    // SC Equipment: made on a workstation, not converted from film or paper.
    ConversionType: 'WSD',
    InstanceNumber: 1,
    ContentDate: when.date,
    ContentTime: when.time,
    AcquisitionDateTime: when.dateTime,
    BurnedInAnnotation: options.showsPatientIdentifiers ? 'YES' : 'NO',
    SourceInstanceSequence: [...references].map(([uid, cls]) => ({ ReferencedSOPClassUID: cls, ReferencedSOPInstanceUID: uid })),
    DocumentTitle: title,
    ConceptNameCodeSequence: [{ CodeValue: concept.value, CodingSchemeDesignator: concept.scheme, CodeMeaning: concept.meaning }],
    MIMETypeOfEncapsulatedDocument: 'application/pdf',
    EncapsulatedDocument: [padded.buffer],
    EncapsulatedDocumentLength: pdf.length,
  };
  // dcmjs writes text as UTF-8: say so when a copied name or the title is not plain ASCII.
  const text = JSON.stringify({ ...dataset, EncapsulatedDocument: null });
  const ascii = [...text].every((ch) => ch.charCodeAt(0) < 0x80);
  const encoded = encodePart10(ascii ? dataset : { SpecificCharacterSet: 'ISO_IR 192', ...dataset });
  return { bytes: encoded, seriesInstanceUid: uids.series, sopInstanceUid: uids.instance, sourceInstances: references.size };
}
