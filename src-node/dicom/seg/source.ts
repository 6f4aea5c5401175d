/**
 * The source series of a SEG: its grid (shape and affine as the reader gives them), its slices'
 * SOP Instance UIDs and positions in volume order, and the patient and study attributes a SEG
 * copies from it (read from the first slice's file with dcmjs; never printed).
 */
import { readFileSync, statSync } from 'node:fs';
import { DEFAULT_MAX_IMAGE_BYTES } from '../../../shared/io/niftiLayout';
import { stackGeometry } from '../geometry';
import type { DicomSlice, DicomVolume } from '../readSeries';
import type { DicomSeries } from '../scan';
import { decodePart10, type NaturalDataset } from './dcmjsIo';

/** What a SEG needs of its source series: a {@link DicomVolume} is one. */
export interface SegSource {
  /** `[slices, rows, columns]`. */
  shape: number[];
  /** `[k, j, i, 1]` → RAS+ mm, row-major 4×4 (the reader's affine). */
  affine: number[][];
  /** `[slice step, row spacing, column spacing]` mm. */
  spacing: number[];
  dicom: Pick<DicomVolume['dicom'], 'studyInstanceUid' | 'seriesInstanceUid' | 'frameOfReferenceUid' | 'seriesNumber'> & { slices: readonly DicomSlice[] };
}

/** The patient and study attributes a SEG copies from its source (PS3.3 Patient, General Study), and the source's SOP class. */
export interface SourceAttributes {
  sopClassUid: string;
  patient: { PatientName: unknown; PatientID: string; PatientBirthDate: string; PatientSex: string };
  study: { StudyDate: string; StudyTime: string; ReferringPhysicianName: unknown; StudyID: string; AccessionNumber: string; StudyDescription?: string };
  /** The source's SliceThickness (mm), or null. */
  sliceThickness: number | null;
}

const str = (ds: NaturalDataset, key: string): string => {
  const v = ds[key];
  return v === undefined || v === null ? '' : String(Array.isArray(v) ? v[0] ?? '' : v);
};

/**
 * Reads the patient and study attributes from the first slice's file (attributes before Pixel
 * Data only). Type-2 attributes missing in the source are written empty.
 * @throws naming the file when it cannot be read, is over `maxBytes` or is not DICOM
 */
export function readSourceAttributes(source: SegSource, maxBytes = DEFAULT_MAX_IMAGE_BYTES): SourceAttributes {
  const file = source.dicom.slices[0]?.file;
  if (!file) throw new Error('writeDicomSeg: the source has no slices');
  const size = statSync(file).size;
  if (size > maxBytes) throw new RangeError(`writeDicomSeg: source file ${file} is ${size} bytes, over the limit of ${maxBytes}`);
  const ds = decodePart10(readFileSync(file), `writeDicomSeg: source file ${file}`, true);
  const name = ds.PatientName ?? '';
  const referring = ds.ReferringPhysicianName ?? '';
  const patient = { PatientName: name, PatientID: str(ds, 'PatientID'), PatientBirthDate: str(ds, 'PatientBirthDate'), PatientSex: str(ds, 'PatientSex') };
  const study = { StudyDate: str(ds, 'StudyDate'), StudyTime: str(ds, 'StudyTime'), ReferringPhysicianName: referring, StudyID: str(ds, 'StudyID'), AccessionNumber: str(ds, 'AccessionNumber'), ...(ds.StudyDescription ? { StudyDescription: str(ds, 'StudyDescription') } : {}) };
  const thickness = Number(str(ds, 'SliceThickness'));
  return { sopClassUid: str(ds, 'SOPClassUID'), patient, study, sliceThickness: str(ds, 'SliceThickness') && thickness > 0 ? thickness : null };
}

/**
 * The {@link SegSource} of a scanned series without reading its pixels: the slices in the order
 * `readDicomSeries` gives them (sorted along the slice normal by `stackGeometry`), and the grid.
 * @throws `stackGeometry`'s errors (tilt, gaps, duplicates…) prefixed with the series
 */
export function segSourceOfSeries(series: DicomSeries): SegSource {
  const first = series.instances[0];
  const frames = series.instances.flatMap((inst) => inst.frames.map((fr) => ({ inst, fr })));
  const geometry = stackGeometry(
    frames.map(({ inst, fr }) => ({ where: inst.path, position: fr.position, orientation: fr.orientation, pixelSpacing: fr.pixelSpacing, instanceNumber: inst.instanceNumber })),
    first.spacingBetweenSlices ?? first.sliceThickness,
  );
  return {
    shape: [frames.length, first.rows, first.columns],
    affine: geometry.affine,
    spacing: geometry.spacing,
    dicom: {
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: first.frameOfReferenceUid,
      seriesNumber: first.seriesNumber,
      slices: geometry.order.map((m) => ({ file: frames[m].inst.path, frame: frames[m].fr.frame, sopInstanceUid: frames[m].inst.sopInstanceUid, position: frames[m].fr.position })),
    },
  };
}

/** The grid in DICOM terms: ImageOrientationPatient (row, column direction; LPS), PixelSpacing, and each slice's ImagePositionPatient. */
export function dicomGrid(source: SegSource): { orientation: number[]; pixelSpacing: number[]; positions: number[][] } {
  const a = source.affine;
  const lps = [-1, -1, 1];
  const column = (c: number) => [0, 1, 2].map((r) => a[r][c] * lps[r]);
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => +(x / n).toFixed(10) + 0);
  };
  const positions = source.dicom.slices.map((s, k) => s.position ?? [0, 1, 2].map((r) => (a[r][0] * k + a[r][3]) * lps[r]));
  return { orientation: [...unit(column(2)), ...unit(column(1))], pixelSpacing: [source.spacing[1], source.spacing[2]], positions };
}
