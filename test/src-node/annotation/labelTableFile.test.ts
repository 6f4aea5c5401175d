/**
 * labelTable.json beside the labels: its bytes and reader (format, version, LabelTable's checks,
 * every error naming the file), saveAnnotation writing and checking it like the other two files
 * (a changed table is a conflict that writes nothing), save-as writing it with the same stamp,
 * and the autosave carrying it (labelTable-<n>.json, reused while unchanged), offered for
 * recovery when only the table changed and returned by recover; a version 1 autosave.json
 * (before tables were autosaved) still recovers.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelTable, type LabelTableJSON } from '../../../shared/annotation/labelTable';
import { openAnnotation, saveAnnotation, saveAnnotationAs } from '../../../src-node/annotation/annotationFiles';
import { Autosaver } from '../../../src-node/annotation/autosave';
import { FileConflictError } from '../../../src-node/annotation/fileVersion';
import { LabelTableFileError, labelTableBytes, parseLabelTable } from '../../../src-node/annotation/labelTableFile';
import { findRecoverable, recover } from '../../../src-node/annotation/recovery';
import { findingsAfter, labelsAfter, ManualTimers, tempProjects } from './autosaveFixture';

const projects = tempProjects('patchlens-label-table-');
afterAll(() => projects.remove());
const project = projects.project;

/** What the user made of the default table: label 2 renamed "Tumour", recoloured and locked, label 1 hidden. */
function edited(): LabelTableJSON {
  const t = LabelTable.fromValues(labelsAfter(2));
  t.rename(2, 'Tumour');
  t.recolour(2, [250, 20, 30]);
  t.setLocked(2, true);
  t.setVisible(1, false);
  return t.toJSON();
}

const EDITED_LABELS = [
  { value: 0, name: 'background', colour: [0, 0, 0], locked: false, visible: true },
  { value: 1, name: 'label 1', colour: [128, 174, 128], locked: false, visible: false },
  { value: 2, name: 'Tumour', colour: [250, 20, 30], locked: true, visible: true },
];

describe('labelTable.json', () => {
  it('is the LabelTableJSON with format and version in front, and reads back to the same table', () => {
    const text = new TextDecoder().decode(labelTableBytes(edited()));
    expect(JSON.parse(text)).toEqual({ format: 'patchlens.labelTable', version: 1, datatype: 'uint8', labels: EDITED_LABELS });
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseLabelTable('t.json', text)).toEqual({ datatype: 'uint8', labels: EDITED_LABELS });
  });

  it('refuses what is not one, naming the file and what is wrong', () => {
    const fail = (content: string) => {
      try {
        parseLabelTable('/p/labelTable.json', content);
      } catch (e) {
        expect(e).toBeInstanceOf(LabelTableFileError);
        return [(e as LabelTableFileError).problem, (e as Error).message];
      }
      throw new Error('parseLabelTable accepted it');
    };
    expect(fail('{ not json')[0]).toBe('json');
    expect(fail('{ not json')[1]).toMatch(/^\/p\/labelTable\.json is not valid JSON: /);
    expect(fail('[]')).toEqual(['format', '/p/labelTable.json is not a PatchLens label table: expected a JSON object, got an array']);
    expect(fail(JSON.stringify(edited()))).toEqual(['format', '/p/labelTable.json is not a PatchLens label table: format undefined version undefined, expected patchlens.labelTable version 1']);
    expect(fail(JSON.stringify({ format: 'patchlens.labelTable', version: 2, ...edited() }))[1]).toBe('/p/labelTable.json is not a PatchLens label table: format "patchlens.labelTable" version 2, expected patchlens.labelTable version 1');
    const twice = { format: 'patchlens.labelTable', version: 1, datatype: 'uint8', labels: [{ value: 3, name: 'a' }, { value: 3, name: 'b' }] };
    expect(fail(JSON.stringify(twice))).toEqual(['table', '/p/labelTable.json is not a label table: LabelTable: label value 3 appears twice (names "a" and "b")']);
    const locked = { format: 'patchlens.labelTable', version: 1, datatype: 'uint8', labels: [{ value: 0, name: 'bg', locked: true }] };
    expect(fail(JSON.stringify(locked))[1]).toBe('/p/labelTable.json is not a label table: LabelTable: the background (0) cannot be locked');
  });
});

