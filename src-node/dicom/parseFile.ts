/**
 * One DICOM file, parsed with dicom-parser: the attributes PatchLens uses (identity, geometry,
 * pixel description) and, per frame, the geometry of each image. Pixel data are not decoded here.
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { DEFLATED_LITTLE_ENDIAN, transferSyntaxInfo, type TransferSyntaxInfo } from './transferSyntax';

/** The SOP class of a DICOMDIR (Media Storage Directory Storage). */
export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

/** The geometry and value scaling of one image (a frame) of a file. */
export interface DicomFrame {
  /** Frame index in its file (0 for a single-frame file). */
  frame: number;
  /** ImagePositionPatient (LPS, mm) of the first pixel's centre, or null when absent. */
  position: number[] | null;
  /** ImageOrientationPatient: row direction (3) then column direction (3), or null when absent. */
  orientation: number[] | null;
  /** PixelSpacing: [between rows, between columns] in mm, or null when absent. */
  pixelSpacing: number[] | null;
  /** RescaleSlope (1 when absent). */
  slope: number;
  /** RescaleIntercept (0 when absent). */
  intercept: number;
}

/** What PatchLens reads of one DICOM file. */
export interface DicomInstance {
  path: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  seriesNumber: number | null;
  instanceNumber: number | null;
  patientName: string;
  patientId: string;
  /** StudyDate as stored (YYYYMMDD), '' when absent. */
  studyDate: string;
  modality: string;
  seriesDescription: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  transferSyntax: TransferSyntaxInfo;
  /** SliceThickness (mm) or null. */
  sliceThickness: number | null;
  /** SpacingBetweenSlices (mm) or null. */
  spacingBetweenSlices: number | null;
  /** The images of the file: one, or NumberOfFrames of a multi-frame file. */
  frames: DicomFrame[];
  /** Where the multi-frame geometry came from. */
  frameGeometry: 'single' | 'per-frame functional groups' | 'grid frame offsets' | 'shared';
  /** Bytes of the Pixel Data element as declared, and whether the file holds them all. */
  pixelDataBytes: number;
  pixelDataComplete: boolean;
}

/** A file that is DICOM but not an image PatchLens reads (a DICOMDIR, a report, a plan). */
export class NotAnImageError extends Error {}

function numbers(ds: DataSet | undefined, tag: string): number[] | null {
  if (!ds?.elements[tag]) return null;
  const n = ds.numStringValues(tag) ?? 0;
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(ds.floatString(tag, k) ?? NaN);
  return out.length > 0 && out.every(Number.isFinite) ? out : null;
}

function num(ds: DataSet | undefined, tag: string): number | null {
  const v = numbers(ds, tag);
  return v ? v[0] : null;
}

function str(ds: DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim();
}

/** The dataset of the first item of sequence `tag` in `ds`. */
function item(ds: DataSet | undefined, tag: string, index = 0): DataSet | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}

/**
 * dicom-parser's inflater for deflated explicit VR little endian, with a cap on the inflated size
 * (a small deflated file can claim gigabytes).
 */
function inflater(maxBytes: number) {
  return (arr: Uint8Array, position: number): Uint8Array => {
    const body = inflateRawSync(arr.subarray(position), { maxOutputLength: Math.max(1, maxBytes - position) });
    const out = new Uint8Array(position + body.length);
    out.set(arr.subarray(0, position));
    out.set(body, position);
    return out;
  };
}

/** dicom-parser throws strings and `{ exception, dataSet }` objects: their message. */
function parserMessage(e: unknown): string {
  const inner = typeof e === 'object' && e !== null && 'exception' in e ? (e as { exception: unknown }).exception : e;
  const text = inner instanceof Error ? inner.message : String(inner);
  return text.replace(/^dicomParser\.\w+: /, '');
}

/** Options of {@link parseDicomBytes}. */
export interface ParseDicomOptions {
  /** Stop at the Pixel Data element (its header is read, its value is not needed): for scanning. */
  headerOnly?: boolean;
  /** Most bytes a deflated file may inflate to. */
  maxBytes: number;
}

/**
 * Parses a DICOM Part 10 file's bytes (the "DICM" prefix at byte 128 is required).
 * @throws an Error with a reason (no DICM prefix, a parse failure) for bytes that are not a
 *   readable DICOM file, {@link NotAnImageError} for DICOM that is not an image.
 */
export function parseDicomBytes(bytes: Uint8Array, options: ParseDicomOptions): DataSet {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') {
    throw new Error('not a DICOM file (no "DICM" prefix at byte 128)');
  }
  try {
    return dicomParser.parseDicom(bytes, {
      ...(options.headerOnly ? { untilTag: 'x7fe00010' } : {}),
      inflater: inflater(options.maxBytes) as unknown as (arr: Uint8Array, position: number) => void,
    });
  } catch (e) {
    throw new Error(`not a readable DICOM file (${parserMessage(e)})`);
  }
}

