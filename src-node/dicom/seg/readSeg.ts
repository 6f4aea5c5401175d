/**
 * Reading a binary DICOM SEG back onto its source series' grid: each frame goes to the slice its
 * DerivationImage/SourceImage reference names (ReferencedSOPInstanceUID, and frame number for a
 * multi-frame source), or else the slice at its ImagePositionPatient.
 */
import { readFileSync, statSync } from 'node:fs';
import { DEFAULT_MAX_IMAGE_BYTES } from '../../../shared/io/niftiLayout';
import type { Volume } from '../../../shared/io/volume';
import { unpackFrame } from './bits';
import { decodePart10, type NaturalDataset } from './dcmjsIo';
import { dicomGrid, type SegSource } from './source';
import { SEG_SOP_CLASS_UID } from './writeSeg';

/** One segment as the SEG describes it. */
export interface ReadSegment {
  number: number;
  label: string;
  description: string;
  algorithmType: string;
  algorithmName: string;
  /** RecommendedDisplayCIELabValue, or null when absent. */
  cielab: number[] | null;
  category: { value: string; scheme: string; meaning: string } | null;
  type: { value: string; scheme: string; meaning: string } | null;
}

/** What {@link readDicomSeg} gives. */
export interface ReadSeg {
  /** Labels on the source grid (`[slices, rows, columns]`): each voxel the number of its segment, 0 for none. */
  labels: Volume<Uint16Array>;
  segments: ReadSegment[];
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frames: number;
}

type Item = NaturalDataset;
const items = (v: unknown): Item[] => (Array.isArray(v) ? (v as Item[]) : v && typeof v === 'object' ? [v as Item] : []);
const first = (v: unknown): Item | undefined => items(v)[0];
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(Array.isArray(v) ? v[0] ?? '' : v));
const codeOf = (v: unknown) => {
  const c = first(v);
  return c ? { value: text(c.CodeValue), scheme: text(c.CodingSchemeDesignator), meaning: text(c.CodeMeaning) } : null;
};

/**
 * Reads the SEG `file` onto `source`'s grid. A voxel that two segments both claim cannot be a
 * label map: that is an error (naming the segments and the slice), as are a SEG of another
 * series or frame of reference, a fractional SEG, a different plane size, and a frame whose
 * source slice is neither referenced nor at one of the source's positions.
 * @throws `readDicomSeg: <file>: …` naming what is wrong
 */
