/**
 * The label table is part of the saved annotation, through the service's handlers on a real host
 * with the demo image and brain mask: a rename, recolour and lock sent with `annotation:table`
 * leave the annotation unsaved (the same table again changes nothing), `annotation:save` writes
 * labelTable.json, and after closing the host the next one opens `saved` with exactly that table
 * (a label without voxels included, which a table rebuilt from the values would lose). A table
 * changed on disk is a conflict (nothing written) until overwritten; a corrupt one refuses the
 * open, naming the file. After a simulated crash (the annotation folder as the idle autosave
 * left it, no closing flush) a table-only change is offered and `recovered` brings it back.
 * Autosaves run on hand-fired timers: no timing in here.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnnotationChanged, AnnotationInfo, AnnotationSaved, LabelTableJSON } from '../../../../shared/api/contract';
import { LabelTable } from '../../../../shared/annotation/labelTable';
import { parseLabelTable } from '../../../../src-node/annotation/labelTableFile';
import { createServiceHost } from '../../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../../src-node/app/serviceHost';
import { errorOf, recorder, result } from '../../../helpers/hostEnvelopes';
import { repoRoot } from '../../../helpers/sharedData';
import { ManualTimers } from '../../annotation/autosaveFixture';

const demoData = join(repoRoot, 'demo', 'data');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-annotation-table-'));
const timers = new ManualTimers();
const hosts: ServiceHost[] = [];
afterAll(async () => {
  for (const h of hosts) await h.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A host on `projectDir` whose session has the demo image and brain mask open, and its connection. */
async function startHost(projectDir: string): Promise<{ host: ServiceHost; conn: ServiceConnection }> {
  const host = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, annotationAutosave: { timers } });
  hosts.push(host);
  await host.openInitial([join(demoData, 'ch2-2mm_t1.nii.gz'), join(demoData, 'ch2-2mm_brain.nii.gz')]);
  const conn = host.connect({ role: 'ui' });
  result(await conn.handle('session:get', {}));
  return { host, conn };
}

const open = async (conn: ServiceConnection, start: 'saved' | 'recovered' | 'reference') => result<AnnotationInfo>(await conn.handle('annotation:open', { start }));
const sendTable = async (conn: ServiceConnection, table: LabelTable) => result(await conn.handle('annotation:table', { table: table.toJSON() }));

/** What the user does in the label list: adds "Label 2", renames it "Tumour", recolours and locks it, recolours the brain. */
async function editTable(conn: ServiceConnection, info: AnnotationInfo): Promise<LabelTableJSON> {
  const table = LabelTable.fromJSON(info.table);
  table.add({ value: 2, name: 'Label 2' });
  await sendTable(conn, table);
  table.rename(2, 'Tumour');
  table.recolour(2, [250, 20, 30]);
  table.setLocked(2, true);
  table.recolour(1, [0, 0, 255]);
  await sendTable(conn, table);
  return table.toJSON();
}

const EDITED: LabelTableJSON = {
  datatype: 'uint8',
  labels: [
    { value: 0, name: 'background', colour: [0, 0, 0], locked: false, visible: true },
    { value: 1, name: 'label 1', colour: [0, 0, 255], locked: false, visible: true },
    { value: 2, name: 'Tumour', colour: [250, 20, 30], locked: true, visible: true },
  ],
};

