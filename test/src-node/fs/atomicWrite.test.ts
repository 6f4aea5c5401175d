/**
 * Fault injection for the one writer (src-node/fs/atomicWrite.ts): short writes, ENOSPC and EIO
 * from writeSync / fsyncSync / renameSync, a wrong size on disk, and a child process killed
 * (SIGKILL) between write and rename. In every case the old file is intact and readable, and
 * nothing a reader would take for the file is left behind; a folder is the old one or the
 * complete new one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { beginFolder, isTempName, NODE_FS, recoverFolder, TEMP_MARK, writeFileAtomic, writeFilesAtomic, writeJsonAtomic, type AtomicFs } from '../../../src-node/fs/atomicWrite';
import { repoRoot } from '../../helpers/sharedData';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-atomic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh folder holding `file.txt` = "old content". */
function withOldFile(): { dir: string; file: string } {
  const dir = join(tmp, `case-${n++}`);
  mkdirSync(dir);
  const file = join(dir, 'file.txt');
  writeFileSync(file, 'old content');
  return { dir, file };
}

const fault = (code: string) => Object.assign(new Error(`${code}: injected fault`), { code });
const faulty = (overrides: Partial<AtomicFs>): AtomicFs => ({ ...NODE_FS, ...overrides });

/** The old file is there, whole, and it is the only entry (no temp file left). */
function expectUntouched(dir: string, file: string): void {
  expect(readFileSync(file, 'utf8')).toBe('old content');
  expect(readdirSync(dir)).toEqual(['file.txt']);
}

describe('writeFileAtomic', () => {
  it('writes the whole file through short writes (writeSync returning fewer bytes)', () => {
    const { dir, file } = withOldFile();
    const data = Buffer.from('x'.repeat(1000) + 'end');
    const sizes: number[] = [];
    writeFileAtomic(file, data, { fs: faulty({ writeSync: (fd, b, o, l) => (sizes.push(Math.min(l, 7)), NODE_FS.writeSync(fd, b, o, Math.min(l, 7))) }) });
    expect(readFileSync(file, 'utf8')).toBe('x'.repeat(1000) + 'end');
    expect(sizes.length).toBe(Math.ceil(1003 / 7)); // it looped over every short write
    expect(readdirSync(dir)).toEqual(['file.txt']);
  });

  it('fails when writeSync makes no progress (returns 0 again and again): the old file stays', () => {
    const { dir, file } = withOldFile();
    let calls = 0;
    const zero = faulty({ writeSync: (fd, b, o, l) => (calls++ === 0 ? NODE_FS.writeSync(fd, b, o, Math.min(l, 4)) : 0) });
    expect(() => writeFileAtomic(file, 'new content that is longer', { fs: zero })).toThrow(/writeFileAtomic: .*file\.txt: short write: 4 of 26 bytes written, then no progress/);
    expectUntouched(dir, file);
  });

  for (const [call, code] of [
    ['writeSync', 'ENOSPC'],
    ['writeSync', 'EIO'],
    ['fsyncSync', 'EIO'],
    ['fsyncSync', 'ENOSPC'],
    ['renameSync', 'EIO'],
    ['renameSync', 'ENOSPC'],
  ] as const) {
    it(`${code} from ${call}: the error names the file, the old file is intact, no temp file is left`, () => {
      const { dir, file } = withOldFile();
      let written = 0;
      const fs = faulty({
        [call]: (...a: unknown[]) => {
          // writeSync fails after a first, partial write (a disk that fills up mid-file).
          if (call === 'writeSync' && written++ === 0) return NODE_FS.writeSync(a[0] as number, a[1] as Uint8Array, a[2] as number, 3);
          throw fault(code);
        },
      });
      let error: NodeJS.ErrnoException | null = null;
      try {
        writeFileAtomic(file, 'new content', { fs });
      } catch (e) {
        error = e as NodeJS.ErrnoException;
      }
      expect(error?.code).toBe(code);
      expect(error?.message).toContain(file);
      expectUntouched(dir, file);
    });
  }

  it('fails when the size on disk differs from the bytes written (a lying file system): EIO, old file intact', () => {
    const { dir, file } = withOldFile();
    expect(() => writeFileAtomic(file, 'new content', { fs: faulty({ fstatSync: () => ({ size: 3 }) }) })).toThrow(/3 bytes on disk after writing 11/);
    expectUntouched(dir, file);
  });

  it('fsyncs the file before the rename and the folder after it', () => {
    const { file } = withOldFile();
    const log: string[] = [];
    const fs = faulty({
      fsyncSync: (fd) => (log.push('fsync'), NODE_FS.fsyncSync(fd)),
      renameSync: (a, b) => (log.push('rename'), NODE_FS.renameSync(a, b)),
      openSync: ((p: string, flags: string, mode?: number) => (log.push(`open ${p === resolve(file, '..') ? 'folder' : 'file'}`), NODE_FS.openSync(p, flags, mode))) as AtomicFs['openSync'],
    });
    writeJsonAtomic(file, { a: 1 }, { fs });
    expect(log).toEqual(['open file', 'fsync', 'rename', 'open folder', 'fsync']);
    expect(readFileSync(file, 'utf8')).toBe('{\n  "a": 1\n}\n');
  });
});

