/**
 * openAnnotation / saveAnnotation: a save checks both files before writing either, writes them
 * in the image's annotation folder, and discards the autosave only when it adds nothing more.
 * saveAnnotationAs: a new pair of files named by the UTC second, never over an existing one.
 * The async variants (gzip on libuv's pool) write the same bytes and refuse the same conflicts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAnnotation, saveAnnotation, saveAnnotationAs, saveAnnotationAsAsync, saveAnnotationAsync } from '../../../src-node/annotation/annotationFiles';
import { savedAsNames } from '../../../src-node/annotation/annotationFolder';
import { Autosaver } from '../../../src-node/annotation/autosave';
import { FileConflictError } from '../../../src-node/annotation/fileVersion';
import { decodeLabelNifti, encodeLabelNifti, encodeLabelNiftiAsync } from '../../../src-node/annotation/labelNifti';
import { findRecoverable } from '../../../src-node/annotation/recovery';
import { findingsAfter, labelsAfter, ManualTimers, tempProjects } from './autosaveFixture';

const projects = tempProjects('patchlens-annotation-');
afterAll(() => projects.remove());
const project = projects.project;

describe('openAnnotation / saveAnnotation', () => {
  it('opens nothing saved yet, saves both parts, and opens them again as saved', () => {
    const { projectDir, image } = project();
    const first = openAnnotation(projectDir, image);
    expect(first).toMatchObject({ labels: null, findings: null, versions: { labels: { exists: false }, findings: { exists: false } } });
    const versions = saveAnnotation(projectDir, image, first.versions, { labels: labelsAfter(6), findings: findingsAfter(2) });
    const again = openAnnotation(projectDir, image);
    expect(again.labels).toEqual(labelsAfter(6));
    expect(again.findings).toEqual(findingsAfter(2));
    expect(again.versions).toEqual(versions);
  });

  it('a conflict on the findings writes neither file', () => {
    const { projectDir, image } = project();
    const opened = openAnnotation(projectDir, image);
    saveAnnotation(projectDir, image, opened.versions, { labels: labelsAfter(1), findings: findingsAfter(1) });
    const mine = openAnnotation(projectDir, image);
    writeFileSync(mine.paths.findings, '{"theirs": true}\n'); // someone else
    expect(() => saveAnnotation(projectDir, image, mine.versions, { labels: labelsAfter(9), findings: findingsAfter(9) })).toThrow(FileConflictError);
    expect(openAnnotation(projectDir, image).labels).toEqual(labelsAfter(1));
    expect(readFileSync(mine.paths.findings, 'utf8')).toBe('{"theirs": true}\n');
  });

  it('discards the autosave once both parts are saved, but keeps it while autosaved label edits are unsaved', async () => {
    const { projectDir, image } = project();
    let edits = 3;
    const autosaver = new Autosaver({ projectDir, image, timers: new ManualTimers(), snapshot: () => ({ labels: labelsAfter(edits), findings: findingsAfter(edits), edits }) });
    autosaver.markDirty();
    await autosaver.flush();
    const opened = openAnnotation(projectDir, image);
    const v = saveAnnotation(projectDir, image, opened.versions, { findings: findingsAfter(3) }); // the findings alone
    expect(findRecoverable(projectDir).recoverable).toMatchObject([{ edits: 3, labels: true, findings: false }]);
    saveAnnotation(projectDir, image, v, { labels: labelsAfter(3) });
    expect(findRecoverable(projectDir).recoverable).toEqual([]);
    edits = 4;
    autosaver.markDirty();
    expect(await autosaver.flush()).toMatchObject({ edits: 4 }); // the autosaver goes on after a discard
    expect(findRecoverable(projectDir).recoverable).toMatchObject([{ edits: 4, labels: true, findings: true }]);
  });
});

describe('saveAnnotationAs', () => {
  const at = new Date('2026-01-02T03:04:05.678Z');

  it('names the pair by the UTC second, and refuses a bad date or attempt', () => {
    expect(savedAsNames(at)).toEqual({ labels: 'labels.saved-as-20260102T030405Z.nii.gz', findings: 'findings.saved-as-20260102T030405Z.json', table: 'labelTable.saved-as-20260102T030405Z.json' });
    expect(savedAsNames(at, 3)).toEqual({ labels: 'labels.saved-as-20260102T030405Z-3.nii.gz', findings: 'findings.saved-as-20260102T030405Z-3.json', table: 'labelTable.saved-as-20260102T030405Z-3.json' });
    expect(() => savedAsNames(new Date(Number.NaN))).toThrow('savedAsNames: at must be a valid date');
    expect(() => savedAsNames(at, 0)).toThrow('savedAsNames: attempt must be an integer ≥ 1, got 0');
  });

  it('writes a new pair beside the saved files, leaving them and any earlier pair as they are', () => {
    const { projectDir, image } = project();
    const opened = openAnnotation(projectDir, image);
    saveAnnotation(projectDir, image, opened.versions, { labels: labelsAfter(1), findings: findingsAfter(1) });
    const before = { labels: readFileSync(opened.paths.labels), findings: readFileSync(opened.paths.findings) };
    const first = saveAnnotationAs(projectDir, image, { labels: labelsAfter(5), findings: findingsAfter(5) }, at);
    expect(first.labels.path).toBe(join(opened.paths.dir, 'labels.saved-as-20260102T030405Z.nii.gz'));
    expect(first.findings.path).toBe(join(opened.paths.dir, 'findings.saved-as-20260102T030405Z.json'));
    expect(decodeLabelNifti('saved-as', new Uint8Array(readFileSync(first.labels.path)), image.header).labels).toEqual(labelsAfter(5));
    expect(JSON.parse(readFileSync(first.findings.path, 'utf8'))).toEqual(findingsAfter(5));
    // The same second again (or a stray file holding one of the names) moves on to the next attempt.
    writeFileSync(join(opened.paths.dir, 'findings.saved-as-20260102T030405Z-2.json'), 'someone else\n');
    const second = saveAnnotationAs(projectDir, image, { labels: labelsAfter(6), findings: findingsAfter(6) }, at);
    expect(second.labels.path).toBe(join(opened.paths.dir, 'labels.saved-as-20260102T030405Z-3.nii.gz'));
    expect(second.findings.path).toBe(join(opened.paths.dir, 'findings.saved-as-20260102T030405Z-3.json'));
    expect(readFileSync(join(opened.paths.dir, 'findings.saved-as-20260102T030405Z-2.json'), 'utf8')).toBe('someone else\n');
    expect(decodeLabelNifti('first', new Uint8Array(readFileSync(first.labels.path)), image.header).labels).toEqual(labelsAfter(5));
    expect(readFileSync(opened.paths.labels).equals(before.labels)).toBe(true);
    expect(readFileSync(opened.paths.findings).equals(before.findings)).toBe(true);
    expect(openAnnotation(projectDir, image).labels).toEqual(labelsAfter(1));
  });
});

describe('the async save (gzip off the event loop)', () => {
  it('encodeLabelNiftiAsync gives encodeLabelNifti\'s bytes, uint8 and uint16, and its errors', async () => {
    const { image } = project();
    const wide = Uint16Array.from(labelsAfter(2), (v, i) => (i === 7 ? 300 : v));
    for (const labels of [labelsAfter(2), wide]) {
      const sync = encodeLabelNifti(labels, image.header);
      const async = await encodeLabelNiftiAsync(labels, image.header);
      expect(async.datatype).toBe(sync.datatype);
      expect(Buffer.from(async.bytes).equals(Buffer.from(sync.bytes))).toBe(true);
    }
    expect(encodeLabelNifti(wide, image.header).datatype).toBe('uint16');
    await expect(encodeLabelNiftiAsync(new Uint8Array(7), image.header)).rejects.toThrow(/^encodeLabelNiftiAsync: labels have 7 values, the image grid \d×\d×\d has 60 voxels$/);
  });

  it('saveAnnotationAsync and saveAnnotationAsAsync write the bytes the sync ones write; a conflict writes neither file', async () => {
    const sync = project();
    const async = project();
    const what = { labels: labelsAfter(4), findings: findingsAfter(4) };
    saveAnnotation(sync.projectDir, sync.image, openAnnotation(sync.projectDir, sync.image).versions, what);
    const opened = openAnnotation(async.projectDir, async.image);
    const versions = await saveAnnotationAsync(async.projectDir, async.image, opened.versions, what);
    const paths = { sync: openAnnotation(sync.projectDir, sync.image).paths, async: opened.paths };
    expect(readFileSync(paths.async.labels).equals(readFileSync(paths.sync.labels))).toBe(true);
    expect(readFileSync(paths.async.findings).equals(readFileSync(paths.sync.findings))).toBe(true);
    expect(versions).toEqual(openAnnotation(async.projectDir, async.image).versions);

    writeFileSync(paths.async.findings, 'someone else\n');
    const labelsBefore = readFileSync(paths.async.labels);
    await expect(saveAnnotationAsync(async.projectDir, async.image, versions, { labels: labelsAfter(5), findings: findingsAfter(5) })).rejects.toThrow(FileConflictError);
    expect(readFileSync(paths.async.labels).equals(labelsBefore)).toBe(true);

    const at = new Date('2026-01-02T03:04:05.678Z');
    const a = saveAnnotationAs(sync.projectDir, sync.image, what, at);
    const b = await saveAnnotationAsAsync(async.projectDir, async.image, what, at);
    expect(b.labels.path).toBe(join(paths.async.dir, 'labels.saved-as-20260102T030405Z.nii.gz'));
    expect(readFileSync(b.labels.path).equals(readFileSync(a.labels.path))).toBe(true);
    expect(readFileSync(b.findings.path).equals(readFileSync(a.findings.path))).toBe(true);
  });
});
