/**
 * DICOM Segmentation (binary, SOP Class 1.2.840.10008.5.1.4.1.1.66.4) of a label volume on its
 * source series' grid, encoded by dcmjs: one segment per listed label value, one frame per
 * (segment, slice) that holds at least one voxel of the segment (empty frames are left out),
 * each frame referencing its source slice; patient and study copied from the source.
 */
import { randomUUID } from 'node:crypto';
import type { Volume } from '../../../shared/io/volume';
import { packFrames } from './bits';
import { rgbToDicomLab } from './cielab';
import { encodePart10, type NaturalDataset } from './dcmjsIo';
import { dicomGrid, readSourceAttributes, type SegSource, type SourceAttributes } from './source';

/** Segmentation Storage. */
export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';

/** A coded concept (Code Sequence Macro). */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/**
 * The generic codes written when a label has none of its own: category SCT 91723000
 * "Anatomical Structure", type SCT 85756007 "Tissue" (CID 7150 / CID 7151). The label's name goes
 * in SegmentLabel; PatchLens's labels carry no coded meaning, so a specific type would be a guess.
 */
export const GENERIC_CATEGORY: Code = { value: '91723000', scheme: 'SCT', meaning: 'Anatomical Structure' };
export const GENERIC_TYPE: Code = { value: '85756007', scheme: 'SCT', meaning: 'Tissue' };

/** One segment: a label value of the volume, its name and colour. */
export interface SegSegment {
  /** The label value (an integer ≥ 1) whose voxels make up the segment. */
  value: number;
  name: string;
  /** sRGB, 0–255 per channel. */
  color: readonly number[];
  category?: Code;
  type?: Code;
  /** SegmentDescription (up to 1024 characters). */
  description?: string;
}

/** How the segmentation was made (one for all segments). */
export interface SegAlgorithm {
  type: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
  /** SegmentAlgorithmName: required for AUTOMATIC and SEMIAUTOMATIC (the model's name). */
  name?: string;
}

/** Options of {@link writeDicomSeg}. */
export interface WriteSegOptions {
  algorithm: SegAlgorithm;
  seriesDescription?: string;
  /** Default 300. */
  seriesNumber?: number;
  /** ContentDescription (LO: cut to 64 characters). */
  contentDescription?: string;
  /** SoftwareVersions (default 'PatchLens'). */
  softwareVersion?: string;
  /** ContentDate/Time and SeriesDate/Time (default now). */
  date?: Date;
  /** The SEG's UIDs (default new ones, 2.25.<random UUID as an integer>). */
  uids?: { series: string; instance: string };
  /** Largest source file read for its attributes (bytes). */
  maxBytes?: number;
  /** The source's patient and study attributes when already known (the app keeps them beside an imported series); read from the first source file otherwise. */
  attributes?: SourceAttributes;
}

/** What {@link writeDicomSeg} wrote. */
export interface WrittenSeg {
  bytes: Uint8Array;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frames: number;
  /** Segment number → label value, name and frames written. */
  segments: { number: number; value: number; name: string; frames: number }[];
}

/** A new UID under 2.25 (PS3.5 B.2: a UUID as a decimal integer). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** `s` cut to at most `max` UTF-8 bytes (LO holds 64, ST 1024; validators count bytes), never inside a character. */
function cut(s: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > max) break;
    out += ch;
  }
  return out;
}
const lo = (s: string) => cut(s, 64);
const code = (c: Code) => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: lo(c.meaning) });
const pad2 = (n: number) => String(n).padStart(2, '0');
const dicomDate = (d: Date) => `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
const dicomTime = (d: Date) => `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
/** DS values as short decimal strings (DS holds at most 16 characters). */
const ds = (v: number) => {
  for (let p = 10; p >= 0; p--) {
    const s = String(+v.toFixed(p) + 0);
    if (s.length <= 16) return s;
  }
  return String(Math.round(v));
};