/** A frame's geometry from the functional groups (per-frame item first, then shared). */
function groupFrame(frame: number, perFrame: DataSet | undefined, shared: DataSet | undefined, base: DicomFrame): DicomFrame {
  const pick = <T>(get: (ds: DataSet | undefined) => T | null): T | null => get(perFrame) ?? get(shared);
  return {
    frame,
    position: pick((g) => numbers(item(g, 'x00209113'), 'x00200032')),
    orientation: pick((g) => numbers(item(g, 'x00209116'), 'x00200037')) ?? base.orientation,
    pixelSpacing: pick((g) => numbers(item(g, 'x00289110'), 'x00280030')) ?? base.pixelSpacing,
    slope: pick((g) => num(item(g, 'x00289145'), 'x00281053')) ?? base.slope,
    intercept: pick((g) => num(item(g, 'x00289145'), 'x00281052')) ?? base.intercept,
  };
}

function frameGeometry(ds: DataSet, nFrames: number, base: DicomFrame): Pick<DicomInstance, 'frames' | 'frameGeometry'> {
  if (nFrames === 1 && !ds.elements.x52009230) return { frames: [base], frameGeometry: 'single' };
  const perFrame = ds.elements.x52009230?.items;
  const shared = item(ds, 'x52009229');
  if (perFrame || shared) {
    const frames = Array.from({ length: nFrames }, (_, f) => groupFrame(f, perFrame?.[f]?.dataSet, shared, base));
    return { frames, frameGeometry: perFrame ? 'per-frame functional groups' : 'shared' };
  }
  const offsets = numbers(ds, 'x3004000c'); // GridFrameOffsetVector (RT Dose)
  if (offsets && offsets.length === nFrames && base.position && base.orientation) {
    const [o, p] = [base.orientation, base.position];
    const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
    // Offsets are relative to the first frame's position when the first is 0, else absolute along the normal.
    const along = offsets[0] === 0 ? 0 : p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
    const frames = offsets.map((off, f) => ({ ...base, frame: f, position: p.map((v, a) => v + (off - along) * n[a]) }));
    return { frames, frameGeometry: 'grid frame offsets' };
  }
  return { frames: Array.from({ length: nFrames }, (_, f) => ({ ...base, frame: f, position: f === 0 ? base.position : null })), frameGeometry: 'shared' };
}

/**
 * What PatchLens reads of a parsed DICOM file (`fileBytes`: the whole file's size, when `ds` was
 * parsed from its first bytes only).
 * @throws {@link NotAnImageError} for a DICOMDIR or a file without pixel data.
 */
export function describeInstance(path: string, ds: DataSet, fileBytes: number = ds.byteArray.length): DicomInstance {
  const sopClassUid = str(ds, 'x00020002') || str(ds, 'x00080016');
  if (sopClassUid === DICOMDIR_SOP_CLASS || ds.elements.x00041220) throw new NotAnImageError('a DICOMDIR (directory records, not an image)');
  const pixel: Element | undefined = ds.elements.x7fe00010;
  const modality = str(ds, 'x00080060');
  if (!pixel) throw new NotAnImageError(`DICOM without pixel data (Modality ${modality || 'not given'}, SOP class ${sopClassUid || 'not given'})`);
  const tsUid = str(ds, 'x00020010') || '1.2.840.10008.1.2';
  const nFrames = Math.max(1, num(ds, 'x00280008') ?? 1);
  const doseScaling = modality === 'RTDOSE' ? num(ds, 'x3004000e') : null; // DoseGridScaling: Gy per stored unit
  const base: DicomFrame = {
    frame: 0,
    position: numbers(ds, 'x00200032'),
    orientation: numbers(ds, 'x00200037'),
    pixelSpacing: numbers(ds, 'x00280030'),
    slope: num(ds, 'x00281053') ?? doseScaling ?? 1,
    intercept: num(ds, 'x00281052') ?? 0,
  };
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  return {
    path,
    sopClassUid,
    sopInstanceUid: str(ds, 'x00080018'),
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    frameOfReferenceUid: str(ds, 'x00200052'),
    seriesNumber: num(ds, 'x00200011'),
    instanceNumber: num(ds, 'x00200013'),
    patientName: str(ds, 'x00100010').replace(/\^+$/, ''),
    patientId: str(ds, 'x00100020'),
    studyDate: str(ds, 'x00080020'),
    modality,
    seriesDescription: str(ds, 'x0008103e'),
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    bitsAllocated,
    bitsStored: ds.uint16('x00280101') ?? bitsAllocated,
    highBit: ds.uint16('x00280102') ?? (ds.uint16('x00280101') ?? bitsAllocated) - 1,
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    photometricInterpretation: str(ds, 'x00280004'),
    transferSyntax: transferSyntaxInfo(tsUid),
    sliceThickness: num(ds, 'x00180050') ?? num(item(item(ds, 'x52009229'), 'x00289110'), 'x00180050'),
    spacingBetweenSlices: num(ds, 'x00180088') ?? num(item(item(ds, 'x52009229'), 'x00289110'), 'x00180088'),
    ...frameGeometry(ds, nFrames, base),
    pixelDataBytes: pixel.length,
    pixelDataComplete: pixel.encapsulatedPixelData === true || pixel.length === 0xffffffff || pixel.dataOffset + pixel.length <= (tsUid === DEFLATED_LITTLE_ENDIAN ? ds.byteArray.length : fileBytes),
  };
}
