import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { FileKind, RecentEntry } from '../../shared/api/contract';
import { tempPathBeside, writeJsonAtomic } from '../fs/atomicWrite';
import { appPackage } from './appPackage';
import { cleanProjectFolder, referencedPaths } from './projectCleanup';
import { emptyProject, MAX_RECENT, readProjectFile, rebuildFromRuns, setAside, type ProjectFile } from './projectFile';
import { listNames, maxIdNumber, releaseIdIn, reserveIdIn } from './projectIds';
import { acquireProjectLock, type ProjectLock, type ProjectLockInfo } from './projectLock';
import { describeOwner } from './projectOwner';
import { DEFAULT_UPLOAD_MAX_BYTES, keepUploadIn, removeUploadIn, writeUploadIn, type UploadFile } from './projectUploads';

export { MAX_RECENT, RUN_INPUTS_FILE, type ProjectFile } from './projectFile';
export { PARTIAL_PREFIX, RESERVED_PREFIX } from './projectIds';
export type { ProjectLockInfo } from './projectLock';

/** Names inside a project folder. */
export const PROJECT_LAYOUT = { file: 'project.json', lock: 'project.lock', runs: 'runs', sweeps: 'sweeps', uploads: 'uploads' } as const;

/** Options of a {@link ProjectStore}. */
export interface ProjectStoreOptions {
  /** The version written into the lock (default this package's). */
  version?: string;
  /** The clock (lock dates, names of damaged files set aside). */
  now?: () => Date;
  /** Default most bytes of one upload (default {@link DEFAULT_UPLOAD_MAX_BYTES}). */
  uploadMaxBytes?: number;
}

/** Thrown by every change to a project that this store does not own (open in another PatchLens, or closed). */
export class ProjectReadOnlyError extends Error {
  override name = 'ProjectReadOnlyError';
  /** The contract's error code (toErrorPayload passes it through). */
  readonly code = 'precondition';
}

/**
 * The project folder: `project.json` (recent list, current files), `project.lock`, `runs/<id>/`,
 * `sweeps/<id>/`, `uploads/<folder>/`. Opening it takes the lock; when another live PatchLens holds
 * it the store is read-only ({@link readOnly}, {@link lockedBy}) and every change throws
 * {@link ProjectReadOnlyError}. The owner moves a damaged `project.json` aside and rebuilds it from
 * the runs, and removes what gone processes left half-written (projectCleanup.ts). Every write is
 * atomic (src-node/fs/atomicWrite.ts). Call {@link close} when done: it releases the lock.
 */
export class ProjectStore {
  /** The project folder (absolute). */
  readonly dir: string;
  /** What the user should be told about opening this project (damaged project.json, a lock taken over, read-only), oldest first. */
  readonly notices: string[] = [];
  /** Entries the start-up clean-up removed (relative to {@link dir}). */
  readonly cleanedUp: string[] = [];
  private file: ProjectFile = emptyProject();
  private lock: ProjectLock | null = null;
  private holder: ProjectLockInfo | null = null;
  private readOnlyWhy: string | null = null;
  private closed = false;
  private readonly reservations = new Map<string, string>();
  private readonly now: () => Date;
  private readonly uploadMaxBytes: number;

  /** Opens (creating when needed) the project folder `dir`. */
  constructor(dir: string, options: ProjectStoreOptions = {}) {
    this.dir = resolve(dir);
    this.now = options.now ?? (() => new Date());
    this.uploadMaxBytes = options.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES;
    mkdirSync(this.dir, { recursive: true });
    this.takeLock(options.version ?? appPackage().version);
    if (!this.readOnly) for (const sub of [PROJECT_LAYOUT.runs, PROJECT_LAYOUT.sweeps, PROJECT_LAYOUT.uploads]) mkdirSync(join(this.dir, sub), { recursive: true });
    this.loadProjectFile();
    if (!this.readOnly) {
      const referenced = referencedPaths(this.file, this.runsDir, this.ids('runs'));
      this.cleanedUp.push(...cleanProjectFolder({ dir: this.dir, runs: this.runsDir, sweeps: this.sweepsDir, uploads: this.uploadsDir }, referenced, this.now().getTime()));
    }
  }