describe('writeFilesAtomic', () => {
  it('a failure while writing the temp files changes none of the targets', () => {
    const { dir, file } = withOldFile();
    writeFileSync(join(dir, 'b.txt'), 'old b');
    let writes = 0;
    const fs = faulty({ writeSync: (fd, b, o, l) => (++writes === 2 ? (() => { throw fault('ENOSPC'); })() : NODE_FS.writeSync(fd, b, o, l)) });
    expect(() => writeFilesAtomic([{ path: file, data: 'new content' }, { path: join(dir, 'b.txt'), data: 'new b' }], { fs })).toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe('old content');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('old b');
    expect(readdirSync(dir).sort()).toEqual(['b.txt', 'file.txt']);
  });

  it('a failure between the renames leaves every file complete (the first new, the rest old) and says which were replaced', () => {
    const { dir, file } = withOldFile();
    writeFileSync(join(dir, 'b.txt'), 'old b');
    let renames = 0;
    const fs = faulty({ renameSync: (a, b) => (++renames === 2 ? (() => { throw fault('EIO'); })() : NODE_FS.renameSync(a, b)) });
    expect(() => writeFilesAtomic([{ path: file, data: 'new content' }, { path: join(dir, 'b.txt'), data: 'new b' }], { fs })).toThrow(/b\.txt.*EIO.*\(1 of 2 files were already replaced, each complete: .*file\.txt\)/);
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('old b');
    expect(readdirSync(dir).sort()).toEqual(['b.txt', 'file.txt']);
  });
});

describe('beginFolder', () => {
  const fill = (dir: string, files: Record<string, string>) => {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  };
  const contents = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')]));

  it('renames a filled temp folder onto a missing or empty target; refuses a non-empty one unless asked', () => {
    const parent = join(tmp, `folders-${n++}`);
    const a = beginFolder(join(parent, 'run'));
    expect(a.dir.startsWith(join(parent, TEMP_MARK))).toBe(true);
    writeFileAtomic(join(a.dir, 'x.txt'), 'new');
    a.commit();
    expect(contents(join(parent, 'run'))).toEqual({ 'x.txt': 'new' });

    mkdirSync(join(parent, 'empty'));
    const b = beginFolder(join(parent, 'empty'));
    writeFileAtomic(join(b.dir, 'y.txt'), 'new');
    b.commit();
    expect(contents(join(parent, 'empty'))).toEqual({ 'y.txt': 'new' });

    const c = beginFolder(join(parent, 'run'));
    writeFileAtomic(join(c.dir, 'z.txt'), 'newer');
    expect(() => c.commit()).toThrow(/run exists and is not empty; nothing was replaced/);
    c.abort();
    expect(contents(join(parent, 'run'))).toEqual({ 'x.txt': 'new' });
    expect(readdirSync(parent).sort()).toEqual(['empty', 'run']);
  });

  it('replace with a list of replaceable entries refuses a folder holding anything else and changes nothing', () => {
    const parent = join(tmp, `folders-${n++}`);
    const target = join(parent, 'run');
    fill(target, { 'labels.nii.gz': 'old', 'mine.txt': "the user's" });
    const w = beginFolder(target);
    writeFileAtomic(join(w.dir, 'labels.nii.gz'), 'new');
    expect(() => w.commit({ replace: true, replaceable: ['labels.nii.gz'] })).toThrow(/holds "mine\.txt", which it may not replace; nothing was replaced/);
    w.abort();
    expect(contents(target)).toEqual({ 'labels.nii.gz': 'old', 'mine.txt': "the user's" });
    expect(readdirSync(parent)).toEqual(['run']);
    const ok = beginFolder(target);
    writeFileAtomic(join(ok.dir, 'labels.nii.gz'), 'new');
    ok.commit({ replace: true, replaceable: ['labels.nii.gz', 'mine.txt'] });
    expect(contents(target)).toEqual({ 'labels.nii.gz': 'new' });
    expect(readdirSync(parent)).toEqual(['run']); // the old folder is gone, no aside left
  });

  it('puts the old folder back when the new one cannot be renamed in (EIO), so the target is never missing', () => {
    const parent = join(tmp, `folders-${n++}`);
    const target = join(parent, 'run');
    fill(target, { 'a.txt': 'old a' });
    let renames = 0;
    // 1: onto the target (ENOTEMPTY), 2: the old folder aside, 3: the new one in (fails), 4: back.
    const fs = faulty({ renameSync: (a, b) => (++renames === 3 ? (() => { throw fault('EIO'); })() : NODE_FS.renameSync(a, b)) });
    const w = beginFolder(target, { fs });
    writeFileAtomic(join(w.dir, 'a.txt'), 'new a');
    expect(() => w.commit({ replace: true })).toThrow(/EIO/);
    w.abort();
    expect(contents(target)).toEqual({ 'a.txt': 'old a' });
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('recoverFolder renames back a folder a killed commit left aside (and leaves a live process alone)', () => {
    const parent = join(tmp, `folders-${n++}`);
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
    fill(join(parent, `${TEMP_MARK}run.replaced-${dead}-${Date.now().toString(36)}-0`), { 'a.txt': 'old a' });
    fill(join(parent, `${TEMP_MARK}other.replaced-${process.ppid}-${Date.now().toString(36)}-0`), { 'b.txt': 'in flight' });
    expect(recoverFolder(join(parent, 'run'))).toMatch(/\.replaced-/);
    expect(contents(join(parent, 'run'))).toEqual({ 'a.txt': 'old a' });
    expect(recoverFolder(join(parent, 'run'))).toBeNull(); // the target exists: nothing to do
    expect(recoverFolder(join(parent, 'other'))).toBeNull(); // its commit may still be running
    expect(existsSync(join(parent, 'other'))).toBe(false);
  });
});

/** Runs test/src-node/fs/atomicChild.ts, waits until it blocks in its `at`-th rename, SIGKILLs it. */
function killAtRename(mode: 'file' | 'files' | 'folder', target: string, at: number): Promise<{ signal: NodeJS.Signals | null; said: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/src-node/fs/atomicChild.ts'), mode, target, String(at)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes(`at-rename ${at}`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done({ signal, said }) : fail(new Error(`atomicChild exited with ${code} before blocking: ${said}${err}`))));
  });
}

