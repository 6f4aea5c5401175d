import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readNifti, readNiftiHeader, type NiftiVolume } from '../shared/io/nifti';
import { DEFAULT_MAX_IMAGE_BYTES, formatBytes } from '../shared/io/niftiLayout';
import { isGzip } from '../shared/io/gzip';

/** Options of {@link readImageFile}. */
export interface ReadImageFileOptions {
  /**
   * The most bytes reading the image may take (see `readNifti`'s `maxBytes`; default 2 GiB).
   * The file itself may not be larger either.
   */
  maxBytes?: number;
}

/** Bytes read first: enough for any header (a `.nii.gz` inflates them only as far as its header). */
const HEAD_BYTES = 64 * 1024;

/** Reads `length` bytes at `position` of an open file into a fresh Uint8Array (fewer only at the end of the file). */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? out : out.subarray(0, got);
}

/**
 * Reads a NIfTI file given on the command line (or opened in the app); errors name the option
 * and the file. The header is read first — from the first 64 KiB of the file, a `.nii.gz`
 * inflated only as far as its header — and the image's declared size is checked against the limit
 * before the rest of the file is read, so a huge `.nii` is refused without being loaded. A file
 * larger than the limit is refused too (a `.nii.gz` of an image within the limit is smaller than
 * it). `bytes` are the whole file's bytes (a plain Uint8Array of its own).
 * @throws `${option} ${path}: …` (no such file, not a file, the limit, anything `readNifti` refuses)
 */
export function readImageFile(option: string, path: string, options: ReadImageFileOptions = {}): { volume: NiftiVolume; bytes: Uint8Array } {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const fail = (message: string) => new Error(`${option} ${path}: ${message}`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'not a file' : (e as Error).message);
  }
  let bytes: Uint8Array;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw fail('not a file');
    const head = readAt(fd, 0, Math.min(stat.size, HEAD_BYTES));
    readNiftiHeader(head, { maxBytes, complete: head.length === stat.size });
    if (stat.size > maxBytes) {
      throw fail(
        `the ${isGzip(head) ? 'compressed ' : ''}file is ${formatBytes(stat.size)} (${stat.size} bytes), over the limit of ` +
          `${formatBytes(maxBytes)} (${maxBytes} bytes); if the image is real, raise the limit (maxBytes; CLI: --max-image-gib <n>)`,
      );
    }
    bytes = head.length === stat.size ? head : readAt(fd, 0, stat.size);
    if (bytes.length !== stat.size) throw fail(`the file shrank while it was read (${bytes.length} of ${stat.size} bytes)`);
  } catch (e) {
    if ((e as Error).message.startsWith(`${option} ${path}: `)) throw e;
    throw fail((e as Error).message);
  } finally {
    closeSync(fd);
  }
  try {
    return { volume: readNifti(bytes, { maxBytes }), bytes };
  } catch (e) {
    throw fail((e as Error).message);
  }
}