describe('saveAnnotation with the label table', () => {
  it('writes labelTable.json beside the labels and opens it again; an old folder without one opens with table null', () => {
    const { projectDir, image } = project();
    const first = openAnnotation(projectDir, image);
    expect(first).toMatchObject({ table: null, versions: { table: { exists: false } } });
    expect(first.paths.table).toBe(join(first.paths.dir, 'labelTable.json'));
    saveAnnotation(projectDir, image, first.versions, { labels: labelsAfter(2), findings: findingsAfter(1) });
    expect(openAnnotation(projectDir, image).table).toBeNull(); // not given: not written
    const versions = saveAnnotation(projectDir, image, openAnnotation(projectDir, image).versions, { labels: labelsAfter(2), findings: findingsAfter(1), table: edited() });
    expect(readdirSync(first.paths.dir).sort()).toEqual(['findings.json', 'labelTable.json', 'labels.nii.gz']);
    const again = openAnnotation(projectDir, image);
    expect(again.table).toEqual({ datatype: 'uint8', labels: EDITED_LABELS });
    expect(again.versions).toEqual(versions);
  });

  it('a labelTable.json changed on disk since it was opened is a conflict naming it, and no file is written', () => {
    const { projectDir, image } = project();
    saveAnnotation(projectDir, image, openAnnotation(projectDir, image).versions, { labels: labelsAfter(1), findings: findingsAfter(1), table: edited() });
    const mine = openAnnotation(projectDir, image);
    const theirs = readFileSync(mine.paths.table, 'utf8').replace('Tumour', 'Their tumour');
    writeFileSync(mine.paths.table, theirs);
    const before = { labels: readFileSync(mine.paths.labels), findings: readFileSync(mine.paths.findings) };
    let error: unknown = null;
    try {
      saveAnnotation(projectDir, image, mine.versions, { labels: labelsAfter(3), findings: findingsAfter(3), table: edited() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileConflictError);
    expect((error as FileConflictError).path).toBe(mine.paths.table);
    expect((error as Error).message).toContain(`${mine.paths.table} was changed by someone else since it was opened`);
    expect(readFileSync(mine.paths.labels).equals(before.labels)).toBe(true);
    expect(readFileSync(mine.paths.findings).equals(before.findings)).toBe(true);
    expect(readFileSync(mine.paths.table, 'utf8')).toBe(theirs);
  });

  it('a labelTable.json that is not a table makes openAnnotation throw, naming the file', () => {
    const { projectDir, image } = project();
    const opened = openAnnotation(projectDir, image);
    saveAnnotation(projectDir, image, opened.versions, { labels: labelsAfter(1), findings: findingsAfter(1), table: edited() });
    writeFileSync(opened.paths.table, '{"format": "patchlens.labelTable", "version": 1, "datatype": "uint8", "labels": [{"value": 1, "name": ""}]}');
    expect(() => openAnnotation(projectDir, image)).toThrow(`${opened.paths.table} is not a label table: LabelTable: a label name must be a non-empty string, got ""`);
  });

  it('save-as writes labelTable.saved-as-<stamp>.json with the labels and findings of the same stamp; the saved table stays theirs', () => {
    const { projectDir, image } = project();
    const opened = openAnnotation(projectDir, image);
    saveAnnotation(projectDir, image, opened.versions, { labels: labelsAfter(1), findings: findingsAfter(1), table: LabelTable.fromValues(labelsAfter(1)).toJSON() });
    const theirs = readFileSync(opened.paths.table);
    const at = new Date('2026-01-02T03:04:05.678Z');
    // A stray file holding only the table's name of the first stamp: the whole set moves on to -2.
    writeFileSync(join(opened.paths.dir, 'labelTable.saved-as-20260102T030405Z.json'), 'someone else\n');
    const written = saveAnnotationAs(projectDir, image, { labels: labelsAfter(2), findings: findingsAfter(2), table: edited() }, at);
    expect([written.labels.path, written.findings.path, written.table?.path]).toEqual(
      ['labels.saved-as-20260102T030405Z-2.nii.gz', 'findings.saved-as-20260102T030405Z-2.json', 'labelTable.saved-as-20260102T030405Z-2.json'].map((f) => join(opened.paths.dir, f)),
    );
    expect(parseLabelTable('saved-as', readFileSync(written.table!.path))).toEqual({ datatype: 'uint8', labels: EDITED_LABELS });
    expect(readFileSync(opened.paths.table).equals(theirs)).toBe(true);
    expect(saveAnnotationAs(projectDir, image, { labels: labelsAfter(2), findings: findingsAfter(2) }, at).table).toBeNull(); // no table given
  });
});

describe('the autosave with the label table', () => {
  it('writes labelTable-<n>.json, reuses it while unchanged, offers a table-only change and recovers it', async () => {
    const { projectDir, image } = project();
    const state = { table: LabelTable.fromValues(labelsAfter(2)).toJSON() };
    const autosaver = new Autosaver({ projectDir, image, timers: new ManualTimers(), snapshot: () => ({ labels: labelsAfter(2), findings: findingsAfter(1), table: state.table, edits: 2 }) });
    // Saved: labels, findings and the default table; the autosave holds the same.
    saveAnnotation(projectDir, image, openAnnotation(projectDir, image).versions, { labels: labelsAfter(2), findings: findingsAfter(1), table: state.table });
    autosaver.markDirty();
    const m1 = await autosaver.autosaveNow();
    expect(m1).toMatchObject({ version: 2, files: { labels: 'labels-1.nii.gz', findings: 'findings-1.json', table: 'labelTable-1.json' }, tableSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(findRecoverable(projectDir).recoverable).toEqual([]);
    // Only the table changes (rename, recolour, lock): a new table file, the others reused; offered as a table change.
    state.table = edited();
    autosaver.markDirty();
    const m2 = await autosaver.autosaveNow();
    expect(m2?.files).toEqual({ labels: 'labels-1.nii.gz', findings: 'findings-1.json', table: 'labelTable-2.json' });
    expect(readdirSync(autosaver.paths.autosaveDir).sort()).toEqual(['autosave.json', 'findings-1.json', 'labelTable-2.json', 'labels-1.nii.gz']);
    expect(findRecoverable(projectDir).recoverable).toMatchObject([{ labels: false, findings: false, table: true, edits: 2 }]);
    expect(recover(projectDir, m2!.imageSha256.slice(0, 16), image.header).table).toEqual({ datatype: 'uint8', labels: EDITED_LABELS });
  });

  it('a damaged autosaved table is refused naming the file; a version 1 autosave.json (no table) still recovers', async () => {
    const { projectDir, image } = project();
    const autosaver = new Autosaver({ projectDir, image, timers: new ManualTimers(), snapshot: () => ({ labels: labelsAfter(3), findings: null, table: edited(), edits: 3 }) });
    autosaver.markDirty();
    const m = (await autosaver.flush())!;
    const key = image.sha256.slice(0, 16);
    const tableFile = join(autosaver.paths.autosaveDir, 'labelTable-1.json');
    writeFileSync(tableFile, readFileSync(tableFile, 'utf8').replace('Tumour', 'Tumor'));
    expect(() => recover(projectDir, key)).toThrow(`recover: the autosave is damaged: ${tableFile} does not match the SHA-256 in autosave.json`);
    // What PatchLens wrote before tables were autosaved.
    const v1 = { ...m, version: 1, files: { labels: m.files.labels, findings: null } } as Record<string, unknown>;
    delete v1.tableSha256;
    writeFileSync(autosaver.paths.manifest, JSON.stringify(v1));
    const back = recover(projectDir, key, image.header);
    expect(back.table).toBeNull();
    expect(back.labels).toEqual(labelsAfter(3));
    expect(findRecoverable(projectDir)).toMatchObject({ recoverable: [{ labels: true, table: false }], unreadable: [] });
  });
});
