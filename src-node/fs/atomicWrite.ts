/**
 * The one writer of every file PatchLens writes: a temp file in the target's folder, a write loop
 * that checks every byte count, a size check, fsync of the file, rename over the target, fsync of
 * the folder. A reader sees the old file or the new one, never a mix, and a crash, a full disk
 * (ENOSPC) or an I/O error (EIO) before the rename leaves the old file as it was.
 *
 * - One file: {@link writeFileAtomic} / {@link writeJsonAtomic}.
 * - A few files that belong together but live beside other files (a report): {@link writeFilesAtomic}
 *   writes every temp file first and renames them only when all are complete.
 * - A folder (a run, `patchlens infer --out`): {@link beginFolder} fills a temp folder beside the
 *   target and renames it into place as a whole.
 *
 * Temp names start with {@link TEMP_MARK} (hidden, never a name a reader looks for). The
 * file-system calls are injectable ({@link AtomicFs}) so that tests can inject faults.
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

/** Suffix of the name a replaced folder gets while its replacement is renamed in (see {@link beginFolder}). */
const ASIDE = '.replaced';

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

/** Consecutive writes without progress after which a write counts as failed. */
const MAX_STALLS = 3;

/** Writes all of `bytes` to `fd`, looping over short writes; throws when a write makes no progress. */
function writeAll(fs: AtomicFs, fd: number, bytes: Uint8Array, path: string): void {
  let offset = 0;
  let stalls = 0;
  while (offset < bytes.length) {
    const n = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (!Number.isInteger(n) || n < 0 || n > bytes.length - offset) throw new Error(`writeFileAtomic: ${path}: the file system reported ${n} bytes written`);
    if (n === 0) {
      if (++stalls >= MAX_STALLS) throw Object.assign(new Error(`writeFileAtomic: ${path}: short write: ${offset} of ${bytes.length} bytes written, then no progress`), { code: 'EIO' });
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

/** Puts `path` into an error's message once (`writeFileAtomic: <path>: …`). */
function named(e: unknown, path: string): Error {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.message === 'string' && !err.message.includes(path)) err.message = `writeFileAtomic: ${path}: ${err.message}`;
  return err;
}

/** Removes a temp file, ignoring errors (a leftover one is skipped by every reader: {@link TEMP_MARK}). */
function removeQuietly(fs: AtomicFs, tmp: string): void {
  try {
    fs.rmSync(tmp, { force: true });
  } catch {
    // already failing: the first error is the one to report
  }
}

/**
 * Writes `bytes` into a fresh temp file beside `path`: every byte (short writes looped), size
 * checked, fsynced, closed. Returns the temp file's path; on failure it is removed and the error
 * names `path`.
 */
function writeTemp(fs: AtomicFs, path: string, bytes: Uint8Array, mode: number): string {
  const tmp = tempPathBeside(path);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    writeAll(fs, fd, bytes, path);
    const size = fs.fstatSync(fd).size;
    if (size !== bytes.length) throw Object.assign(new Error(`writeFileAtomic: ${path}: ${size} bytes on disk after writing ${bytes.length}`), { code: 'EIO' });
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    return tmp;
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    removeQuietly(fs, tmp);
    throw named(e, path);
  }
}

/**
 * Writes a file atomically: temp file beside it, every byte written (short writes looped, a write
 * without progress is an error), size checked, fsync, rename over `path`, fsync of the folder.
 * On any failure the temp file is removed and `path` is untouched. A symbolic link at `path` is
 * replaced by the file (its target is never written).
 * @throws the file system's error (ENOSPC, EIO, ...) with the path in its message
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? NODE_FS;
  const tmp = writeTemp(fs, path, toBytes(data), options.mode ?? 0o644);
  try {
    fs.renameSync(tmp, path);
  } catch (e) {
    removeQuietly(fs, tmp);
    throw named(e, path);
  }
  fsyncDir(dirname(path), fs);
}

/** Writes JSON atomically (pretty-printed, trailing newline). */
export function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** One file of {@link writeFilesAtomic}. */
export interface FileToWrite {
  path: string;
  data: string | Uint8Array;
}

/**
 * Writes several files that belong together (a report's HTML, PDF and JSON): first every file as
 * a complete, fsynced temp file beside its target, then the renames, in the order given, then an
 * fsync of every folder. A failure while writing the temp files (ENOSPC, EIO, a crash) changes
 * none of the targets; renames cannot be made atomic as a group, so a crash between two renames
 * leaves the first targets new and the rest old: each file is always complete.
 * @throws the first error, naming the file (and, during the renames, how many were replaced)
 */
export function writeFilesAtomic(files: readonly FileToWrite[], options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? NODE_FS;
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new RangeError(`writeFilesAtomic: ${f.path} is given twice`);
    seen.add(f.path);
  }
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(writeTemp(fs, f.path, toBytes(f.data), options.mode ?? 0o644));
  } catch (e) {
    for (const t of temps) removeQuietly(fs, t);
    throw e;
  }
  let renamed = 0;
  try {
    for (; renamed < files.length; renamed++) fs.renameSync(temps[renamed], files[renamed].path);
  } catch (e) {
    for (const t of temps.slice(renamed)) removeQuietly(fs, t);
    const err = named(e, files[renamed].path);
    if (renamed > 0) err.message += ` (${renamed} of ${files.length} files were already replaced, each complete: ${files.slice(0, renamed).map((f) => f.path).join(', ')})`;
    throw err;
  }
  for (const dir of new Set(files.map((f) => dirname(f.path)))) fsyncDir(dir, fs);
}

