// What the project store deletes and which ids it hands out (issue 11, item 9 and the upload part
// of item 7): start-up clean-up removes only what processes that are gone left behind, never a live
// process's temp folder; ids never repeat anything on disk; uploads are refused over their limit
// and leave nothing when they fail. On the code before the fix, opening the store removed every
// `.partial-*` run folder (also one a live process was writing) and knew nothing of temp folders,
// reservations or pending uploads; writeUpload had no limit and left half-written folders.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_MARK } from '../../../src-node/fs/atomicWrite';
import { LOCK_FILE } from '../../../src-node/app/projectLock';
import { ProjectStore } from '../../../src-node/app/projectStore';

const root = mkdtempSync(join(tmpdir(), 'patchlens-folders-'));
let live: ChildProcess;
let dead: number;
beforeAll(async () => {
  // A live process (stands for a second PatchLens writing into the folder) and a pid that is gone.
  live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => live.once('spawn', resolve));
  dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
  expect(() => process.kill(dead, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
});
afterAll(() => {
  live.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const t36 = () => Date.now().toString(36);
const owner = (pid: number) => JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), token: `t${pid}` });
const sorted = (dir: string) => readdirSync(dir).sort();

/** A project folder holding what crashed and running processes leave behind. */
function leftovers(dir: string): { liveTemp: string } {
  const runs = join(dir, 'runs');
  const uploads = join(dir, 'uploads');
  for (const sub of ['runs', 'sweeps', 'uploads']) mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(join(runs, 'r7'));
  const liveTemp = `${TEMP_MARK}r3-${live.pid}-${t36()}-0`;
  mkdirSync(join(runs, liveTemp));
  writeFileSync(join(runs, liveTemp, 'labels.nii.gz'), 'being written');
  mkdirSync(join(runs, `${TEMP_MARK}r4-${dead}-${t36()}-0`));
  writeFileSync(join(dir, `${TEMP_MARK}project.json-${dead}-${t36()}-3`), '{');
  writeFileSync(join(dir, `project.json.tmp-${dead}-0`), '{');
  writeFileSync(join(dir, `project.json.tmp-${live.pid}-0`), '{');
  writeFileSync(join(dir, 'sweeps', `${TEMP_MARK}s1-${dead}-${t36()}-1`), 'x');
  writeFileSync(join(runs, '.reserved-r5'), owner(dead));
  writeFileSync(join(runs, '.reserved-r6'), owner(live.pid!));
  mkdirSync(join(runs, '.partial-r9'));
  mkdirSync(join(runs, '.partial-r8'));
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(join(runs, '.partial-r8'), twoDaysAgo, twoDaysAgo);
  for (const [name, marker] of [
    ['u-dead-unused', dead],
    ['u-dead-used', dead],
    ['u-live', live.pid!],
    ['u-kept', null],
  ] as const) {
    mkdirSync(join(uploads, name));
    writeFileSync(join(uploads, name, 'a.nii'), 'a');
    if (marker !== null) writeFileSync(join(uploads, `${name}.pending`), owner(marker));
  }
  mkdirSync(join(uploads, `${TEMP_MARK}u-x-${dead}-${t36()}-0`));
  const used = join(uploads, 'u-dead-used', 'a.nii');
  writeFileSync(join(dir, 'project.json'), JSON.stringify({ format: 'patchlens.project', version: 1, recent: [{ kind: 'image', path: used, name: 'a.nii', openedAt: '2026-01-01T00:00:00Z' }], current: { image: used, label: null, model: null } }));
  return { liveTemp };
}

