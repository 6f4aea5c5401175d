/**
 * `uploads/`: files the browser transport uploaded (it never trusts a path from the page). Each
 * upload is one folder `uploads/<stamp>-<pid>-<n>/` written as a whole (`beginFolder`: a crash
 * leaves only a temp folder), with a marker `uploads/<folder>.pending` beside it (its owner, see
 * {@link OwnerInfo}) until the service has opened it and calls {@link keepUploadIn}. A pending
 * upload of a process that is gone was never used and may be removed (see projectCleanup.ts).
 */
import { lstatSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { beginFolder, writeFileAtomic, type FolderWrite } from '../fs/atomicWrite';
import { createExclusive, ownInfo } from './projectOwner';

/** Suffix of an upload's pending marker (beside its folder). */
export const UPLOAD_PENDING = '.pending';

/** Default most bytes of one upload (all its files together): 2 GiB. */
export const DEFAULT_UPLOAD_MAX_BYTES = 2 * 1024 ** 3;

/** One uploaded file. */
export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

let uploadCounter = 0;

/**
 * Checks everything before writing a byte (names, duplicates, the total against `maxBytes`), then
 * writes the files into a fresh upload folder as a whole. On any failure nothing is left behind.
 * @returns the upload's folder
 * @throws `writeUpload: …` naming the problem
 */
export function writeUploadIn(uploadsDir: string, files: UploadFile[], maxBytes: number = DEFAULT_UPLOAD_MAX_BYTES): string {
  if (!(typeof maxBytes === 'number' && maxBytes > 0)) throw new Error(`writeUpload: maxBytes must be a positive number of bytes, got ${String(maxBytes)}`);
  if (!Array.isArray(files) || files.length === 0) throw new Error('writeUpload: no files to write');
  const names = new Set<string>();
  let total = 0;
  for (const f of files) {
    if (typeof f.name !== 'string' || !/^[^/\\\0]+$/.test(f.name) || f.name === '.' || f.name === '..') throw new Error(`writeUpload: bad file name ${JSON.stringify(f.name)}`);
    if (names.has(f.name)) throw new Error(`writeUpload: the file name ${JSON.stringify(f.name)} appears twice`);
    if (!(f.bytes instanceof Uint8Array)) throw new Error(`writeUpload: ${f.name}: the bytes are not a Uint8Array`);
    names.add(f.name);
    total += f.bytes.length;
  }
  if (total > maxBytes) throw new Error(`writeUpload: the upload is ${total} bytes (${files.length} file(s)), over the limit of ${maxBytes} bytes (maxBytes); nothing was written`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let name = '';
  for (;;) {
    name = `${stamp}-${process.pid}-${uploadCounter++}`;
    if (createExclusive(join(uploadsDir, `${name}${UPLOAD_PENDING}`), `${JSON.stringify(ownInfo(), null, 2)}\n`)) break;
  }
  const marker = join(uploadsDir, `${name}${UPLOAD_PENDING}`);
  let folder: FolderWrite | null = null;
  try {
    folder = beginFolder(join(uploadsDir, name));
    for (const f of files) writeFileAtomic(join(folder.dir, f.name), f.bytes);
    folder.commit();
    return folder.target;
  } catch (e) {
    folder?.abort();
    rmSync(marker, { force: true });
    const err = e as Error;
    if (!err.message.startsWith('writeUpload')) err.message = `writeUpload: ${err.message}`;
    throw err;
  }
}

/** The upload folder `folder` names, checked: a real folder directly inside `uploadsDir` (no symbolic link). */
function uploadFolder(fn: string, uploadsDir: string, folder: string): string {
  const path = typeof folder === 'string' && folder !== '' ? resolve(folder) : '';
  const name = basename(path);
  if (path === '' || dirname(path) !== resolve(uploadsDir) || name.startsWith('.') || name.endsWith(UPLOAD_PENDING)) {
    throw new Error(`${fn}: ${JSON.stringify(folder)} is not an upload folder (a folder directly inside ${uploadsDir})`);
  }
  return path;
}

/** Marks an upload as used (the service opened it): it is never removed by the start-up clean-up. */
export function keepUploadIn(uploadsDir: string, folder: string): void {
  const path = uploadFolder('keepUpload', uploadsDir, folder);
  rmSync(`${path}${UPLOAD_PENDING}`, { force: true });
}

/**
 * Deletes an upload folder and its marker (after a failed open, or a cancel). Only a folder directly
 * inside `uploadsDir`; a symbolic link there is removed as a link, never followed. Idempotent.
 * @throws `removeUpload: …` for any other path
 */
export function removeUploadIn(uploadsDir: string, folder: string): void {
  const path = uploadFolder('removeUpload', uploadsDir, folder);
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    // gone already
  }
  rmSync(path, { recursive: !isLink, force: true });
  rmSync(`${path}${UPLOAD_PENDING}`, { force: true });
}
