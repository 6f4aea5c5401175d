/**
 * A DICOM series given where an image is expected (`patchlens infer --image <folder>`): the
 * folder (a DICOMDIR, or one file of the series) is scanned, one series is chosen (`--series`,
 * or the only one), read with its geometry (src-node/dicom) and handed on as a NIfTI volume on
 * the same grid, so everything downstream (the engine, the outputs, the provenance) is the
 * NIfTI path's. Patient identifiers are never part of what this prints or returns beyond the
 * `dicom` block (the provenance and the logs leave them out).
 */
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { readNifti, writeNifti, type NiftiVolume } from '../shared/io/nifti';
import { readDicomSeries, scanDicomFolder, type DicomSeries, type DicomVolume } from './dicom';

/** What {@link readDicomImage} gives. */
export interface DicomImage {
  /** The series as a NIfTI volume (its header made from the series' geometry). */
  volume: NiftiVolume;
  /** That NIfTI's bytes: what the image's SHA-256 in the provenance is of. */
  bytes: Uint8Array;
  /** The series it came from (no patient identifiers). */
  series: { seriesInstanceUid: string; seriesNumber: number | null; modality: string; seriesDescription: string; images: number; studyInstanceUid: string; frameOfReferenceUid: string };
  /** What the reader assumed (MONOCHROME1, a single slice's thickness, …). */
  warnings: string[];
  /** The scanned series the volume was read from (what a SEG of it references; holds patient identifiers: never print it). */
  source: DicomSeries;
}

/**
 * Whether a path is DICOM input: a folder, a DICOMDIR, or a file with the DICM preamble.
 * NIfTI files (.nii, .nii.gz) are never DICOM.
 */
export function isDicomInput(path: string): boolean {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return false;
  }
  if (stat.isDirectory()) return true;
  if (!stat.isFile() || /\.nii(\.gz)?$/i.test(path)) return false;
  if (basename(path).toUpperCase() === 'DICOMDIR') return true;
  const head = new Uint8Array(132);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, head, 0, 132, 0) < 132) return false;
  } finally {
    closeSync(fd);
  }
  return head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
}

/** One line per series for a listing (series number, UID, modality, description, images, size; no patient identifiers). */
export function describeSeries(series: readonly DicomSeries[]): string {
  return series
    .map((s, k) => `  ${k + 1}. series ${s.seriesNumber ?? '—'} ${s.seriesInstanceUid} ${s.modality || '?'} "${s.seriesDescription}" ${s.images} image${s.images === 1 ? '' : 's'} ${s.rows}×${s.columns}`)
    .join('\n');
}

/** The series `wanted` names: those with that SeriesInstanceUID, else (for digits) those with that SeriesNumber. */
export function seriesNamed(series: readonly DicomSeries[], wanted: string): DicomSeries[] {
  const byUid = series.filter((s) => s.seriesInstanceUid === wanted);
  if (byUid.length > 0) return byUid;
  return /^\d+$/.test(wanted) ? series.filter((s) => s.seriesNumber === Number(wanted)) : [];
}

/**
 * The series `wanted` names (its SeriesInstanceUID or its SeriesNumber), or the only one.
 * @param howToChoose what the error says when there are several and none is named
 */
export function pickSeries(option: string, path: string, series: readonly DicomSeries[], wanted: string | undefined, seriesOption = '--series', howToChoose = `choose one with ${seriesOption} <SeriesInstanceUID or series number>`): DicomSeries {
  if (series.length === 0) throw new Error(`${option} ${path}: no DICOM image series in it`);
  if (wanted === undefined) {
    if (series.length === 1) return series[0];
    throw new Error(`${option} ${path}: ${series.length} series in it; ${howToChoose}:\n${describeSeries(series)}`);
  }
  const found = seriesNamed(series, wanted);
  if (found.length === 1) return found[0];
  if (found.length > 1) throw new Error(`${option} ${path}: ${found.length} series have number ${wanted}; name one by its SeriesInstanceUID:\n${describeSeries(found)}`);
  throw new Error(`${option} ${path}: no series ${JSON.stringify(wanted)} in it (${seriesOption} takes a SeriesInstanceUID or a series number); the series are:\n${describeSeries(series)}`);
}

/**
 * The series at `path`: a folder's or a DICOMDIR's (the only one, or the one `series` names), or,
 * for one file of a series, the whole series it belongs to in its folder (as a viewer opens it).
 */
export async function findSeries(option: string, path: string, options: { series?: string; maxBytes?: number; seriesOption?: string; howToChoose?: string } = {}): Promise<DicomSeries> {
  const isFile = statSync(path).isFile() && basename(path).toUpperCase() !== 'DICOMDIR';
  const scan = await scanDicomFolder(isFile ? dirname(path) : path, { maxBytes: options.maxBytes });
  if (isFile && options.series === undefined) {
    const own = scan.series.find((s) => s.files.some((f) => resolve(f) === resolve(path)));
    if (!own) throw new Error(`${option} ${path}: not a DICOM image (${scan.skipped.find((k) => resolve(k.path) === resolve(path))?.reason ?? 'not found in its folder'})`);
    return own;
  }
  return pickSeries(option, path, scan.series, options.series, options.seriesOption, options.howToChoose);
}

/**
 * Reads the DICOM series at `path` (see the module comment); errors name the option and the path.
 * @param options.series `--series`: a SeriesInstanceUID or a series number (needed when there are several)
 */
export async function readDicomImage(option: string, path: string, options: { series?: string; maxBytes?: number; seriesOption?: string } = {}): Promise<DicomImage> {
  const prefix = `${option} ${path}: `;
  const withPrefix = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    return new Error(message.startsWith(prefix) ? message : prefix + message);
  };
  let volume: DicomVolume;
  let series: DicomSeries;
  try {
    series = await findSeries(option, path, { series: options.series, maxBytes: options.maxBytes, seriesOption: options.seriesOption });
    volume = await readDicomSeries(series, { maxBytes: options.maxBytes });
  } catch (e) {
    throw withPrefix(e);
  }
  const bytes = writeNifti(volume);
  const d = volume.dicom;
  return {
    volume: readNifti(bytes, { maxBytes: options.maxBytes }),
    bytes,
    series: { seriesInstanceUid: d.seriesInstanceUid, seriesNumber: d.seriesNumber, modality: d.modality, seriesDescription: d.seriesDescription, images: d.slices.length, studyInstanceUid: d.studyInstanceUid, frameOfReferenceUid: d.frameOfReferenceUid },
    warnings: [...d.warnings],
    source: series,
  };
}
