/**
 * A DICOM series opened in the app (issue 15): read with src-node/dicom (the folder's only
 * series, the one `series` names, or the series of a given file) and written once, atomically,
 * as a NIfTI on the same grid into the project's `dicom/` folder; the session then opens that
 * NIfTI like any image. Runs, sweeps, annotation and reports all work on it unchanged (3D
 * Slicer converts the same way), the image's identity is that NIfTI's SHA-256 (the same series
 * gives the same bytes), and the source folder is only read. The file name holds the series'
 * number, description and a UID digest, never a patient identifier. Beside it, a record of the
 * source (./dicomSource.ts) lets a SEG or a PDF of that image reference the series later.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomImage } from '../readDicomImage';
import { writeFileAtomic } from '../fs/atomicWrite';
import { sha256Hex } from '../fs/sha256';
import { readSourceAttributes, segSourceOfSeries } from '../dicom/seg';
import { dicomImageInfo, writeDicomSource } from './dicomSource';

/** The project's subfolder of opened DICOM series (as NIfTI). */
export const DICOM_DIR = 'dicom';

/** A file-name-safe part of a series description (letters, digits, '-', at most 40 characters). */
function safe(text: string): string {
  return text.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}

/**
 * Reads the DICOM series at `path` and answers the path of its NIfTI in the project (written
 * when missing or different).
 * @throws `image <path>: …` naming what is wrong (several series without `series`, a gap, …)
 */
export async function importDicomSeries(projectDir: string, path: string, options: { series?: string; maxBytes?: number } = {}): Promise<{ path: string; seriesInstanceUid: string }> {
  const image = await readDicomImage('image', path, { series: options.series, maxBytes: options.maxBytes, seriesOption: 'the series choice' });
  const s = image.series;
  const name = ['series', s.seriesNumber ?? 'x', safe(s.seriesDescription || s.modality), sha256Hex(new TextEncoder().encode(s.seriesInstanceUid)).slice(0, 8)].filter((x) => x !== '').join('-');
  const dir = join(projectDir, DICOM_DIR);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${name}.nii`);
  const source = segSourceOfSeries(image.source);
  if (source.shape.join() !== image.volume.shape.join()) throw new Error(`image ${path}: the series changed while it was read (its grid is now [${source.shape}], the image read was [${image.volume.shape}]); open it again`);
  const attributes = readSourceAttributes(source, options.maxBytes);
  const imageSha256 = sha256Hex(image.bytes);
  const same = existsSync(target) && sha256Hex(readFileSync(target)) === imageSha256;
  // The record first: an image beside a record of another file is never taken for its source.
  writeDicomSource(target, { imageSha256, source, attributes, info: dicomImageInfo(attributes, s) });
  if (!same) writeFileAtomic(target, image.bytes);
  return { path: target, seriesInstanceUid: s.seriesInstanceUid };
}