  private takeLock(version: string): void {
    let outcome: ReturnType<typeof acquireProjectLock>;
    try {
      outcome = acquireProjectLock(this.dir, { version, now: this.now });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw e;
      this.readOnlyWhy = `the project folder ${this.dir} cannot be written (${code})`;
      this.notices.push(`${this.readOnlyWhy}: this window is read-only`);
      return;
    }
    if (outcome.held) {
      this.lock = outcome.lock;
      if (outcome.tookOver) {
        const whose = outcome.tookOver.from ? ` of ${describeOwner(outcome.tookOver.from)}` : '';
        this.notices.push(`the project folder's lock${whose} was stale (${outcome.tookOver.why}) and was taken over`);
      }
      return;
    }
    this.holder = outcome.holder;
    this.readOnlyWhy = outcome.holder
      ? `the project folder ${this.dir} is open in another PatchLens (${describeOwner(outcome.holder)})`
      : `the project folder ${this.dir} is locked (${outcome.why})`;
    this.notices.push(`${this.readOnlyWhy}: this window is read-only`);
  }

  /** Reads project.json; a damaged or foreign one is set aside (owner only) and the project rebuilt from its runs. */
  private loadProjectFile(): void {
    const path = join(this.dir, PROJECT_LAYOUT.file);
    const read = readProjectFile(path);
    if (read.state === 'missing') return;
    if (read.state === 'ok') {
      this.file = read.file;
      if (read.dropped.length > 0 && !this.readOnly) {
        const copy = setAside(path, this.now(), { copy: true });
        this.notices.push(`project.json had unreadable entries (${read.dropped.join(', ')}), which were left out; a copy of the file was kept as ${copy}`);
        this.save();
      }
      return;
    }
    const what = read.state === 'damaged' ? `project.json was damaged (${read.problem})` : `project.json is not a project file this PatchLens reads (${read.problem})`;
    const rebuilt = rebuildFromRuns(this.runsDir, this.ids('runs'));
    this.file = rebuilt.file;
    const from = rebuilt.runs === 0 ? 'started afresh (there are no runs to rebuild it from)' : `rebuilt from its ${rebuilt.runs} run${rebuilt.runs === 1 ? '' : 's'}`;
    if (this.readOnly) {
      this.notices.push(`${what}; it was left as it is (this window is read-only) and the project was ${from}`);
      return;
    }
    const aside = setAside(path, this.now());
    this.save();
    this.notices.push(`${what}; it was moved to ${aside} and the project was ${from}`);
  }

  /** True when another PatchLens holds the project folder (or it cannot be written, or this store was closed): every change throws. */
  get readOnly(): boolean {
    return this.readOnlyWhy !== null;
  }
  /** The lock of the PatchLens that holds the folder when this store is read-only because of it; else null. */
  get lockedBy(): ProjectLockInfo | null {
    return this.holder ? { ...this.holder } : null;
  }
  /**
   * Why this store is read-only, in words naming the lock's holder ("the project folder X is open in
   * another PatchLens (pid 123 on host h, since …)"), for the read-only banner; null while writable.
   */
  get lockedByText(): string | null {
    return this.readOnlyWhy;
  }
  /** The folder's name. */
  get name(): string {
    return basename(this.dir);
  }
  /** `runs/`. */
  get runsDir(): string {
    return join(this.dir, PROJECT_LAYOUT.runs);
  }
  /** `sweeps/`. */
  get sweepsDir(): string {
    return join(this.dir, PROJECT_LAYOUT.sweeps);
  }
  /** `uploads/`. */
  get uploadsDir(): string {
    return join(this.dir, PROJECT_LAYOUT.uploads);
  }
  /** The recent list, newest first (a copy). */
  get recent(): RecentEntry[] {
    return this.file.recent.map((r) => ({ ...r }));
  }
  /** The files open when the project was last used (a copy). */
  get current(): ProjectFile['current'] {
    return { ...this.file.current };
  }

