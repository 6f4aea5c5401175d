/**
 * Test helper for the patient-identifier checks (issue 15: identifiers in the viewer's header and
 * in an opted-in report, never in provenance or logs): a crop of the demo's T1 (and of its brain
 * labels, same grid) written as a DICOM series of a patient with distinctive identifiers, and a
 * search of texts and folders for any of them.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import { repoRoot } from './sharedData';
import { writeDicomSeries, type DicomSeriesPatient } from './writeDicomSeries';

/** The series' patient and study. */
export const TEST_PATIENT = {
  patientName: 'Doe^Jane',
  patientId: 'PL-TEST-0042',
  patientBirthDate: '19710203',
  patientSex: 'F',
  accessionNumber: 'ACC-PL-7781',
  studyDescription: 'Privacy check',
} as const satisfies DicomSeriesPatient;

/**
 * What must never appear where identifiers may not go: the name (as stored, as shown, and its
 * given name alone), the ID, the birth date (stored and shown) and the accession number.
 */
export const PATIENT_IDENTIFIERS = ['Doe^Jane', 'Doe Jane', 'Jane', 'PL-TEST-0042', '19710203', '1971-02-03', 'ACC-PL-7781'] as const;

/**
 * How each identifier is looked for: the short ones as a whole word or number only, so that a
 * base64 value (a sweep's stored map) or a long number cannot hold one by chance.
 */
const PATTERNS: Record<(typeof PATIENT_IDENTIFIERS)[number], RegExp> = {
  'Doe^Jane': /Doe\^Jane/,
  'Doe Jane': /Doe Jane/,
  Jane: /(?<![A-Za-z0-9+/])Jane(?![A-Za-z0-9+/])/,
  'PL-TEST-0042': /PL-TEST-0042/,
  '19710203': /(?<![\d.])19710203(?!\d)/,
  '1971-02-03': /1971-02-03/,
  'ACC-PL-7781': /ACC-PL-7781/,
};

/** The identifiers of {@link PATIENT_IDENTIFIERS} that `text` holds. */
export function identifiersIn(text: string): string[] {
  return PATIENT_IDENTIFIERS.filter((id) => PATTERNS[id].test(text));
}

/** `[k0, j0, i0]` + `shape` of a volume (its affine moved to the crop's first voxel). */
function crop(v: Volume, start: number[], shape: number[]): Volume {
  const [, nj, ni] = v.shape;
  const data = new Int16Array(shape[0] * shape[1] * shape[2]);
  for (let k = 0; k < shape[0]; k++)
    for (let j = 0; j < shape[1]; j++)
      for (let i = 0; i < shape[2]; i++) data[(k * shape[1] + j) * shape[2] + i] = v.data[((k + start[0]) * nj + j + start[1]) * ni + i + start[2]];
  const affine = v.affine.map((row, r) => (r < 3 ? [row[0], row[1], row[2], row[3] + row[0] * start[0] + row[1] * start[1] + row[2] * start[2]] : [...row]));
  return { data, shape: [...shape], spacing: [...v.spacing], affine };
}

/** Where {@link writePatientSeries} put its files. */
export interface PatientSeries {
  /** The DICOM folder (one series, number 3, "ch2 as DICOM"). */
  folder: string;
  /** The labels on the series' grid (NIfTI). */
  labels: string;
  /** The image as a NIfTI (same voxels and grid; no DICOM source). */
  nifti: string;
  shape: number[];
}

/** A 24×32×28 crop through the middle of the demo's brain, as a DICOM series of {@link TEST_PATIENT}, with its labels, under `dir`. */
export function writePatientSeries(dir: string): PatientSeries {
  const data = join(repoRoot, 'demo', 'data');
  const start = [34, 40, 30];
  const shape = [24, 32, 28];
  const image = crop(readNifti(readFileSync(join(data, 'ch2-2mm_t1.nii.gz'))), start, shape);
  const labels = crop(readNifti(readFileSync(join(data, 'ch2-2mm_brain.nii.gz'))), start, shape);
  const folder = join(dir, 'mr-series');
  writeDicomSeries(image, folder, { ...TEST_PATIENT, seriesNumber: 3 });
  const labelPath = join(dir, 'mr-labels.nii');
  writeFileSync(labelPath, writeNifti({ ...labels, data: Uint8Array.from(labels.data) }));
  const niftiPath = join(dir, 'mr-image.nii');
  writeFileSync(niftiPath, writeNifti(image));
  return { folder, labels: labelPath, nifti: niftiPath, shape };
}

/** Every file under `dir` (recursively) whose name ends with one of `endings`, relative to `dir`. */
export function filesUnder(dir: string, endings: readonly string[]): string[] {
  const all = readdirSync(dir, { recursive: true }).map(String);
  return all.filter((f) => endings.some((e) => f.endsWith(e)) && statSync(join(dir, f)).isFile()).sort();
}

/** `file: identifier` for each identifier found in the files (relative to `dir`). */
export function identifiersInFiles(dir: string, files: readonly string[]): string[] {
  return files.flatMap((f) => identifiersIn(readFileSync(join(dir, f), 'utf8')).map((id) => `${relative(dir, join(dir, f))}: ${id}`));
}
