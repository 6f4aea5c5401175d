/**
 * `project.lock`: one PatchLens owns a project folder at a time. The lock file holds
 * `{ app, version, pid, host, startedAt, token }`, is created exclusively and appears whole
 * ({@link createExclusive}), and is removed on release only while it is still ours. A lock whose
 * owner is gone (same host and the pid is not running or was reused, see {@link ownerGone}) is
 * stale and taken over; any other lock (a live process, or another host, which cannot be checked)
 * makes the caller open the project read-only.
 */
import { linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempPathBeside } from '../fs/atomicWrite';
import { createExclusive, describeOwner, forgetToken, holdToken, ownerGone, ownInfo, readOwnerFile, type OwnerInfo } from './projectOwner';

/** The lock's file name inside the project folder. */
export const LOCK_FILE = 'project.lock';

/** What `project.lock` holds. */
export interface ProjectLockInfo extends OwnerInfo {
  app: 'PatchLens';
  /** The holder's PatchLens version. */
  version: string;
}

// A lock file that does not parse and is younger than this may be one being written without hard links.
const UNREADABLE_GRACE_MS = 10_000;

/** A lock this process holds. */
export class ProjectLock {
  private released = false;
  constructor(
    /** The lock file. */
    readonly path: string,
    /** What it holds. */
    readonly info: ProjectLockInfo,
  ) {
    holdToken(info.token);
    heldLocks.add(this);
    ensureExitHook();
  }

  /** Whether the lock file on disk is still this lock (it may have been removed or taken over by hand). */
  isOurs(): boolean {
    return readOwnerFile<ProjectLockInfo>(this.path)?.token === this.info.token;
  }

  /** Removes the lock file if it is still ours (never someone else's); idempotent. @returns whether a file was removed */
  release(): boolean {
    if (this.released) return false;
    this.released = true;
    heldLocks.delete(this);
    forgetToken(this.info.token);
    if (!this.isOurs()) return false;
    rmSync(this.path, { force: true });
    return true;
  }
}

const heldLocks = new Set<ProjectLock>();
let exitHooked = false;

/** Releases this process's locks when it exits normally (a crash leaves a stale lock, detected by the next owner). */
function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const lock of [...heldLocks]) {
      try {
        lock.release();
      } catch {
        // exiting: nothing more to do
      }
    }
  });
}

/** The outcome of {@link acquireProjectLock}. */
export type LockOutcome =
  | { held: true; lock: ProjectLock; tookOver: { from: ProjectLockInfo | null; why: string } | null }
  | { held: false; holder: ProjectLockInfo | null; why: string };

/**
 * Takes `<dir>/project.lock` (the folder must exist). A stale lock is taken over (`tookOver` says
 * whose and why); a lock held by a live process or by another host gives `held: false` with the
 * holder (null when the lock file is unreadable).
 */
export function acquireProjectLock(dir: string, options: { version: string; now?: () => Date }): LockOutcome {
  const path = join(dir, LOCK_FILE);
  const now = options.now ?? (() => new Date());
  let tookOver: { from: ProjectLockInfo | null; why: string } | null = null;
  // A few rounds: another process may release, take or displace the lock between our steps.
  for (let round = 0; round < 5; round++) {
    const info: ProjectLockInfo = { app: 'PatchLens', version: options.version, ...ownInfo(now()) };
    if (createExclusive(path, `${JSON.stringify(info, null, 2)}\n`)) return { held: true, lock: new ProjectLock(path, info), tookOver };
    let raw: string;
    let mtimeMs: number;
    try {
      raw = readFileSync(path, 'utf8');
      mtimeMs = statSync(path).mtimeMs;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
      throw e;
    }
    const holder = parseLock(raw);
    let why: string | null;
    if (holder) why = ownerGone(holder, Date.parse(holder.startedAt));
    else if (Date.now() - mtimeMs > UNREADABLE_GRACE_MS) why = 'the lock file is unreadable';
    else return { held: false, holder: null, why: `${path} is unreadable (it may be being written)` };
    if (why === null) return { held: false, holder, why: `held by ${describeOwner(holder!)}` };
    displaceStale(path, raw);
    tookOver = { from: holder, why };
  }
  throw new Error(`acquireProjectLock: ${path} kept changing; another PatchLens may be opening this folder right now`);
}

function parseLock(raw: string): ProjectLockInfo | null {
  try {
    const v = JSON.parse(raw) as Partial<ProjectLockInfo> | null;
    if (!v || typeof v !== 'object' || !Number.isInteger(v.pid) || typeof v.host !== 'string' || typeof v.startedAt !== 'string') return null;
    return { app: 'PatchLens', version: String(v.version ?? '?'), token: String(v.token ?? ''), pid: v.pid!, host: v.host, startedAt: v.startedAt };
  } catch {
    return null;
  }
}

/**
 * Removes the stale lock whose content was `raw`. It is renamed aside first and checked: if what
 * was moved is not the stale lock (another process replaced it in between) it is put back.
 */
function displaceStale(path: string, raw: string): void {
  const aside = tempPathBeside(path);
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as not the stale one
  }
  if (moved !== raw) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process took the name meanwhile: its lock stands (the one moved aside is lost to its owner).
    }
  }
  rmSync(aside, { force: true });
}