describe('a process killed (SIGKILL) between write and rename', () => {
  it('one file: the old file is intact; the complete new bytes sit in a temp file no reader takes for it', async () => {
    const { dir, file } = withOldFile();
    await killAtRename('file', file, 1);
    expect(readFileSync(file, 'utf8')).toBe('old content');
    const others = readdirSync(dir).filter((x) => x !== 'file.txt');
    expect(others).toHaveLength(1);
    expect(isTempName(others[0])).toBe(true);
    expect(readFileSync(join(dir, others[0]), 'utf8')).toBe('new content'); // written and fsynced, only not renamed
  }, 60_000);

  it('several files: killed before the second rename, the first is new, the second old, both complete', async () => {
    const dir = join(tmp, `files-${n++}`);
    mkdirSync(dir);
    const base = join(dir, 'report');
    writeFileSync(`${base}.a`, 'old a');
    writeFileSync(`${base}.b`, 'old b');
    await killAtRename('files', base, 2);
    expect(readFileSync(`${base}.a`, 'utf8')).toBe('new a');
    expect(readFileSync(`${base}.b`, 'utf8')).toBe('old b');
    expect(readdirSync(dir).filter((x) => !isTempName(x)).sort()).toEqual(['report.a', 'report.b']);
  }, 60_000);

  it('a folder: killed before its commit the target is the old folder; killed between the two renames of a replace, the old folder comes back', async () => {
    const parent = join(tmp, `kill-folder-${n++}`);
    const target = join(parent, 'run');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'a.txt'), 'old a');
    writeFileSync(join(target, 'b.txt'), 'old b');
    const old = { 'a.txt': 'old a', 'b.txt': 'old b' };
    const contents = () => Object.fromEntries(readdirSync(target).sort().map((x) => [x, readFileSync(join(target, x), 'utf8')]));

    await killAtRename('folder', target, 1); // the first rename onto the target
    expect(contents()).toEqual(old);
    await killAtRename('folder', target, 2); // moving the old folder aside
    expect(contents()).toEqual(old);
    await killAtRename('folder', target, 3); // the old folder aside, the new one not yet in
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(parent).every(isTempName)).toBe(true); // nothing that looks like the run
    recoverFolder(target); // what the next beginFolder on this target does first
    expect(contents()).toEqual(old);

    const w = beginFolder(target); // and a later write replaces it as a whole
    writeFileAtomic(join(w.dir, 'a.txt'), 'new a');
    w.commit({ replace: true });
    expect(contents()).toEqual({ 'a.txt': 'new a' });
  }, 120_000);
});