function checkInputs(labels: Volume, source: SegSource, segments: readonly SegSegment[], algorithm: SegAlgorithm): void {
  const where = 'writeDicomSeg';
  if (labels.shape.length !== 3 || labels.shape.some((n, i) => n !== source.shape[i])) {
    throw new RangeError(`${where}: the labels have shape [${labels.shape}] but the source series' grid is [${source.shape}] (slices, rows, columns)`);
  }
  if (source.dicom.slices.length !== source.shape[0]) throw new RangeError(`${where}: the source has ${source.dicom.slices.length} slices for ${source.shape[0]} planes`);
  if (segments.length === 0) throw new RangeError(`${where}: no segments listed`);
  const seen = new Set<number>();
  for (const s of segments) {
    if (!(Number.isInteger(s.value) && s.value >= 1 && s.value <= 65535)) throw new RangeError(`${where}: segment "${s.name}": label value ${s.value} is not an integer in [1, 65535]`);
    if (seen.has(s.value)) throw new RangeError(`${where}: label value ${s.value} is listed twice`);
    if (!s.name.trim()) throw new RangeError(`${where}: label value ${s.value} has no name`);
    seen.add(s.value);
  }
  if (algorithm.type !== 'MANUAL' && !algorithm.name?.trim()) throw new RangeError(`${where}: SegmentAlgorithmType ${algorithm.type} needs the algorithm's name (SegmentAlgorithmName)`);
  const unlisted = new Map<number, number>();
  for (const v of labels.data) if (v !== 0 && !seen.has(v)) unlisted.set(v, (unlisted.get(v) ?? 0) + 1);
  if (unlisted.size > 0) {
    throw new RangeError(`${where}: label value(s) without a segment: ${[...unlisted].map(([v, n]) => `${v} (${n} voxels)`).join(', ')}; list every value present`);
  }
}

/**
 * Writes the binary DICOM SEG of `labels` (on `source`'s grid, shape `[slices, rows, columns]`).
 * Segment numbers are 1, 2, … in the order of `segments`; a voxel belongs to the segment whose
 * `value` it holds. Only frames with at least one voxel are written (a SEG with none at all gets
 * one empty frame of the first segment, since NumberOfFrames must be ≥ 1). Patient and study
 * attributes are copied from the first source file, and never printed.
 * @throws a RangeError naming what is wrong: a shape that is not the source's, a label value
 *   present but not listed, a value listed twice or out of range, a missing algorithm name
 */
