/**
 * findRecoverable lists only autosaves that add to the saved files (what, from when, how many
 * edits), recover returns their data checked against the manifest, discard removes them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { annotationPaths, imageKeyOf } from '../../../src-node/annotation/annotationFolder';
import { findingsBytes, writeAutosave } from '../../../src-node/annotation/autosaveFiles';
import { encodeLabelNifti } from '../../../src-node/annotation/labelNifti';
import { discard, findRecoverable, recover } from '../../../src-node/annotation/recovery';
import { findingsAfter, labelsAfter, writeImage } from './autosaveFixture';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-recovery-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A project with one image and an autosave of `edits` edits written at `savedAt`. */
function withAutosave(edits: number, savedAt = new Date('2026-03-01T10:00:00.000Z')) {
  const projectDir = join(tmp, `project-${n++}`);
  mkdirSync(projectDir);
  const image = writeImage(join(projectDir, 'image.nii.gz'));
  const key = imageKeyOf(image.sha256);
  const paths = annotationPaths(projectDir, key);
  const labels = encodeLabelNifti(labelsAfter(edits), image.header).bytes;
  const manifest = writeAutosave(paths, { imagePath: image.path, imageSha256: image.sha256, labels, findings: findingsBytes(findingsAfter(edits)), edits, reason: 'idle', savedAt }, null);
  return { projectDir, image, key, paths, labels, manifest };
}

describe('findRecoverable', () => {
  it('lists an autosave with nothing saved yet: what, from when, how many edits', () => {
    const a = withAutosave(4);
    expect(findRecoverable(a.projectDir)).toEqual({
      recoverable: [
        {
          imageKey: a.key,
          imagePath: a.image.path,
          imageSha256: a.image.sha256,
          savedAt: '2026-03-01T10:00:00.000Z',
          edits: 4,
          reason: 'idle',
          labels: true,
          findings: true,
          table: false,
          savedLabelsAt: null,
          savedFindingsAt: null,
          savedTableAt: null,
        },
      ],
      unreadable: [],
    });
  });

  it('does not list it when the saved files hold the same content, or were saved after it', () => {
    const a = withAutosave(4);
    mkdirSync(a.paths.dir, { recursive: true });
    writeFileSync(a.paths.labels, a.labels); // saved: the same labels
    writeFileSync(a.paths.findings, findingsBytes(findingsAfter(2))); // saved: other findings, older
    utimesSync(a.paths.findings, new Date('2026-03-01T09:00:00.000Z'), new Date('2026-03-01T09:00:00.000Z'));
    expect(findRecoverable(a.projectDir).recoverable).toMatchObject([{ labels: false, findings: true, savedFindingsAt: '2026-03-01T09:00:00.000Z' }]);
    // the findings saved after the autosave supersede it
    utimesSync(a.paths.findings, new Date('2026-03-01T11:00:00.000Z'), new Date('2026-03-01T11:00:00.000Z'));
    expect(findRecoverable(a.projectDir).recoverable).toEqual([]);
  });

  it('lists a damaged autosave.json as unreadable instead of hiding it; a project without annotations lists nothing', () => {
    const a = withAutosave(1);
    writeFileSync(a.paths.manifest, '{"format": "patchlens.autosave", "version": 1, "imagePath"');
    const found = findRecoverable(a.projectDir);
    expect(found.recoverable).toEqual([]);
    expect(found.unreadable).toEqual([{ imageKey: a.key, problem: expect.stringMatching(/autosave\.json is not valid JSON/) }]);
    expect(findRecoverable(join(tmp, 'no-such-project'))).toEqual({ recoverable: [], unreadable: [] });
  });
});

describe('recover', () => {
  it('returns the labels (on the image grid) and the findings of the autosave', () => {
    const a = withAutosave(7);
    const back = recover(a.projectDir, a.key, a.image.header);
    expect(back.labels).toEqual(labelsAfter(7));
    expect(back.findings).toEqual(findingsAfter(7));
    expect(back.manifest).toEqual(a.manifest);
    expect(back.labelsBytes).toEqual(a.labels);
  });

  it('refuses a file that does not match the manifest, naming it', () => {
    const a = withAutosave(2);
    const file = join(a.paths.autosaveDir, 'findings-1.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('f1', 'fX'));
    expect(() => recover(a.projectDir, a.key)).toThrow(`recover: the autosave is damaged: ${file} does not match the SHA-256 in autosave.json`);
  });

  it('says so when there is no autosave', () => {
    const a = withAutosave(1);
    discard(a.projectDir, a.key);
    expect(() => recover(a.projectDir, a.key)).toThrow(`recover: no usable autosave for image ${a.key} (${a.paths.manifest} does not exist)`);
  });
});

describe('discard', () => {
  it('removes the autosave (nothing is offered again) and leaves the saved files', () => {
    const a = withAutosave(3);
    writeFileSync(a.paths.findings, 'saved findings');
    expect(discard(a.projectDir, a.key)).toBe(true);
    expect(findRecoverable(a.projectDir).recoverable).toEqual([]);
    expect(readFileSync(a.paths.findings, 'utf8')).toBe('saved findings');
    expect(discard(a.projectDir, a.key)).toBe(false);
  });
});
