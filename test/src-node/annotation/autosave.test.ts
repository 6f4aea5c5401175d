/**
 * The autosave rule with hand-driven timers (no real waiting, no timing assertions): a save
 * only after the idle interval, the interval restarted by every edit, never two saves at once
 * (one asked for during a save runs once after it), flush on close, unchanged parts not
 * rewritten, a failed save keeps the last autosave and stays dirty.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Autosaver, DEFAULT_IDLE_MS, type AutosaveSnapshot } from '../../../src-node/annotation/autosave';
import { annotationPaths, imageKeyOf } from '../../../src-node/annotation/annotationFolder';
import { findRecoverable, recover } from '../../../src-node/annotation/recovery';
import { NODE_FS } from '../../../src-node/fs/atomicWrite';
import { sha256Hex } from '../../../src-node/fs/sha256';
import { findingsAfter, labelsAfter, ManualTimers, writeImage } from './autosaveFixture';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-autosave-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh project with an image, an editable state and an autosaver on manual timers. */
function setup(overrides: { snapshot?: () => AutosaveSnapshot | Promise<AutosaveSnapshot>; write?: ConstructorParameters<typeof Autosaver>[0]['write'] } = {}) {
  const projectDir = join(tmp, `project-${n++}`);
  mkdirSync(projectDir);
  const image = writeImage(join(projectDir, 'image.nii.gz'));
  const state = { edits: 0 };
  const timers = new ManualTimers();
  const saved: number[] = [];
  const errors: Error[] = [];
  const clock = { t: Date.parse('2026-03-01T10:00:00.000Z') };
  const autosaver = new Autosaver({
    projectDir,
    image,
    snapshot: overrides.snapshot ?? (() => ({ labels: labelsAfter(state.edits), findings: findingsAfter(state.edits), edits: state.edits })),
    timers,
    now: () => new Date(clock.t),
    onSaved: (m) => saved.push(m.edits),
    onError: (e) => errors.push(e),
    write: overrides.write,
  });
  const edit = () => {
    state.edits++;
    clock.t += 1000;
    autosaver.markDirty();
  };
  return { projectDir, image, state, timers, saved, errors, autosaver, edit, paths: annotationPaths(projectDir, imageKeyOf(image.sha256)) };
}

/** Lets the autosaver's promise chain run one turn of the event loop. */
const settle = () => new Promise((r) => setImmediate(r));
/** Waits until the save a timer started is done (it gzips the labels on libuv's thread pool, so one turn is not enough). */
const saved = async (autosaver: Autosaver) => {
  do await settle();
  while (autosaver.saving);
};

