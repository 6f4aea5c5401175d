/**
 * The report's patient block (`ReportData.patient`) from what PatchLens knows of a DICOM series:
 * the record the app keeps beside an imported series (src-node/app/dicomSource.ts), or the
 * series' first file (`patchlens report --dicom-source`). Only built when the user opts in to
 * patient identifiers; nothing here logs or prints them.
 */
import type { DicomSeries } from '../dicom/scan';
import { readSourceAttributes, type SegSource, type SourceAttributes } from '../dicom/seg/source';
import { personName, type DicomSourceRecord } from '../app/dicomSource';
import type { ReportPatient } from './reportTypes';

/** The block from a series' patient and study attributes and the series' own description. */
export function reportPatientOf(attributes: SourceAttributes, series: ReportPatient['series']): ReportPatient {
  const p = attributes.patient;
  const s = attributes.study;
  return {
    name: personName(p.PatientName),
    id: p.PatientID,
    birthDate: p.PatientBirthDate,
    sex: p.PatientSex,
    studyDate: s.StudyDate,
    accessionNumber: s.AccessionNumber,
    studyDescription: s.StudyDescription ?? '',
    series: { ...series },
  };
}

/** The block of an image the app imported from a series (the record beside its NIfTI). */
export function reportPatientOfRecord(record: DicomSourceRecord): ReportPatient {
  const s = record.info.series;
  return reportPatientOf(record.attributes, { instanceUid: s.instanceUid, number: s.number, description: s.description, modality: s.modality });
}

/**
 * The block of a scanned series, its attributes read from its first file (before Pixel Data).
 * @throws naming the file when it cannot be read or is not DICOM (never naming the patient)
 */
export function readReportPatient(series: DicomSeries, maxBytes?: number): ReportPatient {
  const first = series.instances[0];
  if (!first) throw new Error(`the series ${series.seriesInstanceUid} has no instances`);
  // readSourceAttributes reads only the first slice's file; the block needs no grid.
  const source: SegSource = {
    shape: [],
    affine: [],
    spacing: [],
    dicom: { studyInstanceUid: series.studyInstanceUid, seriesInstanceUid: series.seriesInstanceUid, frameOfReferenceUid: first.frameOfReferenceUid, seriesNumber: series.seriesNumber, slices: [{ file: first.path, frame: 0, sopInstanceUid: first.sopInstanceUid, position: null }] },
  };
  const attributes = readSourceAttributes(source, maxBytes);
  return reportPatientOf(attributes, { instanceUid: series.seriesInstanceUid, number: series.seriesNumber, description: series.seriesDescription, modality: series.modality });
}
