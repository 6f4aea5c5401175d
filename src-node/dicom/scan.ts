/**
 * Finds the DICOM series in a folder (recursively), a list of files and folders, or a DICOMDIR,
 * and lists what it skipped and why. Only the attributes before the pixel data are read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_MAX_IMAGE_BYTES } from '../../shared/io/niftiLayout';
import { dicomdirImageFiles, isDicomdir, readDicomFile } from './dicomFile';
import { NotAnImageError, parseDicomBytes, type DicomInstance } from './parseFile';

/** One series found by {@link scanDicomFolder}. */
export interface DicomSeries {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  studyInstanceUid: string;
  patientName: string;
  patientId: string;
  /** StudyDate as stored (YYYYMMDD), '' when absent. */
  studyDate: string;
  modality: string;
  seriesDescription: string;
  /** Images (frames) in the series: files × frames per file. */
  images: number;
  /** Rows and columns of the first image (`sizes` lists every size when they differ). */
  rows: number;
  columns: number;
  /** Every distinct `rows×columns` in the series (one entry unless the sizes are mixed). */
  sizes: string[];
  /** Transfer syntaxes of its files, by name. */
  transferSyntaxes: string[];
  /** The series' files, sorted by path. */
  files: string[];
  /** What was read of each file, in the order of `files`. */
  instances: DicomInstance[];
}

/** A file that was not taken, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** What {@link scanDicomFolder} found. */
export interface DicomScan {
  /** How the input was read: a folder walked recursively, a list of paths, or a DICOMDIR's records. */
  source: 'folder' | 'files' | 'dicomdir';
  /** The series, by SeriesNumber then SeriesInstanceUID. */
  series: DicomSeries[];
  /** Files that are not DICOM images, with the reason. */
  skipped: SkippedFile[];
}

/** Options of {@link scanDicomFolder}. */
export interface ScanDicomOptions {
  /** The largest file read in full (a deflated file, or one whose header is past 256 KiB); default 2 GiB. */
  maxBytes?: number;
  /** The most files looked at (default 100 000), so that pointing at `/` fails fast. */
  maxFiles?: number;
}

async function walk(dir: string, out: string[], maxFiles: number): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out, maxFiles);
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
    if (out.length > maxFiles) throw new RangeError(`${dir}: more than ${maxFiles} files; point at the study's folder (or raise maxFiles)`);
  }
}

/** Whether `path` is a DICOMDIR (read in full: a DICOMDIR is small and its records are the point). */
async function dicomdirRecords(path: string, maxBytes: number): Promise<string[] | null> {
  if (!/^dicomdir$/i.test(basename(path))) return null;
  const bytes = new Uint8Array(await readFile(path));
  const ds = parseDicomBytes(bytes, { maxBytes });
  return isDicomdir(ds) ? dicomdirImageFiles(path, ds) : null;
}

function groupSeries(instances: DicomInstance[]): DicomSeries[] {
  const groups = new Map<string, DicomInstance[]>();
  for (const inst of instances) {
    const key = inst.seriesInstanceUid;
    groups.set(key, [...(groups.get(key) ?? []), inst]);
  }
  const series = [...groups.values()].map((list): DicomSeries => {
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const first = list[0];
    return {
      seriesInstanceUid: first.seriesInstanceUid,
      seriesNumber: first.seriesNumber,
      studyInstanceUid: first.studyInstanceUid,
      patientName: first.patientName,
      patientId: first.patientId,
      studyDate: first.studyDate,
      modality: first.modality,
      seriesDescription: first.seriesDescription,
      images: list.reduce((n, i) => n + i.frames.length, 0),
      rows: first.rows,
      columns: first.columns,
      sizes: [...new Set(list.map((i) => `${i.rows}×${i.columns}`))],
      transferSyntaxes: [...new Set(list.map((i) => i.transferSyntax.name))],
      files: list.map((i) => i.path),
      instances: list,
    };
  });
  return series.sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity) || (a.seriesInstanceUid < b.seriesInstanceUid ? -1 : 1));
}

/**
 * The DICOM series in `input`: a folder (walked recursively), a list of files and folders, or a
 * DICOMDIR (its IMAGE records' files are read; the folder is not walked). Files are grouped by
 * SeriesInstanceUID. Anything that is not a DICOM image — another file type, a truncated or
 * unreadable file, a DICOMDIR met while walking, DICOM without pixel data, a file without a
 * SeriesInstanceUID — is listed in `skipped` with the reason; that is never fatal unless no
 * series is left.
 * @throws an Error naming the input when it does not exist, or when no DICOM image was found
 *   (with the first skipped files and their reasons).
 */
export async function scanDicomFolder(input: string | readonly string[], options: ScanDicomOptions = {}): Promise<DicomScan> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const maxFiles = options.maxFiles ?? 100_000;
  const label = typeof input === 'string' ? input : `${input.length} path(s)`;
  const paths: string[] = [];
  let source: DicomScan['source'] = typeof input === 'string' ? 'folder' : 'files';
  for (const p of typeof input === 'string' ? [input] : input) {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (e) {
      throw new Error(`scanDicomFolder: ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
    }
    if (isDir) {
      await walk(p, paths, maxFiles);
      continue;
    }
    let records: string[] | null = null;
    try {
      records = await dicomdirRecords(p, maxBytes);
    } catch {
      records = null; // named DICOMDIR but unreadable: treated as any other file below
    }
    if (records) {
      if (typeof input === 'string') source = 'dicomdir';
      paths.push(...records);
    } else {
      if (typeof input === 'string') source = 'files';
      paths.push(p);
    }
  }
  const instances: DicomInstance[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of [...new Set(paths.map((p) => resolve(p)))]) {
    try {
      const { instance } = await readDicomFile(path, { headerOnly: true, maxBytes });
      if (!instance.seriesInstanceUid) skipped.push({ path, reason: 'DICOM image without a SeriesInstanceUID' });
      else if (!instance.pixelDataComplete) skipped.push({ path, reason: `truncated: its pixel data (${instance.pixelDataBytes} bytes declared) run past the end of the file` });
      else instances.push(instance);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file (listed but missing)' : (e as Error).message;
      skipped.push({ path, reason: e instanceof NotAnImageError ? e.message : reason });
    }
  }
  if (instances.length === 0) {
    const shown = skipped.slice(0, 5).map((s) => `${s.path}: ${s.reason}`).join('; ');
    throw new Error(`scanDicomFolder: ${label}: no DICOM image found (${skipped.length} file(s) skipped${shown ? `: ${shown}` : ''}${skipped.length > 5 ? '; …' : ''})`);
  }
  return { source, series: groupSeries(instances), skipped };
}