  /** Throws unless this store may change the project (it holds the lock, and the lock is still its own). */
  private writable(fn: string): void {
    if (this.closed) throw new ProjectReadOnlyError(`ProjectStore.${fn}: the project store of ${this.dir} is closed`);
    if (this.readOnlyWhy !== null) throw new ProjectReadOnlyError(`ProjectStore.${fn}: ${this.readOnlyWhy}: this window is read-only`);
    if (this.lock && !this.lock.isOurs()) {
      // Removed by hand or taken over: someone else may be writing the folder now.
      this.readOnlyWhy = `the lock ${this.lock.path} is no longer this window's (it was removed or taken over)`;
      this.notices.push(`${this.readOnlyWhy}: this window is now read-only`);
      throw new ProjectReadOnlyError(`ProjectStore.${fn}: ${this.readOnlyWhy}: this window is now read-only`);
    }
  }

  /** Whether `path` is in the recent list as a `kind`. */
  isRecent(kind: FileKind, path: string): boolean {
    return this.file.recent.some((r) => r.kind === kind && r.path === path);
  }

  /** Puts a file at the top of the recent list (max {@link MAX_RECENT}) and saves. */
  addRecent(kind: FileKind, path: string, name = basename(path)): void {
    this.writable('addRecent');
    const rest = this.file.recent.filter((r) => !(r.kind === kind && r.path === path));
    this.file.recent = [{ kind, path, name, openedAt: this.now().toISOString() }, ...rest].slice(0, MAX_RECENT);
    this.save();
  }

  /** Records the open files (restored when the project is opened again) and saves. */
  setCurrent(current: Partial<ProjectFile['current']>): void {
    this.writable('setCurrent');
    this.file.current = { ...this.file.current, ...current };
    this.save();
  }

  /** Writes project.json (atomically). */
  save(): void {
    this.writable('save');
    writeJsonAtomic(join(this.dir, PROJECT_LAYOUT.file), this.file);
  }

  /** Sub-folders of runs/ or sweeps/ whose names are ids (`r3`, `s1`); temp folders and reservations are not. */
  ids(kind: 'runs' | 'sweeps'): string[] {
    const re = kind === 'runs' ? /^r\d+$/ : /^s\d+$/;
    const dir = kind === 'runs' ? this.runsDir : this.sweepsDir;
    return listNames(dir).filter((n) => {
      if (!re.test(n)) return false;
      try {
        return statSync(join(dir, n)).isDirectory();
      } catch {
        return false;
      }
    });
  }

  /**
   * An id above every one on disk (finished, reserved, being written) and in `taken`.
   * @deprecated not exclusive between processes: use {@link reserveId}.
   */
  nextId(kind: 'runs' | 'sweeps', taken: Iterable<string> = []): string {
    const prefix = kind === 'runs' ? 'r' : 's';
    return `${prefix}${maxIdNumber(kind === 'runs' ? this.runsDir : this.sweepsDir, prefix, taken) + 1}`;
  }

  /**
   * Reserves a fresh run or sweep id, exclusively between processes (`.reserved-<id>` in its
   * folder). Write the run into `beginFolder(join(runsDir, id))`, commit (or abort), then
   * {@link releaseId}. A reservation left by a process that is gone is removed by the next owner.
   */
  reserveId(kind: 'runs' | 'sweeps'): string {
    this.writable('reserveId');
    const { id, token } = reserveIdIn(kind === 'runs' ? this.runsDir : this.sweepsDir, kind === 'runs' ? 'r' : 's');
    this.reservations.set(`${kind}/${id}`, token);
    return id;
  }

