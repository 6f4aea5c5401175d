/**
 * Conflict detection for the files an annotation saves (labels, findings): the version of a
 * file (size, mtime, SHA-256) is remembered when it is opened and checked again just before it
 * is written; when someone else changed it in between, the save is refused with a
 * {@link FileConflictError}, and the user picks one of three resolutions: {@link keepTheirs}
 * (reload their file), {@link saveAs} (write ours to a new path) or {@link overwrite} (replace
 * theirs, explicitly).
 *
 * The content decides, not the clock: a file that was only touched (same bytes, new mtime) is no
 * conflict, and one rewritten within the file system's mtime granularity (same size and mtime,
 * other bytes) is one. The check and the rename are not one step: a write by another program in
 * the milliseconds between them is not caught (no portable file lock would stop it either).
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic, type AtomicWriteOptions } from '../fs/atomicWrite';
import { assertNoInputOverwrite, OutputRefusedError, type GuardedInput } from '../fs/outputGuard';
import { sha256Hex } from '../fs/sha256';

/** What a file was when it was read: missing, or its size, modification time and content hash. */
export type FileVersion = { path: string; exists: false } | { path: string; exists: true; size: number; mtimeMs: number; sha256: string };

/** The three ways out of a conflict, in the order a dialog offers them. */
export const CONFLICT_RESOLUTIONS = ['keep-theirs', 'save-as', 'overwrite'] as const;

/** One of {@link CONFLICT_RESOLUTIONS}. */
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

/** A time for messages: ISO 8601 in UTC, or what stood there instead. */
function when(v: FileVersion, missing: string): string {
  return v.exists ? new Date(v.mtimeMs).toISOString() : missing;
}

/**
 * A save refused because the file changed on disk since it was opened. `opened` and `current`
 * are both versions (either may be missing: created or removed by someone else); the message
 * names the file, both times and the three resolutions.
 */
export class FileConflictError extends Error {
  override name = 'FileConflictError';
  /** Error code for the `{ error: { code, message } }` envelope. */
  readonly code = 'FILE_CONFLICT';
  constructor(
    /** Who refused (`saveChecked`, a handler's name). */
    fn: string,
    /** The version the caller opened. */
    readonly opened: FileVersion,
    /** The version on disk now. */
    readonly current: FileVersion,
  ) {
    const sizes = opened.exists && current.exists ? `, ${opened.size} → ${current.size} bytes` : '';
    super(
      `${fn}: ${current.path} was changed by someone else since it was opened: opened as modified ${when(opened, 'not yet existing')}, ` +
        `now ${current.exists ? `modified ${when(current, '')}` : 'removed'}${sizes}; keep theirs (reload), save as another file, or overwrite`,
    );
  }
  /** The file in conflict. */
  get path(): string {
    return this.current.path;
  }
}

/** A version from bytes and the stat of the same open file. */
function versionOf(path: string, bytes: Uint8Array, stat: { size: number; mtimeMs: number }): FileVersion {
  return { path, exists: true, size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256Hex(bytes) };
}

/**
 * Reads a file and its version from one open file descriptor (the bytes and the version always
 * belong together). A missing file gives `bytes: null` and a missing version.
 * @throws for any error but ENOENT, naming the file
 */
export function readVersioned(path: string): { bytes: Uint8Array | null; version: FileVersion } {
  const abs = resolve(path);
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: null, version: { path: abs, exists: false } };
    throw new Error(`readVersioned: cannot open ${abs}: ${(e as Error).message}`);
  }
  try {
    const bytes = new Uint8Array(readFileSync(fd));
    return { bytes, version: versionOf(abs, bytes, fstatSync(fd)) };
  } finally {
    closeSync(fd);
  }
}

/** The version of a file on disk now ({@link readVersioned} without keeping the bytes). */
export function readFileVersion(path: string): FileVersion {
  return readVersioned(path).version;
}

/** Whether two versions hold the same content (both missing, or the same size and SHA-256). */
export function sameContent(a: FileVersion, b: FileVersion): boolean {
  if (!a.exists || !b.exists) return a.exists === b.exists;
  return a.size === b.size && a.sha256 === b.sha256;
}

/**
 * Checks that the file still is what was opened.
 * @returns the version on disk now
 * @throws FileConflictError when its content changed (or it appeared, or it was removed)
 */
export function assertUnchanged(fn: string, opened: FileVersion): FileVersion {
  const current = readFileVersion(opened.path);
  if (!sameContent(opened, current)) throw new FileConflictError(fn, opened, current);
  return current;
}

/** Options of the checked writes. */
export interface VersionedWriteOptions extends AtomicWriteOptions {
  /** Files the caller reads (the image): never written. */
  inputs?: readonly GuardedInput[];
}

/** Writes through the one writer and returns the new version (from the bytes written and the file's stat). */
function writeAndVersion(fn: string, path: string, bytes: Uint8Array, options: VersionedWriteOptions): FileVersion {
  assertNoInputOverwrite({ command: fn, out: 'path', force: 'another path' }, path, [{ path }], options.inputs ?? []);
  writeFileAtomic(path, bytes, options);
  return versionOf(resolve(path), bytes, statSync(path));
}

/**
 * Saves `bytes` over the file that was opened as `opened`, unless someone else changed it since.
 * @returns the new version (remember it as the opened version for the next save)
 * @throws FileConflictError (nothing written); OutputRefusedError when the path is an input
 */
export function saveChecked(path: string, bytes: Uint8Array, opened: FileVersion, options: VersionedWriteOptions = {}): FileVersion {
  if (resolve(path) !== opened.path) throw new RangeError(`saveChecked: the version given is of ${opened.path}, not of ${resolve(path)}`);
  assertUnchanged('saveChecked', opened);
  return writeAndVersion('saveChecked', path, bytes, options);
}

/** Resolution "keep theirs": reads their file again (bytes null when they removed it) with its version. */
export function keepTheirs(conflict: FileConflictError): { bytes: Uint8Array | null; version: FileVersion } {
  return readVersioned(conflict.path);
}

/**
 * Resolution "save as": writes ours to a new path, refused when that path exists (pick another;
 * nothing there is replaced) or is an input. Checked just before the write: a file created there
 * in the moment between is replaced.
 * @returns the new file's version (the annotation now belongs to it)
 */
export function saveAs(newPath: string, bytes: Uint8Array, options: VersionedWriteOptions = {}): FileVersion {
  assertNoInputOverwrite({ command: 'saveAs', out: 'path', force: 'another path' }, newPath, [{ path: newPath }], options.inputs ?? []);
  if (existsSync(newPath)) throw new OutputRefusedError(`saveAs: ${resolve(newPath)} exists; choose a new name (nothing was written)`);
  return writeAndVersion('saveAs', newPath, bytes, options);
}

/** Resolution "overwrite": replaces their file with ours, whatever it holds now (the user chose so). */
export function overwrite(conflict: FileConflictError, bytes: Uint8Array, options: VersionedWriteOptions = {}): FileVersion {
  return writeAndVersion('overwrite', conflict.path, bytes, options);
}
