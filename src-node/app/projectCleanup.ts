/**
 * Start-up clean-up of a project folder, run only by the lock's owner: it removes what a process
 * that is gone left half-done, and nothing a live process may still own.
 *
 * - temp files and folders of the atomic writer (`TEMP_MARK` names carry the writer's pid and
 *   time) in the project folder, `runs/`, `sweeps/` and `uploads/`, when that pid is gone
 *   ({@link ownerGone}: not running, or reused since). Temp names carry no host: the lock's owner
 *   is the only PatchLens writing here, and a writer on another host would hold the lock.
 * - the previous writer's `project.json.tmp-<pid>-<n>` when that pid is not running;
 * - id reservations (`.reserved-<id>`) whose owner is gone;
 * - legacy `.partial-<id>` run folders (written by versions before the lock, which record no
 *   owner) once untouched for a day;
 * - uploads still marked pending (never opened) whose owner is gone and that nothing refers to.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RUN_INPUTS_FILE, type ProjectFile } from './projectFile';
import { listNames, parseTempName, PARTIAL_PREFIX, RESERVED_PREFIX, type Reservation } from './projectIds';
import { hostName, ownerGone, readOwnerFile, type OwnerInfo } from './projectOwner';
import { UPLOAD_PENDING } from './projectUploads';

/** How long a legacy `.partial-*` run folder (no owner recorded) must be untouched before it is removed. */
export const LEGACY_PARTIAL_AGE_MS = 24 * 3600 * 1000;

/** The folders of a project that the clean-up looks into. */
export interface CleanupFolders {
  dir: string;
  runs: string;
  sweeps: string;
  uploads: string;
}

/**
 * Every path the project refers to (recent list, current files, and each run's inputs): an
 * upload folder holding one of them is in use.
 */
export function referencedPaths(file: ProjectFile, runsDir: string, runIds: string[]): string[] {
  const paths = file.recent.map((r) => r.path);
  for (const p of Object.values(file.current)) if (p) paths.push(p);
  for (const id of runIds) {
    try {
      const inputs = JSON.parse(readFileSync(join(runsDir, id, RUN_INPUTS_FILE), 'utf8')) as { imagePath?: unknown; labelPath?: unknown; model?: { path?: unknown } };
      for (const p of [inputs.imagePath, inputs.labelPath, inputs.model?.path]) if (typeof p === 'string') paths.push(p);
    } catch {
      // a run without inputs refers to nothing
    }
  }
  return paths;
}

/** Removes what gone processes left (see the module comment). @returns the removed entries, relative to the project folder */
export function cleanProjectFolder(folders: CleanupFolders, referenced: string[], now: number = Date.now()): string[] {
  const removed: string[] = [];
  const remove = (path: string) => {
    if (!existsSync(path)) return;
    rmSync(path, { recursive: true, force: true });
    removed.push(relative(folders.dir, path));
  };
  const here = hostName();
  for (const dir of [folders.dir, folders.runs, folders.sweeps, folders.uploads]) {
    for (const name of listNames(dir)) {
      const temp = parseTempName(name);
      if (temp && ownerGone({ pid: temp.pid, host: here }, temp.sinceMs) !== null) remove(join(dir, name));
    }
  }
  // The writer before atomicWrite.ts left `project.json.tmp-<pid>-<n>` (no time: only a dead pid counts).
  for (const name of listNames(folders.dir)) {
    const legacy = /^project\.json\.tmp-(\d+)-\d+$/.exec(name);
    if (legacy && ownerGone({ pid: Number(legacy[1]), host: here }, Number.NaN) !== null) remove(join(folders.dir, name));
  }
  for (const dir of [folders.runs, folders.sweeps]) {
    for (const name of listNames(dir)) {
      if (!name.startsWith(RESERVED_PREFIX)) continue;
      const owner = readOwnerFile<Reservation>(join(dir, name));
      if (owner && gone(owner)) remove(join(dir, name));
    }
  }
  for (const name of listNames(folders.runs)) {
    if (!name.startsWith(PARTIAL_PREFIX)) continue;
    const path = join(folders.runs, name);
    if (now - mtimeMs(path) > LEGACY_PARTIAL_AGE_MS) remove(path);
  }
  for (const name of listNames(folders.uploads)) {
    if (!name.endsWith(UPLOAD_PENDING) || name.startsWith('.')) continue;
    const marker = join(folders.uploads, name);
    const owner = readOwnerFile<OwnerInfo>(marker);
    if (!owner || !gone(owner)) continue;
    const folder = join(folders.uploads, name.slice(0, -UPLOAD_PENDING.length));
    // Opened after all (the service did not get to mark it): keep it, it is no longer pending.
    if (!referenced.some((p) => p === folder || p.startsWith(folder + sep))) remove(folder);
    rmSync(marker, { force: true });
  }
  return removed;
}

function gone(owner: OwnerInfo): boolean {
  return ownerGone(owner, Date.parse(owner.startedAt)) !== null;
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
