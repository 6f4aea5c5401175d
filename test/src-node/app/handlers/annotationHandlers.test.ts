/**
 * The annotation:* channels end to end on a real service host with the demo image and label map:
 * open from the reference, a brush stroke made with shared/annotation sent as its diff, conflicts
 * on a stale `before`, findings, saving (read back, a file changed on disk, overwrite, save as new
 * files beside theirs), a second
 * host on the locked project (read-only: edits in memory, saving refused), an idle autosave and
 * the flush on closing offered for recovery to the next host, and an image change that cuts the
 * old annotation off. Autosaves are driven by hand-held timers: no timing in here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnnotationChanged, AnnotationInfo, AnnotationSaved, FindingsDocument, LabelStatRow } from '../../../../shared/api/contract';
import { EditHistory, LabelTable, brushIndices, type VoxelDiff } from '../../../../shared/annotation/index';
import { readNifti } from '../../../../shared/io/nifti';
import type { AutosaveTimers } from '../../../../src-node/annotation/autosave';
import { encodeLabelNifti } from '../../../../src-node/annotation/labelNifti';
import { createServiceHost } from '../../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../../src-node/app/serviceHost';
import { errorOf, openUpload, result } from '../../../helpers/hostEnvelopes';
import { repoRoot } from '../../../helpers/sharedData';

const demoData = join(repoRoot, 'demo', 'data');
const imagePath = join(demoData, 'ch2-2mm_t1.nii.gz');
const labelPath = join(demoData, 'ch2-2mm_brain.nii.gz');
const demoLabel = readNifti(readFileSync(labelPath)).data;
const brainVoxels = Array.from(demoLabel).filter((v) => v === 1).length;

/** Timers the test fires by hand (the autosaver's idle interval). */
function handTimers(): AutosaveTimers & { fire(): void; pending(): number } {
  const due = new Map<number, () => void>();
  let next = 0;
  return {
    set: (run) => {
      due.set(++next, run);
      return next;
    },
    clear: (handle) => void due.delete(handle as number),
    fire() {
      const runs = [...due.values()];
      due.clear();
      for (const run of runs) run();
    },
    pending: () => due.size,
  };
}

/** Resolves with the first `annotation:changed` payload that `test` accepts. */
function changed(conn: ServiceConnection, test: (p: AnnotationChanged) => boolean): Promise<AnnotationChanged> {
  return new Promise((resolve) => {
    const off = conn.subscribe((event, payload) => {
      if (event === 'annotation:changed' && test(payload as AnnotationChanged)) {
        off();
        resolve(payload as AnnotationChanged);
      }
    });
  });
}

const row = (stats: LabelStatRow[], value: number) => stats.find((r) => r.value === value);

/** A saved labels file's voxels as nifti-reader-js (an independent reader) decodes them. */
function independentVoxels(path: string): Uint8Array {
  const raw = new Uint8Array(gunzipSync(readFileSync(path))).buffer;
  const h = nifti.readHeader(raw) as nifti.NIFTI1;
  expect(h.datatypeCode).toBe(nifti.NIFTI1.TYPE_UINT8);
  expect([h.dims[1], h.dims[2], h.dims[3]]).toEqual([91, 109, 91]);
  return new Uint8Array(nifti.readImage(h, raw));
}

