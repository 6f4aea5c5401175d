// The project lock and id reservations between real processes (issue 11, item 9): a second
// PatchLens on the same project folder opens it read-only, a stale lock (dead pid, reused pid) is
// taken over, a lock from another host is respected, and two processes never get the same run id.
// On the code before the fix there was no lock at all: a second store opened the folder writable,
// removed the first one's unfinished runs and picked the same run id (nextId reads the folder).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acquireProjectLock, LOCK_FILE } from '../../../src-node/app/projectLock';
import { reserveIdIn } from '../../../src-node/app/projectIds';
import { ProjectReadOnlyError, ProjectStore } from '../../../src-node/app/projectStore';

const storeModule = fileURLToPath(new URL('../../../src-node/app/projectStore.ts', import.meta.url));
const idsModule = fileURLToPath(new URL('../../../src-node/app/projectIds.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'patchlens-lock-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts a Node child (TypeScript through tsx) and resolves with the first line it prints. */
function startChild(code: string): Promise<{ child: ChildProcessWithoutNullStreams; first: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'pipe' });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (first) => resolve({ child, first }));
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before printing: ${stderr}`)));
  });
}

const exited = (child: ChildProcessWithoutNullStreams) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** A child that opens a ProjectStore on `dir`, prints what it got, and closes it when its stdin ends. */
function childStore(dir: string) {
  return startChild(`
    const { ProjectStore } = await import(${JSON.stringify(storeModule)});
    const store = new ProjectStore(${JSON.stringify(dir)}, { version: 'child' });
    console.log(JSON.stringify({ pid: process.pid, readOnly: store.readOnly }));
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => { store.close(); process.exit(0); });
  `);
}

/** The pid of a process that has exited (checked: signalling it gives ESRCH). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim());
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  return pid;
}

function writeLock(dir: string, lock: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock));
}

describe('project.lock between processes', () => {
  it('opens a folder held by a live second PatchLens read-only, and writable once that one closed', async () => {
    const dir = join(root, 'live');
    const { child, first } = await childStore(dir);
    const seen = JSON.parse(first) as { pid: number; readOnly: boolean };
    expect(seen.readOnly).toBe(false);
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(lock).toMatchObject({ app: 'PatchLens', version: 'child', pid: child.pid, host: hostname() });
    expect(Number.isFinite(Date.parse(lock.startedAt))).toBe(true);

    const second = new ProjectStore(dir);
    expect(second.readOnly).toBe(true);
    expect(second.lockedBy).toMatchObject({ pid: child.pid, host: hostname(), version: 'child', startedAt: lock.startedAt });
    expect(second.notices).toEqual([`the project folder ${dir} is open in another PatchLens (pid ${child.pid} on host ${hostname()}, since ${lock.startedAt}): this window is read-only`]);
    const mutations: [string, () => unknown][] = [
      ['save', () => second.save()],
      ['addRecent', () => second.addRecent('image', '/x.nii')],
      ['setCurrent', () => second.setCurrent({ image: null })],
      ['reserveId', () => second.reserveId('runs')],
      ['writeUpload', () => second.writeUpload([{ name: 'a.nii', bytes: new Uint8Array(1) }])],
      ['removeUpload', () => second.removeUpload(join(second.uploadsDir, 'x'))],
      ['removeOwnFolder', () => second.removeOwnFolder('runs', 'r1')],
    ];
    for (const [fn, call] of mutations) {
      expect(call, fn).toThrow(ProjectReadOnlyError);
      expect(call, fn).toThrow(`ProjectStore.${fn}: the project folder ${dir} is open in another PatchLens (pid ${child.pid} on host ${hostname()}`);
    }
    expect(readdirSync(join(dir, 'uploads'))).toEqual([]);
    expect(existsSync(join(dir, 'project.json'))).toBe(false);
    // Closing the read-only store leaves the holder's lock alone.
    second.close();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).token).toBe(lock.token);

    child.stdin.end();
    await exited(child);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const third = new ProjectStore(dir);
    expect(third.readOnly).toBe(false);
    expect(third.notices).toEqual([]);
    third.addRecent('image', '/x.nii');
    third.close();
  });

  it('takes over the lock of a PatchLens that was killed, and says so', async () => {
    const dir = join(root, 'killed');
    const { child } = await childStore(dir);
    child.kill('SIGKILL');
    await exited(child);
    const left = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(left.pid).toBe(child.pid);
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(false);
    expect(store.notices).toEqual([`the project folder's lock of pid ${child.pid} on host ${hostname()}, since ${left.startedAt} was stale (process ${child.pid} is no longer running) and was taken over`]);
    const now = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(now).toMatchObject({ pid: process.pid, host: hostname() });
    store.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose pid is not running', () => {
    const dir = join(root, 'dead');
    const pid = deadPid();
    writeLock(dir, { app: 'PatchLens', version: '0.0.1', pid, host: hostname(), startedAt: new Date().toISOString(), token: 'old' });
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(false);
    expect(store.lockedBy).toBeNull();
    expect(store.notices[0]).toMatch(new RegExp(`^the project folder's lock of pid ${pid} .* was stale \\(process ${pid} is no longer running\\) and was taken over$`));
    store.close();
  });

  it('respects a lock from another host (its pid cannot be checked) and reports it read-only', () => {
    const dir = join(root, 'other-host');
    const pid = deadPid();
    writeLock(dir, { app: 'PatchLens', version: '0.0.1', pid, host: `not-${hostname()}`, startedAt: '2026-12-06T21:37:50.000Z', token: 't' });
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(true);
    expect(store.lockedBy).toMatchObject({ pid, host: `not-${hostname()}` });
    expect(store.lockedByText).toBe(`the project folder ${dir} is open in another PatchLens (pid ${pid} on host not-${hostname()}, since 2026-12-06T21:37:50.000Z)`);
    store.close();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).host).toBe(`not-${hostname()}`);
  });

  it.runIf(process.platform === 'linux')('takes over a lock whose pid now belongs to a process started after the lock (pid reuse)', async () => {
    const dir = join(root, 'reused');
    const { child } = await startChild('console.log("up"); setInterval(() => {}, 1000);');
    // The live child holds a pid "reused" from a lock written long before it started.
    writeLock(dir, { app: 'PatchLens', version: '0.0.1', pid: child.pid, host: hostname(), startedAt: '2001-01-01T00:00:00.000Z', token: 'old' });
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(false);
    expect(store.notices[0]).toMatch(new RegExp(`was stale \\(pid ${child.pid} now belongs to a process started at .*, after it was made\\) and was taken over$`));
    store.close();
  });

  it('never removes a lock that is no longer its own, and turns read-only when its lock was replaced', () => {
    const dir = join(root, 'replaced');
    mkdirSync(dir, { recursive: true });
    const first = acquireProjectLock(dir, { version: 'a' });
    expect(first.held).toBe(true);
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(true); // same process, lock held by another store
    if (first.held) first.lock.release();
    store.close();
    const owner = new ProjectStore(dir);
    expect(owner.readOnly).toBe(false);
    writeLock(dir, { app: 'PatchLens', version: 'x', pid: 1, host: `not-${hostname()}`, startedAt: '2026-01-01T00:00:00.000Z', token: 'theirs' });
    expect(() => owner.addRecent('image', '/a.nii')).toThrow(/ProjectStore\.addRecent: the lock .*project\.lock is no longer this window's/);
    expect(owner.readOnly).toBe(true);
    owner.close();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).token).toBe('theirs');
  });
});

describe('run ids between processes', () => {
  it('never gives two processes the same id', async () => {
    const dir = join(root, 'ids');
    mkdirSync(dir, { recursive: true });
    const n = 60;
    const { child, first } = await startChild(`
      const { reserveIdIn } = await import(${JSON.stringify(idsModule)});
      console.log('ready');
      process.stdin.once('data', () => {
        const ids = [];
        for (let i = 0; i < ${n}; i++) ids.push(reserveIdIn(${JSON.stringify(dir)}, 'r').id);
        console.log(JSON.stringify(ids));
      });
    `);
    expect(first).toBe('ready');
    const theirs = new Promise<string[]>((resolve) => createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l) as string[])));
    child.stdin.write('go\n');
    const ours: string[] = [];
    for (let i = 0; i < n; i++) ours.push(reserveIdIn(dir, 'r').id);
    const all = [...ours, ...(await theirs)];
    expect(new Set(all).size).toBe(2 * n);
    expect(readdirSync(dir).filter((f) => f.startsWith('.reserved-r')).length).toBe(2 * n);
  });
});
