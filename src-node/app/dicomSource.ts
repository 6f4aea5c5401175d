/**
 * The record kept beside a DICOM series the app imported (`dicom/series-….nii` +
 * `series-….dicom.json`): what a DICOM SEG or an Encapsulated PDF of that image must reference
 * (the source's grid, its slices' SOP Instance UIDs in volume order, the study and Frame of
 * Reference) and copy (the patient and study attributes), and what the viewer's header shows.
 * It lives in the project folder with the image it describes, so an export works after the
 * source folder moved or an upload is gone. It holds patient identifiers: it is never logged,
 * and nothing in it goes into a run's provenance.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { DicomImageInfo } from '../../shared/api/contract';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { SegSource, SourceAttributes } from '../dicom/seg';

/** `format` of the record. */
export const DICOM_SOURCE_FORMAT = 'patchlens.dicomSource';
const VERSION = 1;

/** The record (see the module comment). */
export interface DicomSourceRecord {
  format: typeof DICOM_SOURCE_FORMAT;
  version: number;
  /** SHA-256 of the NIfTI the record belongs to (a record beside another file is not used). */
  imageSha256: string;
  source: SegSource;
  attributes: SourceAttributes;
  info: DicomImageInfo;
}

/** The record's path beside an imported NIfTI (`x.nii` → `x.dicom.json`). */
export function dicomSourcePath(niftiPath: string): string {
  return `${niftiPath.replace(/\.nii(\.gz)?$/i, '')}.dicom.json`;
}

/** A PN value as dcmjs gives it (a string, `{ Alphabetic }`, or a list of them) as text, `^` as spaces. */
export function personName(value: unknown): string {
  const one = Array.isArray(value) ? value[0] : value;
  const text = typeof one === 'string' ? one : typeof one === 'object' && one !== null ? String((one as { Alphabetic?: unknown }).Alphabetic ?? '') : '';
  return text.replace(/\^+/g, ' ').trim();
}

/** Writes the record atomically beside `niftiPath`. */
export function writeDicomSource(niftiPath: string, record: Omit<DicomSourceRecord, 'format' | 'version'>): void {
  const full: DicomSourceRecord = { format: DICOM_SOURCE_FORMAT, version: VERSION, ...record };
  writeFileAtomic(dicomSourcePath(niftiPath), `${JSON.stringify(full)}\n`);
}

/**
 * The record beside `niftiPath` when there is one that belongs to that file (its SHA-256), else null.
 * @throws naming the record when it exists but cannot be read or is not a record of this format
 */
export function readDicomSource(niftiPath: string, imageSha256: string | null | undefined): DicomSourceRecord | null {
  const path = dicomSourcePath(niftiPath);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not a readable DICOM source record (${(e as Error).message})`);
  }
  const r = parsed as Partial<DicomSourceRecord> | null;
  if (!r || r.format !== DICOM_SOURCE_FORMAT || r.version !== VERSION || !r.source?.dicom?.slices || !r.attributes || !r.info?.series) {
    throw new Error(`${path}: not a ${DICOM_SOURCE_FORMAT} v${VERSION} record`);
  }
  if (imageSha256 && r.imageSha256 !== imageSha256) return null;
  return r as DicomSourceRecord;
}

/** The viewer header's description of a series from the record's parts. */
export function dicomImageInfo(attributes: SourceAttributes, series: { seriesInstanceUid: string; seriesNumber: number | null; seriesDescription: string; modality: string; images: number; studyInstanceUid: string }): DicomImageInfo {
  const p = attributes.patient;
  return {
    patient: { name: personName(p.PatientName), id: p.PatientID, birthDate: p.PatientBirthDate, sex: p.PatientSex },
    study: { instanceUid: series.studyInstanceUid, date: attributes.study.StudyDate, description: attributes.study.StudyDescription ?? '' },
    series: { instanceUid: series.seriesInstanceUid, number: series.seriesNumber, description: series.seriesDescription, modality: series.modality, images: series.images },
  };
}