describe('start-up clean-up', () => {
  it("removes only what gone processes left, never a live process's folders", () => {
    const dir = join(root, 'clean');
    const { liveTemp } = leftovers(dir);
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(false);
    // Kept: the live process's temp folder and reservation, a legacy partial folder younger than a day, the finished run.
    expect(sorted(join(dir, 'runs'))).toEqual(['.partial-r9', '.reserved-r6', liveTemp, 'r7'].sort());
    expect(readFileSync(join(dir, 'runs', liveTemp, 'labels.nii.gz'), 'utf8')).toBe('being written');
    expect(sorted(join(dir, 'sweeps'))).toEqual([]);
    expect(sorted(dir)).toEqual([LOCK_FILE, 'project.json', `project.json.tmp-${live.pid}-0`, 'runs', 'sweeps', 'uploads'].sort());
    expect(sorted(join(dir, 'uploads'))).toEqual(['u-dead-used', 'u-kept', 'u-live', 'u-live.pending']);
    expect(store.cleanedUp.length).toBe(8);
    // Ids skip every number on disk, finished or not; ids() lists finished folders only.
    expect(store.ids('runs')).toEqual(['r7']);
    expect(store.reserveId('runs')).toBe('r10');
    store.close();
  });

  it('removes nothing when the folder is open read-only (another PatchLens owns it)', () => {
    const dir = join(root, 'clean-ro');
    leftovers(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ app: 'PatchLens', version: 'x', pid: 1, host: `not-${hostname()}`, startedAt: '2026-01-01T00:00:00Z', token: 'x' }));
    const before = [sorted(dir), sorted(join(dir, 'runs')), sorted(join(dir, 'sweeps')), sorted(join(dir, 'uploads'))];
    const store = new ProjectStore(dir);
    expect(store.readOnly).toBe(true);
    expect([sorted(dir), sorted(join(dir, 'runs')), sorted(join(dir, 'sweeps')), sorted(join(dir, 'uploads'))]).toEqual(before);
    expect(store.cleanedUp).toEqual([]);
    store.close();
  });
});

describe('run and sweep ids', () => {
  it('are reserved one above everything on disk, released after commit, and released on close', () => {
    const dir = join(root, 'ids');
    mkdirSync(join(dir, 'runs', 'r2'), { recursive: true });
    mkdirSync(join(dir, 'runs', `${TEMP_MARK}r12-${live.pid}-${t36()}-0`));
    writeFileSync(join(dir, 'runs', '.reserved-r4'), owner(live.pid!));
    const store = new ProjectStore(dir);
    const a = store.reserveId('runs');
    const b = store.reserveId('runs');
    expect([a, b]).toEqual(['r13', 'r14']);
    expect(store.reserveId('sweeps')).toBe('s1');
    expect(sorted(join(dir, 'runs')).filter((f) => f.startsWith('.reserved-'))).toEqual(['.reserved-r13', '.reserved-r14', '.reserved-r4']);
    mkdirSync(join(dir, 'runs', a));
    expect(store.releaseId('runs', a)).toBe(true);
    expect(store.releaseId('runs', a)).toBe(false);
    expect(store.ids('runs').sort()).toEqual(['r13', 'r2']);
    store.close();
    // b and s1 were released by close; the live process's reservation stays.
    expect(sorted(join(dir, 'runs')).filter((f) => f.startsWith('.reserved-'))).toEqual(['.reserved-r4']);
    expect(readdirSync(join(dir, 'sweeps'))).toEqual([]);
  });

  it('removes a finished folder as a whole, only by a run or sweep id, never through a link', () => {
    const dir = join(root, 'remove');
    const store = new ProjectStore(dir);
    mkdirSync(join(store.runsDir, 'r1'));
    writeFileSync(join(store.runsDir, 'r1', 'run.json'), '{}');
    store.removeOwnFolder('runs', 'r1');
    expect(readdirSync(store.runsDir)).toEqual([]);
    store.removeOwnFolder('runs', 'r1'); // gone already: no error
    for (const bad of ['../x', 'r1/..', '.reserved-r1', 'uploads', '']) expect(() => store.removeOwnFolder('runs', bad), bad).toThrow(`ProjectStore.removeOwnFolder: ${JSON.stringify(bad)} is not a run id`);
    mkdirSync(join(root, 'outside'), { recursive: true });
    writeFileSync(join(root, 'outside', 'keep.txt'), 'keep');
    symlinkSync(join(root, 'outside'), join(store.sweepsDir, 's2'));
    expect(() => store.removeOwnFolder('sweeps', 's2')).toThrow(/is not a folder; it was left as it is/);
    expect(readFileSync(join(root, 'outside', 'keep.txt'), 'utf8')).toBe('keep');
    store.close();
  });
});