describe('Autosaver', () => {
  it('saves only once the idle interval passed after the last edit, with the state of that moment', async () => {
    const s = setup();
    s.edit();
    expect([...s.timers.pending.values()].map((t) => t.ms)).toEqual([DEFAULT_IDLE_MS]);
    s.edit();
    s.edit();
    expect(s.timers.cleared).toBe(2); // each edit restarted the interval
    expect(s.timers.pending.size).toBe(1);
    await settle();
    expect(s.saved).toEqual([]); // nothing before the interval passes
    expect(existsSync(s.paths.manifest)).toBe(false);
    expect(s.autosaver.dirty).toBe(true);
    s.timers.fire();
    await saved(s.autosaver);
    expect(s.saved).toEqual([3]);
    expect(s.autosaver.dirty).toBe(false);
    const manifest = JSON.parse(readFileSync(s.paths.manifest, 'utf8'));
    expect(manifest).toMatchObject({
      format: 'patchlens.autosave',
      imagePath: s.image.path,
      imageSha256: s.image.sha256,
      savedAt: '2026-03-01T10:00:03.000Z',
      edits: 3,
      reason: 'idle',
      sequence: 1,
      files: { labels: 'labels-1.nii.gz', findings: 'findings-1.json' },
    });
    expect(manifest.labelsSha256).toBe(sha256Hex(readFileSync(join(s.paths.autosaveDir, 'labels-1.nii.gz'))));
    const back = recover(s.projectDir, imageKeyOf(s.image.sha256), s.image.header);
    expect(back.labels).toEqual(labelsAfter(3));
    expect(back.findings).toEqual(findingsAfter(3));
  });

  it('never runs two saves at once: saves asked for during a save run once, after it, with the later state', async () => {
    let release: () => void = () => {};
    let active = 0;
    let most = 0;
    let calls = 0;
    const state = { edits: 0 };
    const s = setup({
      snapshot: async () => {
        calls++;
        active++;
        most = Math.max(most, active);
        const snap = { labels: labelsAfter(state.edits), findings: null, edits: state.edits };
        if (calls === 1) await new Promise<void>((r) => (release = r)); // the first save hangs until released
        active--;
        return snap;
      },
    });
    const edit = () => {
      state.edits++;
      s.autosaver.markDirty();
    };
    edit();
    s.timers.fire(); // save 1 starts and waits in its snapshot
    await settle();
    expect(s.autosaver.saving).toBe(true);
    edit();
    s.timers.fire(); // asked during save 1
    edit();
    const explicit = s.autosaver.autosaveNow(); // asked during save 1 as well
    await settle();
    expect(calls).toBe(1);
    release();
    const last = await explicit;
    expect(calls).toBe(2); // one follow-up for both requests
    expect(most).toBe(1);
    expect(s.saved).toEqual([1, 3]);
    expect(last).toMatchObject({ edits: 3, reason: 'explicit', sequence: 2 });
    expect(s.autosaver.dirty).toBe(false);
  });

  it('flush on close writes what is dirty (reason close) and nothing when all is saved', async () => {
    const s = setup();
    expect(await s.autosaver.flush()).toBeNull();
    expect(existsSync(s.paths.autosaveDir)).toBe(false);
    s.edit();
    s.edit();
    const m = await s.autosaver.flush();
    expect(m).toMatchObject({ edits: 2, reason: 'close' });
    expect(s.timers.pending.size).toBe(0); // the idle save was cancelled, not run again
    expect(await s.autosaver.flush()).toBeNull();
    expect(s.saved).toEqual([2]);
  });

  it('a part that did not change is not written again; the files of older autosaves are removed', async () => {
    const state = { labels: 1, findings: 1 };
    const s = setup({ snapshot: () => ({ labels: labelsAfter(state.labels), findings: findingsAfter(state.findings), edits: state.labels + state.findings }) });
    s.autosaver.markDirty();
    await s.autosaver.autosaveNow();
    state.findings = 2; // only the findings changed
    s.autosaver.markDirty();
    const m = await s.autosaver.autosaveNow();
    expect(m?.files).toEqual({ labels: 'labels-1.nii.gz', findings: 'findings-2.json', table: null });
    expect(readdirSync(s.paths.autosaveDir).sort()).toEqual(['autosave.json', 'findings-2.json', 'labels-1.nii.gz']);
    state.labels = 5;
    s.autosaver.markDirty();
    expect((await s.autosaver.autosaveNow())?.files).toEqual({ labels: 'labels-3.nii.gz', findings: 'findings-2.json', table: null });
    expect(readdirSync(s.paths.autosaveDir).sort()).toEqual(['autosave.json', 'findings-2.json', 'labels-3.nii.gz']);
  });

  it('a failed idle save (ENOSPC) is reported, keeps the last autosave intact and stays dirty; the next one succeeds', async () => {
    let failing = false;
    const s = setup({
      write: {
        fs: {
          ...NODE_FS,
          writeSync: (fd, b, o, l) => {
            if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
            return NODE_FS.writeSync(fd, b, o, l);
          },
        },
      },
    });
    s.edit();
    s.timers.fire();
    await saved(s.autosaver);
    expect(s.saved).toEqual([1]);
    failing = true;
    s.edit();
    s.timers.fire();
    await saved(s.autosaver);
    expect(s.errors.map((e) => e.message)).toEqual([expect.stringMatching(/writeFileAtomic: .*labels-2\.nii\.gz: ENOSPC/)]);
    expect(s.autosaver.dirty).toBe(true);
    expect(recover(s.projectDir, imageKeyOf(s.image.sha256)).manifest.edits).toBe(1); // the last good autosave
    await expect(s.autosaver.flush()).rejects.toThrow(/ENOSPC/);
    failing = false;
    s.edit();
    s.timers.fire();
    await saved(s.autosaver);
    expect(s.saved).toEqual([1, 3]);
    expect(recover(s.projectDir, imageKeyOf(s.image.sha256), s.image.header).labels).toEqual(labelsAfter(3));
  });

  it('markClean after a real save: no idle save is pending and nothing is offered for recovery', async () => {
    const s = setup();
    s.edit();
    s.autosaver.markClean();
    expect(s.timers.pending.size).toBe(0);
    expect(await s.autosaver.flush()).toBeNull();
    expect(findRecoverable(s.projectDir).recoverable).toEqual([]);
  });

  it('refuses a bad idle interval and a bad image hash, naming them', () => {
    const image = writeImage(join(tmp, 'bad-image.nii.gz'));
    const snapshot = () => ({ labels: null, findings: null, edits: 0 });
    expect(() => new Autosaver({ projectDir: tmp, image, snapshot, idleMs: -1 })).toThrow('Autosaver: idleMs must be a non-negative number of milliseconds, got -1');
    expect(() => new Autosaver({ projectDir: tmp, image: { ...image, sha256: '../etc' }, snapshot })).toThrow('imageKeyOf: imageSha256 must be 64 lowercase hex digits, got "../etc"');
  });
});