describe('annotation handlers', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-annotation-'));
  const timers = handTimers();
  const hosts: ServiceHost[] = [];
  /** A host on the project whose new sessions open the demo image and label map. */
  async function startHost(): Promise<{ host: ServiceHost; conn: ServiceConnection }> {
    const host = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, annotationAutosave: { timers } });
    hosts.push(host);
    await host.openInitial([imagePath, labelPath]);
    const conn = host.connect({ role: 'ui' });
    result(await conn.handle('session:get', {}));
    return { host, conn };
  }
  afterAll(async () => {
    for (const h of hosts) await h.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  let a: { host: ServiceHost; conn: ServiceConnection };
  let info: AnnotationInfo;
  let history: EditHistory;
  let stroke: VoxelDiff;
  let saved: AnnotationSaved;

  it('annotation:open needs an open annotation for the other channels, and starts from the reference when nothing is saved', async () => {
    a = await startHost();
    const noAnnotation = errorOf(await a.conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(1), before: 0, after: 1 }, step: 'x' }));
    expect(noAnnotation.code).toBe('precondition');
    expect(noAnnotation.message).toContain('annotation:edit: no annotation is open');
    expect(errorOf(await a.conn.handle('annotation:open', { start: 'prediction', runId: 'r-none' }))).toEqual({ code: 'not-found', message: 'annotation:open: no run r-none' });
    expect(errorOf(await a.conn.handle('annotation:open', { start: 'recovered' })).message).toBe("annotation:open: image ch2-2mm_t1.nii.gz has no autosave that holds edits the saved files do not");
    info = result<AnnotationInfo>(await a.conn.handle('annotation:open', { start: 'saved' }));
    expect(errorOf(await a.conn.handle('annotation:reevaluate', { runId: 'r-none' }))).toEqual({ code: 'not-found', message: 'annotation:reevaluate: no run r-none' });
    expect(info.start).toBe('reference');
    expect(info.imageKey).toMatch(/^[0-9a-f]{16}$/);
    expect(info.labels.shape).toEqual([91, 109, 91]);
    expect(info.labels.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(info.labels.data)).toEqual(Array.from(demoLabel));
    expect(info).toMatchObject({ savedAt: null, edits: 0, recoverable: null });
    expect(row(info.stats, 1)).toMatchObject({ value: 1, voxels: brainVoxels, dice: null });
    expect(row(info.stats, 1)!.volumeMl).toBeCloseTo((brainVoxels * 8) / 1000, 9);
    expect(row(info.stats, 0)!.voxels).toBe(91 * 109 * 91 - brainVoxels);
    expect(info.findings).toEqual({ format: 'patchlens.findings', version: 1, image: { name: 'ch2-2mm_t1.nii.gz', shape: [91, 109, 91], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, findings: [] });
  });

  it('annotation:edit applies a brush stroke made with EditHistory and answers the new statistics; a stale before is a conflict', async () => {
    const table = LabelTable.fromJSON(info.table);
    table.add({ value: 2, name: 'lesion' });
    expect(result<{ stats: LabelStatRow[] }>(await a.conn.handle('annotation:table', { table: table.toJSON() })).stats.map((r) => r.value)).toEqual([0, 1, 2]);
    history = new EditHistory(info.labels.data as Uint8Array, { locks: table });
    const grid = { shape: info.labels.shape, spacing: info.labels.spacing };
    const applied = history.apply({ label: 'Brush 6 mm, label 2', indices: brushIndices(grid, { centre: [45, 54, 45], radiusMm: 6 }), values: 2 });
    stroke = applied.change!;
    const fromBrain = Array.from(stroke.indices).filter((v) => demoLabel[v] === 1).length;
    expect(fromBrain).toBeGreaterThan(0);
    const events: AnnotationChanged[] = [];
    const off = a.conn.subscribe((event, payload) => event === 'annotation:changed' && events.push(payload as AnnotationChanged));
    const edited = result<{ edits: number; stats: LabelStatRow[] }>(await a.conn.handle('annotation:edit', { diff: stroke, step: applied.step!.label }));
    off();
    expect(edited.edits).toBe(1);
    expect(row(edited.stats, 2)!.voxels).toBe(stroke.indices.length);
    expect(row(edited.stats, 1)!.voxels).toBe(brainVoxels - fromBrain);
    expect(events).toEqual([{ edits: 1, dirty: true, autosavedAt: null, savedAt: null }]);
    expect(timers.pending()).toBe(1);

    // The same diff again: main's copy holds 2 there now, not what `before` says.
    const stale = errorOf(await a.conn.handle('annotation:edit', { diff: stroke, step: 'again' }));
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(/^annotation:edit: voxel \d+ holds 2 in main's copy, but the edit says [01] was there; reopen the annotation$/);
    const unsorted = errorOf(await a.conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(9, 3), before: 0, after: 1 }, step: 'x' }));
    expect(unsorted).toEqual({ code: 'bad-request', message: 'annotation:edit: diff.indices must be strictly increasing, got 3 after 9 at position 1' });
    const outside = errorOf(await a.conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(91 * 109 * 91), before: 0, after: 1 }, step: 'x' }));
    expect(outside).toEqual({ code: 'bad-request', message: `annotation:edit: diff.indices[0] = ${91 * 109 * 91} is outside the image (${91 * 109 * 91} voxels)` });
    const otherImage = errorOf(await a.conn.handle('annotation:edit', { diff: stroke, step: 'x', imageKey: '0000000000000000' }));
    expect(otherImage.code).toBe('conflict');
    // Undo sends the inverse diff: main's copy is back at the label's bytes, then redo.
    const undo = history.undo()!;
    expect(result<{ edits: number; stats: LabelStatRow[] }>(await a.conn.handle('annotation:edit', { diff: undo, step: 'Undo' })).stats.find((r) => r.value === 1)!.voxels).toBe(brainVoxels);
    expect(result<{ edits: number }>(await a.conn.handle('annotation:edit', { diff: history.redo()!, step: 'Redo', imageKey: info.imageKey })).edits).toBe(3);
    // After a conflict the page reopens with `recovered`: main's copy as it is, edits and all.
    const resync = result<AnnotationInfo>(await a.conn.handle('annotation:open', { start: 'recovered' }));
    expect(resync).toMatchObject({ start: 'reference', edits: 3 });
    expect(Buffer.from(resync.labels.data as Uint8Array).equals(Buffer.from(history.labels))).toBe(true);
  });

  it('annotation:findings takes a document of this image and refuses one of another shape', async () => {
    const findings: FindingsDocument = {
      ...info.findings,
      findings: [{ id: 'finding-1', shape: { kind: 'point', voxel: [45, 54, 45] }, category: 'reference error', severity: 2, note: 'lesion missing', author: 'test', time: '2026-01-02T03:04:05Z', patch: null }],
    };
    expect(result(await a.conn.handle('annotation:findings', { findings }))).toEqual({ count: 1 });
    const wrong = errorOf(await a.conn.handle('annotation:findings', { findings: { ...findings, image: { name: 'x.nii', shape: [2, 3, 4] }, findings: [] } }));
    expect(wrong).toEqual({ code: 'bad-request', message: 'annotation:findings: the findings are of an image of shape [2, 3, 4], the open image ch2-2mm_t1.nii.gz is [91, 109, 91]' });
    info = { ...info, findings };
  });

  it('annotation:save writes main copy into the annotation folder; a file changed on disk is a conflict until overwritten', async () => {
    saved = result<AnnotationSaved>(await a.conn.handle('annotation:save', {}));
    const dir = join(projectDir, 'annotations', info.imageKey);
    expect(saved).toEqual({ savedAt: expect.any(String), labelsPath: join(dir, 'labels.nii.gz'), findingsPath: join(dir, 'findings.json') });
    const back = readNifti(readFileSync(saved.labelsPath));
    expect(back.shape).toEqual([91, 109, 91]);
    expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(history.labels))).toBe(true);
    expect(JSON.parse(readFileSync(saved.findingsPath, 'utf8'))).toEqual(info.findings);

    // Someone else rewrites the findings; the next save refuses, naming the file.
    writeFileSync(saved.findingsPath, JSON.stringify({ ...info.findings, findings: [] }));
    const more = history.apply({ label: 'Brush 2 mm, label 2', indices: brushIndices({ shape: [91, 109, 91], spacing: [2, 2, 2] }, { centre: [20, 54, 45], radiusMm: 2 }), values: 2 });
    result(await a.conn.handle('annotation:edit', { diff: more.change!, step: more.step!.label }));
    const labelsBefore = readFileSync(saved.labelsPath);
    const conflict = errorOf(await a.conn.handle('annotation:save', {}));
    expect(conflict.code).toBe('conflict');
    expect(conflict.message).toContain(`${saved.findingsPath} was changed by someone else since it was opened`);
    expect(readFileSync(saved.labelsPath).equals(labelsBefore)).toBe(true); // neither file was written
    saved = result<AnnotationSaved>(await a.conn.handle('annotation:save', { resolution: 'overwrite' }));
    expect(Buffer.from(readNifti(readFileSync(saved.labelsPath)).data as Uint8Array).equals(Buffer.from(history.labels))).toBe(true);
    expect(JSON.parse(readFileSync(saved.findingsPath, 'utf8'))).toEqual(info.findings);
    expect(timers.pending()).toBe(0); // a save leaves no autosave due
  });

  it('an idle autosave; a second host on the locked project opens the saved files read-only and cannot save', async () => {
    const next = history.apply({ label: 'Brush 2 mm, label 1', indices: brushIndices({ shape: [91, 109, 91], spacing: [2, 2, 2] }, { centre: [70, 54, 45], radiusMm: 2 }), values: 1 });
    result(await a.conn.handle('annotation:edit', { diff: next.change!, step: next.step!.label }));
    const autosaved = changed(a.conn, (p) => p.autosavedAt !== null);
    timers.fire();
    expect(await autosaved).toMatchObject({ edits: 5, dirty: true, savedAt: saved.savedAt });

    const b = await startHost();
    const state = result<{ project: { readOnly: boolean } }>(await b.conn.handle('session:get', {}));
    expect(state.project.readOnly).toBe(true);
    const other = result<AnnotationInfo>(await b.conn.handle('annotation:open', { start: 'saved' }));
    expect(other.start).toBe('saved');
    expect(other.savedAt).toBe(saved.savedAt);
    expect(other.findings).toEqual(info.findings);
    expect(Buffer.from(other.labels.data as Uint8Array).equals(Buffer.from(readNifti(readFileSync(saved.labelsPath)).data as Uint8Array))).toBe(true);
    expect(other.recoverable).toMatchObject({ edits: 5, reason: 'idle' });
    // Edits work in memory; saving and discarding are refused.
    result(await b.conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(0), before: 0, after: 1 }, step: 'dot' }));
    expect(errorOf(await b.conn.handle('annotation:save', {})).code).toBe('forbidden');
    expect(errorOf(await b.conn.handle('annotation:discardRecovery', {})).code).toBe('forbidden');
    await b.host.close();
  });

  it('closing the host autosaves what is left; the next host offers it and recovers main copy exactly', async () => {
    const last = history.apply({ label: 'Brush 2 mm, label 2', indices: brushIndices({ shape: [91, 109, 91], spacing: [2, 2, 2] }, { centre: [45, 20, 45], radiusMm: 2 }), values: 2 });
    result(await a.conn.handle('annotation:edit', { diff: last.change!, step: last.step!.label }));
    await a.host.close();

    const c = await startHost();
    const opened = result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'saved' }));
    expect(opened.start).toBe('saved');
    expect(opened.recoverable).toMatchObject({ edits: 6, reason: 'close' });
    const recovered = result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'recovered' }));
    expect(recovered).toMatchObject({ start: 'recovered', edits: 6, recoverable: null });
    expect(Buffer.from(recovered.labels.data as Uint8Array).equals(Buffer.from(history.labels))).toBe(true);
    expect(row(recovered.stats, 2)!.voxels).toBe(history.labels.filter((v) => v === 2).length);

    // Declining: discarding the autosave leaves nothing on offer.
    result(await c.conn.handle('annotation:open', { start: 'saved' }));
    expect(result(await c.conn.handle('annotation:discardRecovery', {}))).toEqual({});
    expect(result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'saved' })).recoverable).toBeNull();
    expect(errorOf(await c.conn.handle('annotation:open', { start: 'recovered' })).code).toBe('precondition');

    // Keep theirs: their files become the annotation, our edits stay in the autosave.
    const theirs: FindingsDocument = { ...info.findings, findings: [] };
    writeFileSync(saved.findingsPath, JSON.stringify(theirs));
    result(await c.conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(3), before: 0, after: 1 }, step: 'dot' }));
    expect(errorOf(await c.conn.handle('annotation:save', {})).code).toBe('conflict');
    const kept = result<AnnotationSaved>(await c.conn.handle('annotation:save', { resolution: 'keep-theirs' }));
    expect(kept.findingsPath).toBe(saved.findingsPath);
    expect(JSON.parse(readFileSync(saved.findingsPath, 'utf8'))).toEqual(theirs);
    const ours = result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'recovered' }));
    expect(ours.labels.data[3]).toBe(1);
    expect(ours.findings).toEqual(info.findings);
    const reloaded = result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'saved' }));
    expect(reloaded.findings).toEqual(theirs);
    expect(reloaded.labels.data[3]).toBe(0);
  });

  it('annotation:save with save-as writes ours to new files beside theirs, leaves theirs byte for byte, is clean after, and a later plain save is still a conflict', async () => {
    const d = hosts[hosts.length - 1].connect({ role: 'ui' });
    result(await d.handle('session:get', {}));
    const mine = result<AnnotationInfo>(await d.handle('annotation:open', { start: 'saved' }));
    expect(mine.start).toBe('saved');
    const dir = join(projectDir, 'annotations', mine.imageKey);
    const canonical = { labels: join(dir, 'labels.nii.gz'), findings: join(dir, 'findings.json') };
    const ours = Uint8Array.from(mine.labels.data as Uint8Array);
    expect([ours[7], ours[11]]).toEqual([0, 0]);
    ours[7] = 2;
    result(await d.handle('annotation:edit', { diff: { indices: Uint32Array.of(7), before: 0, after: 2 }, step: 'dot' }));
    const ourFindings: FindingsDocument = { ...mine.findings, findings: [{ id: 'finding-9', shape: { kind: 'point', voxel: [1, 2, 3] }, category: 'reference error', severity: 1, note: 'ours', author: 'test', time: '2026-02-03T04:05:06Z', patch: null }] };
    result(await d.handle('annotation:findings', { findings: ourFindings }));

    // Someone else writes the labels behind main's back: their map has a 3 at voxel 11 and 0 at 7.
    const theirMap = Uint8Array.from(mine.labels.data as Uint8Array);
    theirMap[11] = 3;
    const theirLabels = encodeLabelNifti(theirMap, readNifti(readFileSync(imagePath)).header).bytes;
    writeFileSync(canonical.labels, theirLabels);
    const theirFindings = readFileSync(canonical.findings);
    const conflict = errorOf(await d.handle('annotation:save', {}));
    expect(conflict.code).toBe('conflict');
    expect(conflict.message).toContain(`${canonical.labels} was changed by someone else since it was opened`);
    expect(conflict.message).toMatch(/\(save again with resolution 'overwrite' to replace it, 'save-as' to write ours to new files beside it, or 'keep-theirs' to reload it\)$/);

    const events: AnnotationChanged[] = [];
    const off = d.subscribe((event, payload) => event === 'annotation:changed' && events.push(payload as AnnotationChanged));
    const savedAs = result<AnnotationSaved>(await d.handle('annotation:save', { resolution: 'save-as' }));
    off();
    expect(dirname(savedAs.labelsPath)).toBe(dir);
    const stamp = /^labels\.saved-as-(\d{8}T\d{6}Z(?:-\d+)?)\.nii\.gz$/.exec(basename(savedAs.labelsPath))![1];
    expect(savedAs.findingsPath).toBe(join(dir, `findings.saved-as-${stamp}.json`));
    expect(Buffer.from(independentVoxels(savedAs.labelsPath)).equals(Buffer.from(ours))).toBe(true);
    expect(JSON.parse(readFileSync(savedAs.findingsPath, 'utf8'))).toEqual(ourFindings);
    expect(readFileSync(canonical.labels).equals(Buffer.from(theirLabels))).toBe(true);
    expect(readFileSync(canonical.findings).equals(theirFindings)).toBe(true);
    expect(events).toEqual([{ edits: 1, dirty: false, autosavedAt: null, savedAt: savedAs.savedAt }]); // one label edit (findings are no edit step)
    expect(timers.pending()).toBe(0); // clean: no autosave due

    // Their file is still not the version we opened: a plain save is refused again, writing nothing.
    expect(errorOf(await d.handle('annotation:save', {})).code).toBe('conflict');
    expect(readFileSync(canonical.labels).equals(Buffer.from(theirLabels))).toBe(true);
    // A second save-as gets a pair of its own; the first pair stays as written.
    const firstLabels = readFileSync(savedAs.labelsPath);
    const again = result<AnnotationSaved>(await d.handle('annotation:save', { resolution: 'save-as' }));
    expect(again.labelsPath).not.toBe(savedAs.labelsPath);
    expect(again.findingsPath).not.toBe(savedAs.findingsPath);
    expect(basename(again.labelsPath)).toMatch(/^labels\.saved-as-\d{8}T\d{6}Z(-\d+)?\.nii\.gz$/);
    expect(existsSync(again.findingsPath)).toBe(true);
    expect(readFileSync(savedAs.labelsPath).equals(firstLabels)).toBe(true);
    // Opening the saved annotation gives theirs.
    const reopened = result<AnnotationInfo>(await d.handle('annotation:open', { start: 'saved' }));
    expect([reopened.labels.data[7], reopened.labels.data[11]]).toEqual([0, 3]);
    expect(errorOf(await d.handle('annotation:save', { resolution: 'merge' }))).toEqual({ code: 'bad-request', message: 'annotation:save: resolution must be one of overwrite, keep-theirs, save-as, got "merge"' });
  });

  it('after the image changed, an edit cannot reach the old image labels', async () => {
    const c = { conn: hosts[hosts.length - 1].connect({ role: 'ui' }) };
    result(await c.conn.handle('session:get', {}));
    const old = result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'reference' }));
    const oldDiff = { indices: Uint32Array.of(5), before: 0, after: 2 };
    const mirrored = readFileSync(join(demoData, 'ch2-2mm-mirrored_t1.nii.gz'));
    result(await openUpload(c.conn, 'image', [{ name: 'mirrored.nii.gz', bytes: new Uint8Array(mirrored) }]));
    const cut = errorOf(await c.conn.handle('annotation:edit', { diff: oldDiff, step: 'late stroke', imageKey: old.imageKey }));
    expect(cut.code).toBe('precondition');
    const fresh = result<AnnotationInfo>(await c.conn.handle('annotation:open', { start: 'saved' }));
    expect(fresh.start).toBe('empty'); // the label map closed with the image; nothing saved for this one
    expect(fresh.imageKey).not.toBe(old.imageKey);
    const wrongImage = errorOf(await c.conn.handle('annotation:edit', { diff: oldDiff, step: 'late stroke', imageKey: old.imageKey }));
    expect(wrongImage.code).toBe('conflict');
    expect(wrongImage.message).toContain(`the edit is of image ${old.imageKey}, but the open annotation is of mirrored.nii.gz`);
    // The old image's saved labels are untouched.
    expect(readNifti(readFileSync(saved.labelsPath)).data[5]).toBe(0);
  });
});
