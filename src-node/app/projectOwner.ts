/**
 * Who owns an entry of a project folder (its lock, an id reservation, a temp file): the owner's
 * pid, host and start, whether that owner is gone, and creating a small file exclusively (it
 * appears whole or not at all, and never replaces someone else's).
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fsyncDir, tempPathBeside, writeFileAtomic } from '../fs/atomicWrite';

/** What an owned entry records about its owner. */
export interface OwnerInfo {
  /** Process id of the owner. */
  pid: number;
  /** `os.hostname()` of the owner's machine. */
  host: string;
  /** ISO date the entry was made (after the owner process started). */
  startedAt: string;
  /** Random id of this one entry (tells "still ours" from "someone else's with our pid"). */
  token: string;
}

/** This machine's name as written into owned entries. */
export function hostName(): string {
  return hostname();
}

/** A fresh {@link OwnerInfo} for this process. */
export function ownInfo(now: Date = new Date()): OwnerInfo {
  return { pid: process.pid, host: hostName(), startedAt: now.toISOString(), token: randomBytes(8).toString('hex') };
}

/** Tokens of the entries this process holds now (a lock or reservation with our pid but another token is a dead process's). */
const liveTokens = new Set<string>();

/** Records that this process holds the entry with `token` (until {@link forgetToken}). */
export function holdToken(token: string): void {
  liveTokens.add(token);
}

/** This process no longer holds the entry with `token`. */
export function forgetToken(token: string): void {
  liveTokens.delete(token);
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

// Clock ticks per second of /proc/<pid>/stat's starttime (USER_HZ: 100 on every Linux port Node supports).
const USER_HZ = 100;
let procClock: { bootMs: number } | null | undefined;

/** The boot time (/proc/stat btime), checked once against this process's own start; null when /proc cannot be trusted. */
function procBoot(): { bootMs: number } | null {
  if (procClock !== undefined) return procClock;
  procClock = null;
  if (process.platform !== 'linux') return null;
  try {
    const btime = /^btime\s+(\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (!btime) return null;
    const bootMs = Number(btime[1]) * 1000;
    const ownTicks = startTicks(process.pid);
    const ownStart = Date.now() - process.uptime() * 1000;
    // A different USER_HZ or a clock that jumped since boot would misjudge live processes: then skip the check.
    if (ownTicks !== null && Math.abs(bootMs + (ownTicks * 1000) / USER_HZ - ownStart) < 5000) procClock = { bootMs };
  } catch {
    // no /proc: no start-time check
  }
  return procClock;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks after boot); null when unreadable. */
function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[22 - 3]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** When the process `pid` started (ms since the epoch), on Linux; null elsewhere or when unknown. */
export function processStartMs(pid: number): number | null {
  const boot = procBoot();
  if (!boot) return null;
  const ticks = startTicks(pid);
  return ticks === null ? null : boot.bootMs + (ticks * 1000) / USER_HZ;
}

// /proc's start time is good to a few hundred ms (btime is whole seconds): a pid reused within this is not noticed.
const START_SLACK_MS = 2000;

/**
 * Why the owner of an entry made at `sinceMs` by `pid` on `host` is gone, or null when it may
 * still be running: another host cannot be checked (null), a pid that is not running is gone, and
 * so is one whose process started after the entry was made (the pid was reused). `token` (when the
 * entry has one) tells this process's own live entries from those of an earlier process with our pid.
 */
export function ownerGone(owner: { pid: number; host: string; token?: string }, sinceMs: number): string | null {
  if (owner.host !== hostName()) return null;
  if (owner.pid === process.pid) {
    if (owner.token === undefined || liveTokens.has(owner.token)) return null;
    return `pid ${owner.pid} is this process now, which did not make it`;
  }
  if (!pidAlive(owner.pid)) return `process ${owner.pid} is no longer running`;
  const started = processStartMs(owner.pid);
  if (started !== null && Number.isFinite(sinceMs) && started > sinceMs + START_SLACK_MS) {
    return `pid ${owner.pid} now belongs to a process started at ${new Date(started).toISOString()}, after it was made`;
  }
  return null;
}

/** Parses an {@link OwnerInfo}-shaped JSON file; null when it is not one. */
export function readOwnerFile<T extends OwnerInfo>(path: string): T | null {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const o = v as Partial<OwnerInfo> | null;
  if (!o || typeof o !== 'object' || !Number.isInteger(o.pid) || typeof o.host !== 'string' || typeof o.startedAt !== 'string' || typeof o.token !== 'string') return null;
  return v as T;
}

/** Link errors of file systems without hard links (FAT, some network and FUSE mounts). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Creates `path` holding `content`, only if it does not exist: the content is written to a temp
 * file (fsynced) that is then hard-linked to `path` (link fails with EEXIST when the name is
 * taken), so a reader never sees a half-written file. Where hard links are unsupported it falls
 * back to an exclusive create (`wx`) and a write.
 * @returns false when `path` exists already
 */
export function createExclusive(path: string, content: string): boolean {
  const tmp = tempPathBeside(path);
  writeFileAtomic(tmp, content);
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_LINKS.has(code)) throw e;
    return createWx(path, content);
  } finally {
    rmSync(tmp, { force: true });
  }
  fsyncDir(dirname(path));
  return true;
}

function createWx(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    const bytes = Buffer.from(content, 'utf8');
    let off = 0;
    while (off < bytes.length) {
      const n = writeSync(fd, bytes, off, bytes.length - off);
      if (n <= 0) throw new Error(`createExclusive: ${path}: short write`);
      off += n;
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
  fsyncDir(dirname(path));
  return true;
}

/** "pid 123 on host h, since 2026-12-06T21:37:50.000Z" */
export function describeOwner(o: { pid: number; host: string; startedAt: string }): string {
  return `pid ${o.pid} on host ${o.host}, since ${o.startedAt}`;
}
