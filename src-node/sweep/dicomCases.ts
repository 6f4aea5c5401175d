/**
 * DICOM in a sweep's cases (issue 15): a case's image may be a DICOM folder (or DICOMDIR, or a
 * file of the series) and its labels a DICOM SEG of that series, or NIfTI. They are read before
 * the sweep (the DICOM readers are asynchronous; the sweep reads cases synchronously) and the
 * sweep takes them from here: their volumes through `loadCase`, and their fingerprints from the
 * SHA-256 of the series' NIfTI on the same grid (a folder has no bytes of its own; the NIfTI of
 * the same series is the same bytes every time, so a resumed sweep recognises its cases).
 */
import { readFileSync } from 'node:fs';
import type { Volume } from '../../shared/io/volume';
import type { SweepCase } from '../../shared/sweep/types';
import { writeNifti } from '../../shared/io/nifti';
import { readDicomSeries, type DicomSeries } from '../dicom';
import { readDicomSeg, segSourceOfSeries, SEG_SOP_CLASS_UID } from '../dicom/seg';
import { decodePart10 } from '../dicom/seg/dcmjsIo';
import { findSeries, isDicomInput } from '../readDicomImage';
import { sha256Hex } from '../fs/sha256';
import { readImageFile } from '../readInputFile';

/** A case input read from DICOM. */
interface ReadInput {
  volume: Volume;
  sha256: string;
}

/** The DICOM inputs of a sweep's cases, by path. */
export interface DicomCases {
  /** Whether any case has a DICOM image or a SEG label. */
  readonly any: boolean;
  /** The SHA-256 a path's input is fingerprinted by (undefined: the file's own bytes). */
  hashOf(path: string): string | undefined;
  /** A case's image and label when either is DICOM (undefined: both NIfTI). */
  load(c: SweepCase): { image: Volume; label: Volume } | undefined;
  /** The image volume of a DICOM case (for planning), or undefined. */
  image(path: string): Volume | undefined;
}

/** Whether a file is a DICOM Segmentation (its SOP Class). */
function isSegFile(path: string): boolean {
  if (!isDicomInput(path)) return false;
  try {
    return String(decodePart10(readFileSync(path), path, true).SOPClassUID ?? '') === SEG_SOP_CLASS_UID;
  } catch {
    return false;
  }
}

/**
 * Reads the cases' DICOM images (one series per case: a folder with several is an error listing
 * them) and SEG labels onto their image's grid. NIfTI inputs are left to the sweep.
 * @throws `case <id> image <path>: …` / `case <id> label <path>: …` naming what is wrong
 */
export async function readDicomCases(cases: readonly SweepCase[], options: { maxBytes?: number } = {}): Promise<DicomCases> {
  const images = new Map<string, ReadInput & { series: DicomSeries }>();
  /** SEG labels on their case image's grid, by label and image path; their hashes by label path. */
  const segs = new Map<string, Volume>();
  const segHashes = new Map<string, string>();
  const segKey = (c: SweepCase) => `${c.label}\n${c.image}`;
  for (const c of cases) {
    const what = `case ${c.id} image`;
    if (isDicomInput(c.image) && !images.has(c.image)) {
      try {
        const series = await findSeries(what, c.image, { maxBytes: options.maxBytes, howToChoose: 'a case takes one series: give that series\' own folder, or a file of it' });
        const volume = await readDicomSeries(series, { maxBytes: options.maxBytes });
        images.set(c.image, { volume, sha256: sha256Hex(writeNifti(volume)), series });
      } catch (e) {
        const m = (e as Error).message;
        throw new Error(m.startsWith(what) ? m : `${what} ${c.image}: ${m}`);
      }
    }
    if (isSegFile(c.label) && !segs.has(segKey(c))) {
      const source = images.get(c.image)?.series;
      if (!source) throw new Error(`case ${c.id} label ${c.label}: a DICOM SEG needs its DICOM source series as the case's image; ${c.image} is not DICOM`);
      segs.set(segKey(c), readDicomSeg(c.label, segSourceOfSeries(source), { maxBytes: options.maxBytes }).labels);
      if (!segHashes.has(c.label)) segHashes.set(c.label, sha256Hex(readFileSync(c.label)));
    }
  }
  return {
    any: images.size > 0,
    hashOf: (path) => images.get(path)?.sha256 ?? segHashes.get(path),
    image: (path) => images.get(path)?.volume,
    load: (c) => {
      const image = images.get(c.image)?.volume;
      // A NIfTI image: the sweep's own reader (a SEG label needs a DICOM image, refused above).
      if (!image) return undefined;
      return { image, label: segs.get(segKey(c)) ?? readImageFile(`case ${c.id} label`, c.label, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }).volume };
    },
  };
}