export function writeDicomSeg(labels: Volume, source: SegSource, segments: readonly SegSegment[], options: WriteSegOptions): WrittenSeg {
  checkInputs(labels, source, segments, options.algorithm);
  const attrs = options.attributes ?? readSourceAttributes(source, options.maxBytes);
  const grid = dicomGrid(source);
  const [slices, rows, cols] = source.shape;
  const plane = rows * cols;
  const when = options.date ?? new Date();
  const uids = options.uids ?? { series: newUid(), instance: newUid() };
  const { type: algorithmType, name: algorithmName } = options.algorithm;
  const multiFrameFiles = multiFrameFilesOf(source);

  const frames: Uint8Array[] = [];
  const perFrame: NaturalDataset[] = [];
  const written: WrittenSeg['segments'] = [];
  const addFrame = (number: number, k: number, mask: Uint8Array) => {
    frames.push(mask);
    const slice = source.dicom.slices[k];
    perFrame.push({
      FrameContentSequence: [{ DimensionIndexValues: [number, k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: grid.positions[k].map(ds) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: number }],
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: attrs.sopClassUid,
              ReferencedSOPInstanceUID: slice.sopInstanceUid,
              ...(multiFrameFiles.has(slice.file) ? { ReferencedFrameNumber: slice.frame + 1 } : {}),
              PurposeOfReferenceCodeSequence: [code({ value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' })],
            },
          ],
          DerivationCodeSequence: [code({ value: '113076', scheme: 'DCM', meaning: 'Segmentation' })],
        },
      ],
    });
  };
  segments.forEach((s, n) => {
    let count = 0;
    for (let k = 0; k < slices; k++) {
      const mask = new Uint8Array(plane);
      let any = false;
      for (let p = 0; p < plane; p++) {
        if (labels.data[k * plane + p] === s.value) {
          mask[p] = 1;
          any = true;
        }
      }
      if (any) {
        addFrame(n + 1, k, mask);
        count++;
      }
    }
    written.push({ number: n + 1, value: s.value, name: s.name, frames: count });
  });
  if (frames.length === 0) addFrame(1, 0, new Uint8Array(plane));

  const segmentSequence = segments.map((s, n) => ({
    SegmentNumber: n + 1,
    SegmentLabel: lo(s.name),
    ...(s.description ? { SegmentDescription: cut(s.description, 1024) } : {}),
    SegmentAlgorithmType: algorithmType,
    ...(algorithmType !== 'MANUAL' ? { SegmentAlgorithmName: lo(algorithmName ?? '') } : {}),
    SegmentedPropertyCategoryCodeSequence: [code(s.category ?? GENERIC_CATEGORY)],
    SegmentedPropertyTypeCodeSequence: [code(s.type ?? GENERIC_TYPE)],
    RecommendedDisplayCIELabValue: rgbToDicomLab(s.color),
  }));
  const dimensionOrganizationUid = newUid();
  const thickness = attrs.sliceThickness ?? source.spacing[0];
  const dataset: NaturalDataset = {
    SOPClassUID: SEG_SOP_CLASS_UID,
    SOPInstanceUID: uids.instance,
    ...attrs.patient,
    StudyInstanceUID: source.dicom.studyInstanceUid,
    ...attrs.study,
    Modality: 'SEG',
    SeriesInstanceUID: uids.series,
    SeriesNumber: options.seriesNumber ?? 300,
    SeriesDate: dicomDate(when),
    SeriesTime: dicomTime(when),
    SeriesDescription: lo(options.seriesDescription ?? 'PatchLens segmentation'),
    FrameOfReferenceUID: source.dicom.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    Manufacturer: 'PatchLens',
    ManufacturerModelName: 'PatchLens',
    DeviceSerialNumber: '0',
    SoftwareVersions: lo(options.softwareVersion ?? 'PatchLens'),
    InstanceNumber: 1,
    ContentLabel: 'PATCHLENS',
    ContentDescription: lo(options.contentDescription ?? ''),
    ContentCreatorName: '',
    ContentDate: dicomDate(when),
    ContentTime: dicomTime(when),
    ImageType: ['DERIVED', 'PRIMARY'],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: cols,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    SegmentSequence: segmentSequence,
    DimensionOrganizationType: '3D',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'Segment Number' },
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'Image Position Patient' },
    ],
    NumberOfFrames: frames.length,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: grid.pixelSpacing.map(ds), SliceThickness: ds(thickness), SpacingBetweenSlices: ds(source.spacing[0]) }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: grid.orientation.map(ds) }],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.dicom.seriesInstanceUid,
        ReferencedInstanceSequence: [...new Set(source.dicom.slices.map((s) => s.sopInstanceUid))].map((uid) => ({ ReferencedSOPClassUID: attrs.sopClassUid, ReferencedSOPInstanceUID: uid })),
      },
    ],
    PixelData: [packFrames(frames, plane).buffer],
    _vrMap: { PixelData: 'OB' },
  };
  // dcmjs writes strings as UTF-8: declare it when any value is not plain ASCII (names with ×, é…).
  // eslint-disable-next-line no-control-regex
  const nonAscii = /[^\x00-\x7f]/.test(JSON.stringify({ ...dataset, PixelData: null }));
  const withCharset = nonAscii ? { SpecificCharacterSet: 'ISO_IR 192', ...dataset } : dataset;
  return { bytes: encodePart10(withCharset), seriesInstanceUid: uids.series, sopInstanceUid: uids.instance, frames: frames.length, segments: written };
}

/** The source files that hold several of its slices (their frames are then referenced by number). */
function multiFrameFilesOf(source: SegSource): Set<string> {
  const seen = new Set<string>();
  const multi = new Set<string>();
  for (const s of source.dicom.slices) (seen.has(s.file) ? multi : seen).add(s.file);
  return multi;
}
