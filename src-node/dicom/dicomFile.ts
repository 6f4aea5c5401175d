/**
 * Reading DICOM files from disk with a size limit: the first bytes only when scanning (up to the
 * Pixel Data element), the whole file when its pixels are needed; and a DICOMDIR's image records.
 */
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DataSet } from 'dicom-parser';
import { formatBytes } from '../../shared/io/niftiLayout';
import { describeInstance, parseDicomBytes, type DicomInstance } from './parseFile';

/** Bytes read first when scanning: enough for the attributes before the pixel data of nearly every file. */
const HEAD_BYTES = 256 * 1024;

/** A parsed file: its attributes, its dataset and the bytes the dataset refers to. */
export interface ParsedDicomFile {
  instance: DicomInstance;
  dataSet: DataSet;
  /** The file's size on disk. */
  fileBytes: number;
}

async function readRange(path: string, length: number | null, maxBytes: number): Promise<{ bytes: Uint8Array; size: number }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const want = length === null ? size : Math.min(size, length);
    if (length === null && size > maxBytes) {
      throw new RangeError(`the file is ${formatBytes(size)} (${size} bytes), over the limit of ${formatBytes(maxBytes)} (${maxBytes} bytes); if it is real, raise the limit (maxBytes)`);
    }
    const bytes = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(bytes, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got < want) throw new Error(`the file shrank while it was read (${got} of ${want} bytes)`);
    return { bytes, size };
  } finally {
    await fh.close();
  }
}

/**
 * Reads and parses a DICOM file. With `headerOnly`, only the first 256 KiB are read when they
 * hold everything up to the Pixel Data element (else the whole file); without, the whole file,
 * whose size must be within `maxBytes`.
 * @throws an Error with the reason (not DICOM, unreadable, over the limit), or `NotAnImageError`.
 */
export async function readDicomFile(path: string, options: { headerOnly: boolean; maxBytes: number }): Promise<ParsedDicomFile> {
  if (options.headerOnly) {
    const head = await readRange(path, HEAD_BYTES, options.maxBytes);
    if (head.bytes.length < head.size) {
      let dataSet: DataSet | null = null;
      try {
        dataSet = parseDicomBytes(head.bytes, { headerOnly: true, maxBytes: options.maxBytes });
      } catch (e) {
        if (/DICM/.test((e as Error).message)) throw e; // not DICOM: more bytes would not help
      }
      if (dataSet?.elements.x7fe00010) return { instance: describeInstance(path, dataSet, head.size), dataSet, fileBytes: head.size };
    }
  }
  const { bytes, size } = await readRange(path, null, options.maxBytes);
  const dataSet = parseDicomBytes(bytes, { headerOnly: options.headerOnly, maxBytes: options.maxBytes });
  return { instance: describeInstance(path, dataSet, size), dataSet, fileBytes: size };
}

/** Whether a parsed dataset is a DICOMDIR (it has a Directory Record Sequence). */
export function isDicomdir(ds: DataSet): boolean {
  return ds.elements.x00041220 !== undefined;
}

/**
 * The image files a DICOMDIR lists: its IMAGE directory records' Referenced File IDs (path
 * components separated by `\`), relative to the folder the DICOMDIR is in. Files the DICOMDIR
 * lists for other record types (reports, presentation states) are left out.
 */
export function dicomdirImageFiles(dicomdirPath: string, ds: DataSet): string[] {
  const root = dirname(dicomdirPath);
  const files: string[] = [];
  for (const record of ds.elements.x00041220?.items ?? []) {
    const rec = record.dataSet;
    if (!rec) continue;
    const type = (rec.string('x00041430') ?? '').trim();
    const id = (rec.string('x00041500') ?? '').trim();
    if (type === 'IMAGE' && id) files.push(join(root, ...id.split('\\').filter(Boolean)));
  }
  return files;
}