/** Options of {@link FolderWrite.commit}. */
export interface CommitOptions {
  /**
   * Replace an existing, non-empty target: it is renamed aside, the new folder renamed in, then
   * the old one removed (default false: a non-empty target is an error and nothing changes).
   */
  replace?: boolean;
  /**
   * With `replace`: the only entries the old target may hold. When it holds anything else the
   * commit is refused (`EEXIST`, naming the entries) and nothing changes: a file the caller did
   * not expect (one that appeared since it checked) is never removed. The writer's own temp
   * entries ({@link TEMP_MARK}) always count as replaceable.
   */
  replaceable?: readonly string[];
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
   * new folder is in place (see {@link CommitOptions}).
   */
  commit(options?: CommitOptions): void;
  /** Removes the temp folder (after a failure or a cancel); a no-op after commit. */
  abort(): void;
}

/** Whether a process id is running on this machine. */
function alive(pid: number): boolean {
  if (pid === process.pid) return false; // commit is synchronous: an aside of ours is not in flight
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Puts a folder back that a killed commit left aside: a commit that replaces `target` renames it
 * to `<TEMP_MARK><name>.replaced-<pid>-…`, renames the new folder in, then removes the old. A
 * process killed between the two renames leaves no `target`; this renames the old folder back
 * (the newest, when there are several) so that `target` is the old folder again. Asides of a
 * running process (a commit in flight) are left alone.
 * @returns the folder restored from, or null when there was nothing to restore
 */
export function recoverFolder(target: string, options: AtomicWriteOptions = {}): string | null {
  const fs = options.fs ?? NODE_FS;
  const parent = dirname(target);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return null;
  }
  if (names.includes(basename(target))) return null;
  const prefix = `${TEMP_MARK}${basename(target)}${ASIDE}-`;
  const asides = names
    .filter((n) => n.startsWith(prefix))
    .map((n) => {
      const [pid, time, k] = n.slice(prefix.length).split('-');
      return { name: n, pid: Number(pid), time: parseInt(time, 36), k: Number(k) };
    })
    .filter((a) => Number.isInteger(a.pid) && !alive(a.pid))
    .sort((a, b) => b.time - a.time || b.k - a.k);
  if (asides.length === 0) return null;
  const from = join(parent, asides[0].name);
  fs.renameSync(from, target);
  fsyncDir(parent, fs);
  return from;
}

/**
 * Starts writing a folder as a whole: makes a fresh temp folder beside `target` (same parent,
 * same file system). Files written into it should go through {@link writeFileAtomic} (each is
 * fsynced); commit fsyncs the temp folder, renames it onto `target` and fsyncs the parent.
 * A folder an earlier, killed commit left aside is put back first ({@link recoverFolder}).
 */
export function beginFolder(target: string, options: AtomicWriteOptions = {}): FolderWrite {
  const fs = options.fs ?? NODE_FS;
  const parent = dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  recoverFolder(target, options);
  const dir = tempPathBeside(target);
  fs.mkdirSync(dir);
  let state: 'open' | 'committed' | 'aborted' = 'open';
  return {
    dir,
    target,
    commit({ replace = false, replaceable }: CommitOptions = {}) {
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
          const unexpected = replaceable ? entries.filter((n) => !replaceable.includes(n) && !isTempName(n)) : [];
          if (unexpected.length > 0) {
            throw Object.assign(new Error(`beginFolder: ${target} holds ${unexpected.map((n) => JSON.stringify(n)).join(', ')}, which it may not replace; nothing was replaced`), { code: 'EEXIST' });
          }
          aside = tempPathBeside(`${target}${ASIDE}`);
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