export function readDicomSeg(file: string, source: SegSource, options: { maxBytes?: number } = {}): ReadSeg {
  const fail = (m: string): never => {
    throw new Error(`readDicomSeg: ${file}: ${m}`);
  };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const size = statSync(file).size;
  if (size > maxBytes) fail(`${size} bytes, over the limit of ${maxBytes}`);
  const ds = decodePart10(readFileSync(file), `readDicomSeg: ${file}`);
  if (text(ds.SOPClassUID) !== SEG_SOP_CLASS_UID) fail(`not a DICOM Segmentation (SOP Class ${text(ds.SOPClassUID) || 'missing'})`);
  if (text(ds.SegmentationType) !== 'BINARY') fail(`SegmentationType ${text(ds.SegmentationType)}: only BINARY segmentations can be read into a label map`);
  const [slices, rows, cols] = source.shape;
  if (Number(ds.Rows) !== rows || Number(ds.Columns) !== cols) fail(`frames are ${ds.Rows}×${ds.Columns} but the source's slices are ${rows}×${cols}`);
  const referenced = items(ds.ReferencedSeriesSequence).map((s) => text(s.SeriesInstanceUID));
  if (referenced.length > 0 && !referenced.includes(source.dicom.seriesInstanceUid)) fail(`it references series ${referenced.join(', ')}, not the source series ${source.dicom.seriesInstanceUid}`);
  if (text(ds.FrameOfReferenceUID) && text(ds.FrameOfReferenceUID) !== source.dicom.frameOfReferenceUid) fail(`frame of reference ${text(ds.FrameOfReferenceUID)} is not the source's (${source.dicom.frameOfReferenceUid})`);

  const segments: ReadSegment[] = items(ds.SegmentSequence).map((s) => ({
    number: Number(s.SegmentNumber),
    label: text(s.SegmentLabel),
    description: text(s.SegmentDescription),
    algorithmType: text(s.SegmentAlgorithmType),
    algorithmName: text(s.SegmentAlgorithmName),
    cielab: Array.isArray(s.RecommendedDisplayCIELabValue) ? (s.RecommendedDisplayCIELabValue as number[]).map(Number) : null,
    category: codeOf(s.SegmentedPropertyCategoryCodeSequence),
    type: codeOf(s.SegmentedPropertyTypeCodeSequence),
  }));
  const numbers = new Set(segments.map((s) => s.number));
  const frames = Number(ds.NumberOfFrames ?? 1);
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  if (perFrame.length !== frames) fail(`NumberOfFrames is ${frames} but there are ${perFrame.length} per-frame functional groups`);
  const pixel = items(ds.PixelData)[0] as unknown as ArrayBuffer | undefined;
  if (!pixel) fail('no Pixel Data');
  const bits = new Uint8Array(pixel as ArrayBuffer);

  // Where each source slice is: by SOP Instance UID (and frame), and by position.
  const byUid = new Map<string, number>();
  source.dicom.slices.forEach((s, k) => byUid.set(`${s.sopInstanceUid}#${s.frame + 1}`, k));
  const multi = new Set<string>();
  const seenUid = new Set<string>();
  for (const s of source.dicom.slices) (seenUid.has(s.sopInstanceUid) ? multi : seenUid).add(s.sopInstanceUid);
  const grid = dicomGrid(source);
  const tolerance = Math.max(1e-3, source.spacing[0] * 0.01);
  const sliceAt = (pos: number[]) => grid.positions.findIndex((p) => Math.hypot(p[0] - pos[0], p[1] - pos[1], p[2] - pos[2]) <= tolerance);

  const plane = rows * cols;
  const out = new Uint16Array(slices * plane);
  perFrame.forEach((group, f) => {
    const number = Number(first(group.SegmentIdentificationSequence)?.ReferencedSegmentNumber);
    if (!numbers.has(number)) fail(`frame ${f + 1} belongs to segment ${number}, which the SegmentSequence does not list`);
    const src = first(first(group.DerivationImageSequence)?.SourceImageSequence);
    let k = -1;
    if (src) {
      const uid = text(src.ReferencedSOPInstanceUID);
      const frame = src.ReferencedFrameNumber !== undefined ? Number(text(src.ReferencedFrameNumber)) : 1;
      k = multi.has(uid) && src.ReferencedFrameNumber === undefined ? -1 : byUid.get(`${uid}#${frame}`) ?? -1;
    }
    if (k < 0) {
      const pos = items(first(group.PlanePositionSequence)?.ImagePositionPatient as unknown).map(Number);
      if (pos.length === 3) k = sliceAt(pos);
      if (k < 0) fail(`frame ${f + 1} (segment ${number}) references no slice of the source series and lies at none of its positions (${pos.length ? pos.join(', ') : 'no ImagePositionPatient'})`);
    }
    const mask = unpackFrame(bits, f, plane);
    for (let p = 0; p < plane; p++) {
      if (!mask[p]) continue;
      const at = k * plane + p;
      if (out[at] && out[at] !== number) fail(`segments ${out[at]} and ${number} overlap on slice ${k + 1}: a label map cannot hold both`);
      out[at] = number;
    }
  });
  return {
    labels: { data: out, shape: [...source.shape], spacing: [...source.spacing], affine: source.affine.map((r) => [...r]) },
    segments,
    seriesInstanceUid: text(ds.SeriesInstanceUID),
    sopInstanceUid: text(ds.SOPInstanceUID),
    frames,
  };
}
