/**
 * `project.json`: reading it strictly (a damaged file or one of an unknown format is told apart
 * from a good one, never read as an empty project), moving a bad one aside without overwriting
 * anything, and rebuilding the project from its run folders.
 */
import { copyFileSync, constants, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FileKind, RecentEntry } from '../../shared/api/contract';
import { fsyncDir } from '../fs/atomicWrite';
import { RUN_FILES } from '../compute/runFiles';

/** Most entries of the recent list. */
export const MAX_RECENT = 20;

/** The file beside a run's own files that says which inputs made it (`RunInputs` of runJob.ts). */
export const RUN_INPUTS_FILE = 'app-inputs.json';

/** `project.json`: the recent list and the files open when the project was last used. */
export interface ProjectFile {
  format: 'patchlens.project';
  version: 1;
  recent: RecentEntry[];
  current: { image: string | null; label: string | null; model: string | null };
}

/** A project with nothing in it. */
export function emptyProject(): ProjectFile {
  return { format: 'patchlens.project', version: 1, recent: [], current: { image: null, label: null, model: null } };
}

/** What {@link readProjectFile} found. */
export type ProjectFileRead =
  | { state: 'missing' }
  /** A good file; `dropped` names the entries that were unreadable and left out (e.g. `recent[3]`). */
  | { state: 'ok'; file: ProjectFile; dropped: string[] }
  /** Unreadable or not JSON (`problem`: the reader's or parser's message). */
  | { state: 'damaged'; problem: string }
  /** JSON, but not a project file this version reads (`problem` says what it is). */
  | { state: 'foreign'; problem: string };

const KINDS: readonly FileKind[] = ['image', 'label', 'model'];

/** Reads `project.json` strictly: see {@link ProjectFileRead}. */
export function readProjectFile(path: string): ProjectFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { state: 'missing' };
    return { state: 'damaged', problem: `${err.code ?? 'error'}: ${err.message}` };
  }
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { state: 'damaged', problem: (e as Error).message };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { state: 'foreign', problem: `it holds ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}, not a project object` };
  const o = v as Record<string, unknown>;
  if (o.format !== 'patchlens.project' || o.version !== 1) {
    return { state: 'foreign', problem: `format ${JSON.stringify(o.format)}, version ${JSON.stringify(o.version)}; this PatchLens reads format "patchlens.project" version 1` };
  }
  const dropped: string[] = [];
  const recent: RecentEntry[] = [];
  if (Array.isArray(o.recent)) {
    o.recent.forEach((r: Partial<RecentEntry> | null, i) => {
      const good = r && typeof r === 'object' && KINDS.includes(r.kind as FileKind) && typeof r.path === 'string' && typeof r.name === 'string' && typeof r.openedAt === 'string';
      if (good) recent.push({ kind: r.kind!, path: r.path!, name: r.name!, openedAt: r.openedAt! });
      else dropped.push(`recent[${i}]`);
    });
  } else if (o.recent !== undefined) dropped.push('recent');
  const file = emptyProject();
  file.recent = recent.slice(0, MAX_RECENT);
  const c = o.current;
  if (c !== undefined && c !== null && (typeof c !== 'object' || Array.isArray(c))) dropped.push('current');
  else if (c) {
    for (const k of KINDS) {
      const x = (c as Record<string, unknown>)[k];
      if (typeof x === 'string') file.current[k] = x;
      else if (x !== undefined && x !== null) dropped.push(`current.${k}`);
    }
  }
  return { state: 'ok', file, dropped };
}

/** `project.json.corrupt-2026-12-06T21-37-50Z` for `now` (file-name safe on every platform). */
export function corruptName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}

/**
 * Moves (or, with `copy`, copies) `path` aside to {@link corruptName}, never over an existing file
 * (a `-2`, `-3`, … suffix when the name is taken). The caller holds the project lock, so nobody
 * else writes the folder meanwhile.
 * @returns the new file's name (in the same folder)
 */
export function setAside(path: string, now: Date, { copy = false } = {}): string {
  const base = corruptName(basename(path), now);
  let name = base;
  for (let n = 2; existsSync(join(dirname(path), name)); n++) name = `${base}-${n}`;
  const target = join(dirname(path), name);
  if (copy) copyFileSync(path, target, constants.COPYFILE_EXCL);
  else renameSync(path, target);
  fsyncDir(dirname(path));
  return name;
}

/** A finished run's inputs and date, as the rebuild reads them. */
interface RunSeen {
  createdAt: string;
  imagePath: string;
  labelPath: string | null;
  modelPath: string;
}

function readRunSeen(runDir: string): RunSeen | null {
  try {
    const record = JSON.parse(readFileSync(join(runDir, RUN_FILES.record), 'utf8')) as { createdAt?: unknown };
    const inputs = JSON.parse(readFileSync(join(runDir, RUN_INPUTS_FILE), 'utf8')) as { imagePath?: unknown; labelPath?: unknown; model?: { path?: unknown } };
    if (typeof record.createdAt !== 'string' || !Number.isFinite(Date.parse(record.createdAt))) return null;
    if (typeof inputs.imagePath !== 'string' || typeof inputs.model?.path !== 'string') return null;
    if (inputs.labelPath !== null && inputs.labelPath !== undefined && typeof inputs.labelPath !== 'string') return null;
    return { createdAt: record.createdAt, imagePath: inputs.imagePath, labelPath: (inputs.labelPath as string | null | undefined) ?? null, modelPath: inputs.model.path };
  } catch {
    return null;
  }
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The project as its finished runs (`runs/<id>/run.json` + `app-inputs.json`) tell it: the recent
 * list from the runs' inputs, newest run first (at most {@link MAX_RECENT}, each entry dated by its
 * run), and `current` the inputs of the newest run whose files all still exist (else empty).
 * @returns the project and how many runs it was rebuilt from
 */
export function rebuildFromRuns(runsDir: string, ids: string[]): { file: ProjectFile; runs: number } {
  const seen = ids.map((id) => readRunSeen(join(runsDir, id))).filter((r): r is RunSeen => r !== null);
  seen.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const file = emptyProject();
  const add = (kind: FileKind, path: string, openedAt: string) => {
    if (!file.recent.some((r) => r.kind === kind && r.path === path)) file.recent.push({ kind, path, name: basename(path), openedAt });
  };
  for (const r of seen) {
    add('image', r.imagePath, r.createdAt);
    if (r.labelPath) add('label', r.labelPath, r.createdAt);
    add('model', r.modelPath, r.createdAt);
  }
  file.recent = file.recent.slice(0, MAX_RECENT);
  const usable = seen.find((r) => isFile(r.imagePath) && isDir(r.modelPath) && (r.labelPath === null || isFile(r.labelPath)));
  if (usable) file.current = { image: usable.imagePath, label: usable.labelPath, model: usable.modelPath };
  return { file, runs: seen.length };
}