describe('the label table through annotation:table, save and reopen', () => {
  const projectDir = join(tmp, 'project');
  let tablePath = '';

  it('a table change leaves the annotation unsaved; save writes labelTable.json; the next host opens saved with the same table', async () => {
    const a = await startHost(projectDir);
    const first = await open(a.conn, 'reference');
    expect(first.table.labels.map((l) => l.name)).toEqual(['background', 'label 1']);
    result(await a.conn.handle('annotation:save', {})); // saved as it started: clean
    const rec = recorder(a.conn);
    const table = await editTable(a.conn, first);
    expect(table).toEqual(EDITED);
    expect(rec.events.map((e) => e.payload as AnnotationChanged)).toEqual([
      { edits: 0, dirty: true, autosavedAt: null, savedAt: expect.any(String) },
      { edits: 0, dirty: true, autosavedAt: null, savedAt: expect.any(String) },
    ]);
    expect(timers.pending.size).toBe(1); // an autosave is due
    await sendTable(a.conn, LabelTable.fromJSON(table)); // the same table again: no change
    expect(rec.events).toHaveLength(2);
    rec.off();

    const saved = result<AnnotationSaved>(await a.conn.handle('annotation:save', {}));
    tablePath = join(projectDir, 'annotations', first.imageKey, 'labelTable.json');
    expect(JSON.parse(readFileSync(tablePath, 'utf8'))).toEqual({ format: 'patchlens.labelTable', version: 1, ...EDITED });
    expect(timers.pending.size).toBe(0);
    await a.host.close();

    const b = await startHost(projectDir);
    const reopened = await open(b.conn, 'saved');
    expect(reopened).toMatchObject({ start: 'saved', savedAt: saved.savedAt, recoverable: null });
    expect(reopened.table).toEqual(EDITED);
    expect(reopened.stats.map((r) => [r.value, r.voxels > 0])).toEqual([[0, true], [1, true], [2, false]]);
    // A start from the reference keeps the table built from its values, as before.
    expect((await open(b.conn, 'reference')).table.labels.map((l) => [l.name, l.colour])).toEqual([['background', [0, 0, 0]], ['label 1', [128, 174, 128]]]);
    await b.host.close();
  });

  it('a labelTable.json changed on disk is a conflict naming it (nothing written) until overwritten', async () => {
    const c = await startHost(projectDir);
    const info = await open(c.conn, 'saved');
    const dir = join(projectDir, 'annotations', info.imageKey);
    const mine = LabelTable.fromJSON(info.table);
    mine.setVisible(1, false);
    await sendTable(c.conn, mine);
    const theirs = readFileSync(tablePath, 'utf8').replace('Tumour', 'Oedema');
    writeFileSync(tablePath, theirs);
    const labelsBefore = readFileSync(join(dir, 'labels.nii.gz'));
    const findingsBefore = readFileSync(join(dir, 'findings.json'));
    const conflict = errorOf(await c.conn.handle('annotation:save', {}));
    expect(conflict.code).toBe('conflict');
    expect(conflict.message).toContain(`annotation:save: saveAnnotation: ${tablePath} was changed by someone else since it was opened`);
    expect(readFileSync(tablePath, 'utf8')).toBe(theirs);
    expect(readFileSync(join(dir, 'labels.nii.gz')).equals(labelsBefore)).toBe(true);
    expect(readFileSync(join(dir, 'findings.json')).equals(findingsBefore)).toBe(true);
    result(await c.conn.handle('annotation:save', { resolution: 'overwrite' }));
    expect(parseLabelTable(tablePath, readFileSync(tablePath))).toEqual(mine.toJSON());
    expect((await open(c.conn, 'saved')).table.labels[1]).toEqual({ value: 1, name: 'label 1', colour: [0, 0, 255], locked: false, visible: false });
  });

  it('a corrupt labelTable.json refuses the open, naming the file; removed, the labels open with a rebuilt table', async () => {
    const c = { conn: hosts[hosts.length - 1].connect({ role: 'ui' }) };
    result(await c.conn.handle('session:get', {}));
    writeFileSync(tablePath, '{"format": "patchlens.labelTable", "version": 1, "datatype": "uint8", "labels": [{"value": 1, "name": "Brain", "colour": [0, 0, 300]}]}');
    const bad = errorOf(await c.conn.handle('annotation:open', { start: 'saved' }));
    expect(bad).toEqual({
      code: 'bad-input',
      message: `annotation:open: ${tablePath} is not a label table: LabelTable: a colour must be three integers [r, g, b] in [0, 255], got [0, 0, 300]; fix or remove it (without it the labels open with a table built from their values)`,
    });
    writeFileSync(tablePath, '{ "format": ');
    expect(errorOf(await c.conn.handle('annotation:open', { start: 'empty' })).message).toMatch(new RegExp(`^annotation:open: ${tablePath.replace(/[.]/g, '\\.')} is not valid JSON: `));
    rmSync(tablePath);
    const rebuilt = await open(c.conn, 'saved');
    expect(rebuilt.start).toBe('saved');
    expect(rebuilt.table.labels.map((l) => l.name)).toEqual(['background', 'label 1']);
  });
});

describe('the label table through the autosave and recovery after a crash', () => {
  it('a table-only change autosaved after a save, before the crash, is offered and recovered exactly', async () => {
    const before = join(tmp, 'crashing');
    const a = await startHost(before);
    const info = await open(a.conn, 'reference');
    result(await a.conn.handle('annotation:save', {})); // saved: the labels, findings and the table built from the values
    const table = await editTable(a.conn, info);
    const autosaved = new Promise<AnnotationChanged>((resolve) => {
      const off = a.conn.subscribe((event, payload) => {
        if (event === 'annotation:changed' && (payload as AnnotationChanged).autosavedAt !== null) resolve((off(), payload as AnnotationChanged));
      });
    });
    timers.fire();
    expect(await autosaved).toMatchObject({ edits: 0, dirty: true });
    // The crash: the project folder as the idle autosave left it (no closing flush, no save).
    const after = join(tmp, 'after-crash');
    cpSync(join(before, 'annotations'), join(after, 'annotations'), { recursive: true, preserveTimestamps: true });
    const later = LabelTable.fromJSON(table);
    later.rename(2, 'never autosaved');
    await sendTable(a.conn, later);

    const b = await startHost(after);
    const offered = await open(b.conn, 'saved');
    expect(offered.start).toBe('saved');
    expect(offered.table.labels.map((l) => l.name)).toEqual(['background', 'label 1']);
    // Only the table differs from the saved files: that alone is offered.
    expect(offered.recoverable).toMatchObject({ edits: 0, reason: 'idle' });
    const recovered = await open(b.conn, 'recovered');
    expect(recovered).toMatchObject({ start: 'recovered', recoverable: null });
    expect(recovered.table).toEqual(EDITED);
    expect(Buffer.from(recovered.labels.data as Uint8Array).equals(Buffer.from(info.labels.data as Uint8Array))).toBe(true);
    // Saving the recovered annotation writes its table; the autosave is superseded.
    result(await b.conn.handle('annotation:save', {}));
    expect((await open(b.conn, 'saved'))).toMatchObject({ start: 'saved', table: EDITED, recoverable: null });
  });
});
