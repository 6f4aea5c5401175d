/**
 * openAnnotation / saveAnnotation: a save checks both files before writing either, writes them
 * in the image's annotation folder, and discards the autosave only when it adds nothing more.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAnnotation, saveAnnotation } from '../../../src-node/annotation/annotationFiles';
import { Autosaver } from '../../../src-node/annotation/autosave';
import { FileConflictError } from '../../../src-node/annotation/fileVersion';
import { findRecoverable } from '../../../src-node/annotation/recovery';
import { findingsAfter, labelsAfter, ManualTimers, writeImage } from './autosaveFixture';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-annotation-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function project() {
  const projectDir = join(tmp, `project-${n++}`);
  mkdirSync(projectDir);
  return { projectDir, image: writeImage(join(projectDir, 'image.nii.gz')) };
}

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
