import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECENT, ProjectStore } from '../../../src-node/app/projectStore';
import { intensityStats, volumeInfo } from '../../../src-node/app/volumeInfo';
import { readNifti, writeNifti } from '../../../shared/io/nifti';
import { caseIdOf } from '../../../src-node/app/sweepJob';

describe('ProjectStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'patchlens-store-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps at most 20 recent entries, newest first, without duplicates, across reopening', () => {
    const dir = join(root, 'p1');
    const store = new ProjectStore(dir);
    for (let i = 0; i < 25; i++) store.addRecent('image', `/data/img${i}.nii.gz`);
    store.addRecent('image', '/data/img10.nii.gz');
    store.close();
    const again = new ProjectStore(dir);
    expect(again.recent).toHaveLength(MAX_RECENT);
    expect(again.recent[0].path).toBe('/data/img10.nii.gz');
    expect(again.recent.filter((r) => r.path === '/data/img10.nii.gz')).toHaveLength(1);
    expect(again.isRecent('image', '/data/img24.nii.gz')).toBe(true);
    expect(again.isRecent('label', '/data/img24.nii.gz')).toBe(false);
    expect(again.isRecent('image', '/data/img0.nii.gz')).toBe(false);
    again.close();
  });

  it('survives a damaged project.json and numbers runs and sweeps after everything on disk', () => {
    const dir = join(root, 'p2');
    mkdirSync(join(dir, 'runs', 'r7'), { recursive: true });
    mkdirSync(join(dir, 'runs', '.partial-r9'), { recursive: true });
    writeFileSync(join(dir, 'project.json'), '{ not json');
    const store = new ProjectStore(dir);
    expect(store.recent).toEqual([]);
    expect(store.notices[0]).toMatch(/^project\.json was damaged .*; it was moved to project\.json\.corrupt-/);
    // A legacy partial folder may belong to a running older PatchLens: it is kept (removed once a day old), and its id is not reused.
    expect(store.nextId('runs')).toBe('r10');
    expect(store.nextId('sweeps', ['s4'])).toBe('s5');
    store.close();
  });

  it('writes uploads into their own folder and resolves only files strictly inside the project', () => {
    const dir = join(root, 'p3');
    const store = new ProjectStore(dir);
    const folder = store.writeUpload([{ name: 'a b.nii', bytes: new Uint8Array([1, 2, 3]) }]);
    expect(readFileSync(join(folder, 'a b.nii'))).toEqual(Buffer.from([1, 2, 3]));
    const rel = folder.slice(dir.length + 1).split('/').map(encodeURIComponent).join('/');
    expect(store.resolveRelative(`${rel}/a%20b.nii`)).toBe(join(folder, 'a b.nii'));
    writeFileSync(join(root, 'secret.txt'), 'x');
    symlinkSync(join(root, 'secret.txt'), join(dir, 'link.txt'));
    expect(store.resolveRelative('link.txt')).toBeNull();
    for (const bad of ['../secret.txt', '/etc/passwd', 'runs/../../secret.txt', '%2e%2e/secret.txt', 'runs', '', 'a//b', 'runs\\x']) expect(store.resolveRelative(bad), bad).toBeNull();
    store.close();
  });
});

describe('intensityStats and case ids', () => {
  it('gives the range and the 0.5 / 99.5 percentiles exactly for integer data', () => {
    const data = new Int16Array(1000);
    for (let i = 0; i < 1000; i++) data[i] = i - 500;
    const s = intensityStats(data);
    expect(s.range).toEqual([-500, 499]);
    expect(s.percentiles).toEqual([-496, 494]);
  });

  it('handles constant and float data', () => {
    expect(intensityStats(new Float32Array(10).fill(3))).toEqual({ range: [3, 3], percentiles: [3, 3] });
    const f = Float32Array.from({ length: 10000 }, (_, i) => i / 10000);
    const s = intensityStats(f);
    expect(s.percentiles[0]).toBeCloseTo(0.005, 3);
    expect(s.percentiles[1]).toBeCloseTo(0.995, 3);
  });

  it('guesses CT from air below -500, MR otherwise, nothing for label maps', () => {
    const affine = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]];
    const ct = readNifti(writeNifti({ data: Int16Array.from({ length: 64 }, (_, i) => (i < 20 ? -1000 : 40)), shape: [4, 4, 4], spacing: [2, 2, 2], affine }));
    const mr = readNifti(writeNifti({ data: Uint8Array.from({ length: 64 }, (_, i) => i), shape: [4, 4, 4], spacing: [2, 2, 2], affine }));
    expect(volumeInfo(ct, 'image', '/x/ct.nii.gz')).toMatchObject({ name: 'ct.nii.gz', modality: 'CT', dtype: 'int16', range: [-1000, 40], shape: [4, 4, 4] });
    expect(volumeInfo(mr, 'image', null, 'mr').modality).toBe('MR');
    expect(volumeInfo(mr, 'label', null, 'mr').modality).toBe('unknown');
  });

  it('makes file-name-safe case ids', () => {
    expect(caseIdOf('ch2-2mm_t1.nii.gz')).toBe('ch2-2mm_t1');
    expect(caseIdOf('my scan (1)__x.nii')).toBe('my-scan-1-_x');
  });
});
