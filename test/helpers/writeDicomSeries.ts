/**
 * Test helper: writes a 3-D volume (PatchLens's [k, j, i] order, RAS affine) as a DICOM series of
 * single-frame MR images with dcmjs (Explicit VR Little Endian): one file per k slice, rows along
 * j and columns along i, ImageOrientationPatient / ImagePositionPatient / PixelSpacing from the
 * affine (RAS → LPS). What a scanner would give for the same image, so that a reader's geometry
 * can be checked against the NIfTI it came from. The files are shuffled by name and
 * InstanceNumber runs backwards, so only the positions can sort them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Volume } from '../../shared/io/volume';
import { encodePart10 } from '../../src-node/dicom/seg/dcmjsIo';

const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const uid = (n: number) => `2.25.${(BigInt('0x1f2e3d4c5b6a79880f1e2d3c4b5a6978') + BigInt(n)).toString()}`;

/** The patient and study attributes {@link writeDicomSeries} writes (defaults: a round-trip test's). */
export interface DicomSeriesPatient {
  patientName?: string;
  patientId?: string;
  /** DA (YYYYMMDD); default none. */
  patientBirthDate?: string;
  /** M, F or O; default none. */
  patientSex?: string;
  accessionNumber?: string;
  studyDescription?: string;
}

/** The series' own attributes: `seriesKey` > 0 gives another series of the same study (its own SeriesInstanceUID and SOP Instance UIDs). */
export interface DicomSeriesOwn {
  seriesNumber?: number;
  seriesDescription?: string;
  seriesKey?: number;
}

/** Writes `volume` (integer data fitting int16) into `folder` as a series; answers the file paths in slice order. */
export function writeDicomSeries(volume: Volume, folder: string, options: DicomSeriesPatient & DicomSeriesOwn = {}): string[] {
  const [nk, nj, ni] = volume.shape;
  const a = volume.affine;
  const column = (c: number) => [0, 1, 2].map((r) => a[r][c]);
  const lps = (v: number[]) => [-v[0], -v[1], v[2]];
  const norm = (v: number[]) => Math.hypot(...v);
  const colStep = lps(column(2)); // along i: the row direction (columns increase)
  const rowStep = lps(column(1)); // along j: the column direction (rows increase)
  const unit = (v: number[]) => v.map((x) => x / norm(v));
  const study = uid(1);
  const key = 1_000_000 * (options.seriesKey ?? 0);
  const series = uid(2 + key);
  const frame = uid(3);
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (let k = 0; k < nk; k++) {
    const origin = lps([0, 1, 2].map((r) => a[r][0] * k + a[r][3]));
    const pixels = new Int16Array(nj * ni);
    for (let p = 0; p < nj * ni; p++) pixels[p] = volume.data[k * nj * ni + p];
    const dataset = {
      SOPClassUID: MR_IMAGE_STORAGE,
      SOPInstanceUID: uid(1000 + k + key),
      StudyInstanceUID: study,
      SeriesInstanceUID: series,
      FrameOfReferenceUID: frame,
      PatientName: options.patientName ?? 'Test^Roundtrip',
      PatientID: options.patientId ?? 'RT0001',
      ...(options.patientBirthDate !== undefined ? { PatientBirthDate: options.patientBirthDate } : {}),
      ...(options.patientSex !== undefined ? { PatientSex: options.patientSex } : {}),
      ...(options.accessionNumber !== undefined ? { AccessionNumber: options.accessionNumber } : {}),
      ...(options.studyDescription !== undefined ? { StudyDescription: options.studyDescription } : {}),
      StudyDate: '20261207',
      Modality: 'MR',
      SeriesNumber: options.seriesNumber ?? 7,
      SeriesDescription: options.seriesDescription ?? 'ch2 as DICOM',
      InstanceNumber: nk - k,
      ImagePositionPatient: origin,
      ImageOrientationPatient: [...unit(colStep), ...unit(rowStep)],
      PixelSpacing: [norm(rowStep), norm(colStep)],
      SliceThickness: norm(column(0)),
      Rows: nj,
      Columns: ni,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 1,
      RescaleSlope: 1,
      RescaleIntercept: 0,
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    // Names out of slice order: only the positions sort them.
    const path = join(folder, `IM${String((k * 7919) % 100003).padStart(6, '0')}.dcm`);
    writeFileSync(path, encodePart10(dataset));
    files.push(path);
  }
  return files;
}