  /** Ends a reservation of this store (after the folder was committed or abandoned). @returns whether there was one */
  releaseId(kind: 'runs' | 'sweeps', id: string): boolean {
    const token = this.reservations.get(`${kind}/${id}`);
    if (token === undefined) return false;
    this.reservations.delete(`${kind}/${id}`);
    return releaseIdIn(kind === 'runs' ? this.runsDir : this.sweepsDir, id, token);
  }

  /**
   * Writes uploaded files into a fresh `uploads/<folder>/`, as a whole; refuses (before writing
   * anything) a total over `maxBytes`; leaves nothing behind when it fails. The upload is pending
   * until {@link keepUpload}; remove it with {@link removeUpload} when opening it failed.
   * @returns the folder
   */
  writeUpload(files: UploadFile[], options: { maxBytes?: number } = {}): string {
    this.writable('writeUpload');
    return writeUploadIn(this.uploadsDir, files, options.maxBytes ?? this.uploadMaxBytes);
  }

  /** Marks an upload as used (opened), so the start-up clean-up never removes it. */
  keepUpload(folder: string): void {
    this.writable('keepUpload');
    keepUploadIn(this.uploadsDir, folder);
  }

  /** Deletes an upload folder (only a folder directly inside uploads/). */
  removeUpload(folder: string): void {
    this.writable('removeUpload');
    removeUploadIn(this.uploadsDir, folder);
  }

  /**
   * Deletes a finished run or sweep folder (`runs/<id>`, `sweeps/<id>`; a real folder, never a
   * link). It is first renamed to a temp name carrying this pid, so a crash mid-delete leaves
   * nothing that looks like a run (the next owner removes the rest). Idempotent.
   * @throws for an id that is not a run/sweep id
   */
  removeOwnFolder(kind: 'runs' | 'sweeps', id: string): void {
    this.writable('removeOwnFolder');
    const re = kind === 'runs' ? /^r\d+$/ : /^s\d+$/;
    if (typeof id !== 'string' || !re.test(id)) throw new Error(`ProjectStore.removeOwnFolder: ${JSON.stringify(id)} is not a ${kind === 'runs' ? 'run' : 'sweep'} id`);
    const target = join(kind === 'runs' ? this.runsDir : this.sweepsDir, id);
    try {
      if (!lstatSync(target).isDirectory()) throw new Error(`ProjectStore.removeOwnFolder: ${target} is not a folder; it was left as it is`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const doomed = tempPathBeside(target);
    renameSync(target, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }

  /** Releases this store's id reservations and its lock (only if still its own). Idempotent; the store is read-only afterwards. */
  close(): void {
    if (this.closed) return;
    for (const key of [...this.reservations.keys()]) {
      const [kind, id] = key.split('/') as ['runs' | 'sweeps', string];
      this.releaseId(kind, id);
    }
    this.closed = true;
    this.readOnlyWhy ??= `the project store of ${this.dir} was closed`;
    this.lock?.release();
    this.lock = null;
  }

  /**
   * A path relative to the project folder (`/`-separated, URL-encoded segments allowed) as an
   * absolute file strictly inside it; null for `..`, `.`, empty segments, absolute paths, a
   * symbolic link leading out, or no such file.
   */
  resolveRelative(rel: string): string | null {
    if (typeof rel !== 'string' || rel === '' || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0') || isAbsolute(rel)) return null;
    let segments: string[];
    try {
      segments = rel.split('/').map((s) => decodeURIComponent(s));
    } catch {
      return null;
    }
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0'))) return null;
    const target = join(this.dir, ...segments);
    try {
      const real = realpathSync(target);
      const root = realpathSync(this.dir);
      if (!real.startsWith(root + sep)) return null;
      return statSync(real).isFile() ? real : null;
    } catch {
      return null;
    }
  }
}