describe('uploads', () => {
  it('are written as a whole, pending until kept, and removed only inside uploads/', () => {
    const dir = join(root, 'up');
    const store = new ProjectStore(dir);
    const folder = store.writeUpload([
      { name: 'a b.nii', bytes: new Uint8Array([1, 2, 3]) },
      { name: 'model.json', bytes: new Uint8Array([4]) },
    ]);
    expect(readFileSync(join(folder, 'a b.nii'))).toEqual(Buffer.from([1, 2, 3]));
    expect(sorted(folder)).toEqual(['a b.nii', 'model.json']);
    expect(existsSync(`${folder}.pending`)).toBe(true);
    store.keepUpload(folder);
    expect(sorted(store.uploadsDir)).toEqual([folder.slice(store.uploadsDir.length + 1)]);
    for (const bad of [store.uploadsDir, store.runsDir, join(store.uploadsDir, '..', 'runs'), join(root, 'elsewhere'), `${folder}.pending`, '']) {
      expect(() => store.removeUpload(bad), bad).toThrow('removeUpload: ');
    }
    mkdirSync(join(root, 'target'), { recursive: true });
    writeFileSync(join(root, 'target', 'keep.txt'), 'keep');
    symlinkSync(join(root, 'target'), join(store.uploadsDir, 'link'));
    store.removeUpload(join(store.uploadsDir, 'link'));
    expect(readFileSync(join(root, 'target', 'keep.txt'), 'utf8')).toBe('keep');
    store.removeUpload(folder);
    expect(readdirSync(store.uploadsDir)).toEqual([]);
    store.close();
  });

  it('over the limit are refused before anything is written', () => {
    const dir = join(root, 'up-limit');
    const store = new ProjectStore(dir, { uploadMaxBytes: 10 });
    const files = [
      { name: 'a.nii', bytes: new Uint8Array(6) },
      { name: 'b.nii', bytes: new Uint8Array(6) },
    ];
    expect(() => store.writeUpload(files)).toThrow('writeUpload: the upload is 12 bytes (2 file(s)), over the limit of 10 bytes (maxBytes); nothing was written');
    expect(() => store.writeUpload(files.slice(0, 1), { maxBytes: 5 })).toThrow('over the limit of 5 bytes (maxBytes)');
    expect(readdirSync(store.uploadsDir)).toEqual([]);
    expect(store.writeUpload(files, { maxBytes: 12 })).toMatch(/uploads/);
    store.close();
  });

  it('that fail leave nothing behind', () => {
    const dir = join(root, 'up-fail');
    const store = new ProjectStore(dir);
    // Checked first: a bad or repeated name anywhere refuses the whole upload.
    expect(() => store.writeUpload([{ name: 'a.nii', bytes: new Uint8Array(1) }, { name: '../b', bytes: new Uint8Array(1) }])).toThrow('writeUpload: bad file name "../b"');
    expect(() => store.writeUpload([{ name: 'a.nii', bytes: new Uint8Array(1) }, { name: 'a.nii', bytes: new Uint8Array(1) }])).toThrow('writeUpload: the file name "a.nii" appears twice');
    // Fails while writing (the second name is too long for the file system): the first file goes too.
    expect(() => store.writeUpload([{ name: 'a.nii', bytes: new Uint8Array(100) }, { name: `${'x'.repeat(300)}.nii`, bytes: new Uint8Array(1) }])).toThrow(/^writeUpload: .*ENAMETOOLONG/);
    expect(readdirSync(store.uploadsDir)).toEqual([]);
    store.close();
  });
});
