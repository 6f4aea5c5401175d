/**
 * The one writer of every file PatchLens writes: a temp file in the target's folder, a write loop
 * that checks every byte count, a size check, fsync of the file, rename over the target, fsync of
 * the folder. A reader sees the old file or the new one, never a mix, and a crash, a full disk
 * (ENOSPC) or an I/O error (EIO) before the rename leaves the old file as it was.
 *
 * Multi-file outputs (a run folder, a report, a sweep summary with its maps) are written into a
 * temp folder beside their target and renamed into place as a whole ({@link beginFolder}).
 *
 * The file-system calls are injectable ({@link AtomicFs}) so that tests can inject faults.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The synchronous `node:fs` calls the writer uses (tests pass faulty ones). */
export interface AtomicFs {
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  fstatSync: (fd: number) => { size: number };
  closeSync: typeof nodeFs.closeSync;
  renameSync: typeof nodeFs.renameSync;
  rmSync: typeof nodeFs.rmSync;
  mkdirSync: typeof nodeFs.mkdirSync;
  rmdirSync: typeof nodeFs.rmdirSync;
  readdirSync: (path: string) => string[];
}

/** The real file system. */
export const NODE_FS: AtomicFs = {
  openSync: nodeFs.openSync,
  writeSync: (fd, buffer, offset, length) => nodeFs.writeSync(fd, buffer, offset, length),
  fsyncSync: nodeFs.fsyncSync,
  fstatSync: (fd) => nodeFs.fstatSync(fd),
  closeSync: nodeFs.closeSync,
  renameSync: nodeFs.renameSync,
  rmSync: nodeFs.rmSync,
  mkdirSync: nodeFs.mkdirSync,
  rmdirSync: nodeFs.rmdirSync,
  readdirSync: (path) => nodeFs.readdirSync(path),
};

/** Options of the writer. */
export interface AtomicWriteOptions {
  /** File-system calls (default the real ones). */
  fs?: AtomicFs;
  /** File mode of a new file (default 0o644). */
  mode?: number;
}

/** Prefix of every temp file and folder the writer makes (readers and listings skip them). */
export const TEMP_MARK = '.patchlens-tmp-';

let counter = 0;

/** A fresh temp name beside `path` (same folder, so the rename never crosses file systems). */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `${TEMP_MARK}${basename(path)}-${process.pid}-${Date.now().toString(36)}-${counter++}`);
}

/** Whether a folder entry is a writer's temp file or folder. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_MARK);
}

/**
 * fsyncs a folder so that a rename inside it is durable. Platforms that cannot open a folder for
 * fsync (Windows: EPERM/EISDIR) are skipped: there a rename is as durable as it gets.
 */
export function fsyncDir(dir: string, fs: AtomicFs = NODE_FS): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'EPERM' || code === 'EACCES') return;
    throw e;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes all of `bytes` to `fd`, looping over short writes; throws when a write makes no progress. */
function writeAll(fs: AtomicFs, fd: number, bytes: Uint8Array, path: string): void {
  let offset = 0;
  let stalls = 0;
  while (offset < bytes.length) {
    const n = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (!Number.isInteger(n) || n < 0 || n > bytes.length - offset) throw new Error(`writeFileAtomic: ${path}: the file system reported ${n} bytes written`);
    if (n === 0) {
      if (++stalls >= 3) throw Object.assign(new Error(`writeFileAtomic: ${path}: short write: ${offset} of ${bytes.length} bytes written, then no progress`), { code: 'EIO' });
      continue;
    }
    stalls = 0;
    offset += n;
  }
}

/** The bytes of `data` (strings as UTF-8). */
function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Writes a file atomically: temp file beside it, every byte written (short writes looped, a write
 * without progress is an error), size checked, fsync, rename over `path`, fsync of the folder.
 * On any failure the temp file is removed and `path` is untouched.
 * @throws the file system's error (ENOSPC, EIO, ...) with the path in its message
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? NODE_FS;
  const bytes = toBytes(data);
  const tmp = tempPathBeside(path);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', options.mode ?? 0o644);
    writeAll(fs, fd, bytes, path);
    const size = fs.fstatSync(fd).size;
    if (size !== bytes.length) throw Object.assign(new Error(`writeFileAtomic: ${path}: ${size} bytes on disk after writing ${bytes.length}`), { code: 'EIO' });
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // a temp file that cannot be removed is skipped by every reader (TEMP_MARK)
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.message === 'string' && !err.message.includes(path)) err.message = `writeFileAtomic: ${path}: ${err.message}`;
    throw err;
  }
  fsyncDir(dirname(path), fs);
}

/** Writes JSON atomically (pretty-printed, trailing newline). */
export function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** A folder being written: fill `dir`, then {@link FolderWrite.commit} renames it into place as a whole. */
export interface FolderWrite {
  /** The temp folder to write into (beside the target). */
  readonly dir: string;
  /** The final folder. */
  readonly target: string;
  /**
   * Renames the temp folder onto `target` in one step. `target` must not exist, or be an empty
   * folder; with `replace: true` an existing target is first renamed aside and removed after the
   * new folder is in place (the caller has checked it holds only files it may replace).
   */
  commit(options?: { replace?: boolean }): void;
  /** Removes the temp folder (after a failure or a cancel); a no-op after commit. */
  abort(): void;
}

/**
 * Starts writing a folder as a whole: makes a fresh temp folder beside `target` (same parent,
 * same file system). Files written into it should go through {@link writeFileAtomic} (each is
 * fsynced); commit fsyncs the temp folder, renames it onto `target` and fsyncs the parent.
 */
export function beginFolder(target: string, options: AtomicWriteOptions = {}): FolderWrite {
  const fs = options.fs ?? NODE_FS;
  const parent = dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const dir = tempPathBeside(target);
  fs.mkdirSync(dir);
  let state: 'open' | 'committed' | 'aborted' = 'open';
  return {
    dir,
    target,
    commit({ replace = false } = {}) {
      if (state !== 'open') throw new Error(`beginFolder: ${target}: the folder was already ${state}`);
      fsyncDir(dir, fs);
      let aside: string | null = null;
      try {
        fs.renameSync(dir, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EISDIR') throw e;
        // An existing target: an empty folder is replaced; anything else only when asked.
        let entries: string[];
        try {
          entries = fs.readdirSync(target);
        } catch {
          throw e;
        }
        if (entries.length === 0) fs.rmdirSync(target);
        else if (replace) {
          aside = tempPathBeside(`${target}.replaced`);
          fs.renameSync(target, aside);
        } else throw Object.assign(new Error(`beginFolder: ${target} exists and is not empty; nothing was replaced`), { code: 'EEXIST' });
        try {
          fs.renameSync(dir, target);
        } catch (again) {
          // Put the old folder back: the target is never left missing.
          if (aside) fs.renameSync(aside, target);
          throw again;
        }
      }
      state = 'committed';
      fsyncDir(parent, fs);
      if (aside) fs.rmSync(aside, { recursive: true, force: true });
    },
    abort() {
      if (state !== 'open') return;
      state = 'aborted';
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
