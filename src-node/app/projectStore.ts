import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { FileKind, RecentEntry } from '../../shared/api/contract';
import { writeFileAtomic, writeJsonAtomic } from '../sweep/sweepFolder';

/** Names inside a project folder. */
export const PROJECT_LAYOUT = { file: 'project.json', runs: 'runs', sweeps: 'sweeps', uploads: 'uploads' } as const;

/** Most entries of the recent list. */
export const MAX_RECENT = 20;

/** `project.json`: the recent list and the files open when the project was last used. */
export interface ProjectFile {
  format: 'patchlens.project';
  version: 1;
  recent: RecentEntry[];
  current: { image: string | null; label: string | null; model: string | null };
}

/** Prefix of a run's folder while it is being written (renamed to the run id when it finished). */
export const PARTIAL_PREFIX = '.partial-';

/**
 * The project folder: `project.json` (recent list, current files), `runs/<id>/`, `sweeps/<id>/`,
 * `uploads/<stamp>/<name>`. Every write is atomic (temp file + rename).
 */
export class ProjectStore {
  readonly dir: string;
  private file: ProjectFile;
  private uploadCounter = 0;

  constructor(dir: string) {
    this.dir = resolve(dir);
    for (const sub of [PROJECT_LAYOUT.runs, PROJECT_LAYOUT.sweeps, PROJECT_LAYOUT.uploads]) mkdirSync(join(this.dir, sub), { recursive: true });
    this.file = readProjectFile(join(this.dir, PROJECT_LAYOUT.file));
    // Runs that never finished (the app was closed mid-run): their folders are ours and incomplete.
    for (const name of readdirSync(this.runsDir)) if (name.startsWith(PARTIAL_PREFIX)) rmSync(join(this.runsDir, name), { recursive: true, force: true });
  }

  get name(): string {
    return basename(this.dir);
  }
  get runsDir(): string {
    return join(this.dir, PROJECT_LAYOUT.runs);
  }
  get sweepsDir(): string {
    return join(this.dir, PROJECT_LAYOUT.sweeps);
  }
  get recent(): RecentEntry[] {
    return this.file.recent.map((r) => ({ ...r }));
  }
  get current(): ProjectFile['current'] {
    return { ...this.file.current };
  }

  /** Whether `path` is in the recent list as a `kind`. */
  isRecent(kind: FileKind, path: string): boolean {
    return this.file.recent.some((r) => r.kind === kind && r.path === path);
  }

  /** Puts a file at the top of the recent list (max {@link MAX_RECENT}) and saves. */
  addRecent(kind: FileKind, path: string, name = basename(path)): void {
    const rest = this.file.recent.filter((r) => !(r.kind === kind && r.path === path));
    this.file.recent = [{ kind, path, name, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT);
    this.save();
  }

  /** Records the open files (restored when the project is opened again) and saves. */
  setCurrent(current: Partial<ProjectFile['current']>): void {
    this.file.current = { ...this.file.current, ...current };
    this.save();
  }

  save(): void {
    writeJsonAtomic(join(this.dir, PROJECT_LAYOUT.file), this.file);
  }

  /** Sub-folders of runs/ or sweeps/ whose names are ids (`r3`, `s1`). */
  ids(kind: 'runs' | 'sweeps'): string[] {
    const re = kind === 'runs' ? /^r\d+$/ : /^s\d+$/;
    const dir = kind === 'runs' ? this.runsDir : this.sweepsDir;
    return readdirSync(dir).filter((n) => re.test(n) && statSync(join(dir, n)).isDirectory());
  }

  /** The next free id (`r<n>` / `s<n>`), never reusing one on disk, partial or not. */
  nextId(kind: 'runs' | 'sweeps', taken: Iterable<string> = []): string {
    const prefix = kind === 'runs' ? 'r' : 's';
    const dir = kind === 'runs' ? this.runsDir : this.sweepsDir;
    let max = 0;
    for (const n of [...readdirSync(dir), ...taken]) {
      const m = new RegExp(`^(?:${PARTIAL_PREFIX.replace('.', '\\.')})?${prefix}(\\d+)$`).exec(n);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return `${prefix}${max + 1}`;
  }

  /** Writes uploaded files into a fresh `uploads/<stamp>/` folder; answers the folder. */
  writeUpload(files: { name: string; bytes: Uint8Array }[]): string {
    const stamp = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${this.uploadCounter++}`;
    const folder = join(this.dir, PROJECT_LAYOUT.uploads, stamp);
    mkdirSync(folder, { recursive: true });
    for (const f of files) {
      if (!/^[^/\\\0]+$/.test(f.name) || f.name === '.' || f.name === '..') throw new Error(`writeUpload: bad file name ${JSON.stringify(f.name)}`);
      writeFileAtomic(join(folder, f.name), f.bytes);
    }
    return folder;
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

function readProjectFile(path: string): ProjectFile {
  const empty: ProjectFile = { format: 'patchlens.project', version: 1, recent: [], current: { image: null, label: null, model: null } };
  if (!existsSync(path)) return empty;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProjectFile>;
    const kinds = ['image', 'label', 'model'];
    const recent = Array.isArray(v.recent)
      ? v.recent
          .filter((r) => r && kinds.includes(r.kind) && typeof r.path === 'string' && typeof r.name === 'string' && typeof r.openedAt === 'string')
          .slice(0, MAX_RECENT)
      : [];
    const c = (v.current ?? {}) as Partial<ProjectFile['current']>;
    const str = (x: unknown) => (typeof x === 'string' ? x : null);
    return { ...empty, recent, current: { image: str(c.image), label: str(c.label), model: str(c.model) } };
  } catch {
    // A damaged project.json must not lock the user out: start afresh (it is rewritten on the next change).
    return empty;
  }
}
