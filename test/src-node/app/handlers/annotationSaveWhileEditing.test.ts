/**
 * annotation:save gzips the labels off the event loop, so an edit can arrive while a save is
 * under way: the save writes the state of its call, and the edit that came meanwhile leaves the
 * annotation unsaved with an autosave due (it is in no file yet). No timing: the edit is sent
 * after the save has started, within the same turn of the event loop (microtasks only), so it
 * lands while the gzip is still on libuv's pool.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnnotationChanged, AnnotationInfo, AnnotationSaved } from '../../../../shared/api/contract';
import { readNifti } from '../../../../shared/io/nifti';
import type { AutosaveTimers } from '../../../../src-node/annotation/autosave';
import { createServiceHost } from '../../../../src-node/app/createServiceHost';
import type { ServiceHost } from '../../../../src-node/app/serviceHost';
import { result } from '../../../helpers/hostEnvelopes';
import { repoRoot } from '../../../helpers/sharedData';

const demoData = join(repoRoot, 'demo', 'data');

describe('annotation:save while an edit arrives', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-save-edit-'));
  let host: ServiceHost | undefined;
  afterAll(async () => {
    await host?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('saves the state of the call; the edit made during the save leaves it unsaved, and the next save is clean', async () => {
    const due = new Set<() => void>();
    const timers: AutosaveTimers = { set: (run) => (due.add(run), run), clear: (h) => void due.delete(h as () => void) };
    host = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, annotationAutosave: { timers } });
    await host.openInitial([join(demoData, 'ch2-2mm_t1.nii.gz'), join(demoData, 'ch2-2mm_brain.nii.gz')]);
    const conn = host.connect({ role: 'ui' });
    result(await conn.handle('session:get', {}));
    const info = result<AnnotationInfo>(await conn.handle('annotation:open', { start: 'reference' }));
    const labels = Uint8Array.from(info.labels.data as Uint8Array);
    const events: AnnotationChanged[] = [];
    conn.subscribe((event, payload) => event === 'annotation:changed' && events.push(payload as AnnotationChanged));
    result(await conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(0), before: labels[0], after: 2 }, step: 'first' }));

    const order: string[] = [];
    const saving = conn.handle('annotation:save', {}).then((r) => (order.push('saved'), r));
    for (let i = 0; i < 100; i++) await Promise.resolve(); // the save reaches its gzip (microtasks, no event-loop turn)
    result(await conn.handle('annotation:edit', { diff: { indices: Uint32Array.of(1), before: labels[1], after: 3 }, step: 'second' }));
    order.push('edited');
    const saved = result<AnnotationSaved>(await saving);
    expect(order).toEqual(['edited', 'saved']);

    const file = readNifti(readFileSync(saved.labelsPath)).data;
    expect([file[0], file[1]]).toEqual([2, labels[1]]); // the first edit only
    expect(events.at(-1)).toMatchObject({ edits: 2, dirty: true, savedAt: saved.savedAt });
    expect(due.size).toBe(1); // the second edit's autosave is still due

    const again = result<AnnotationSaved>(await conn.handle('annotation:save', {}));
    expect([...readNifti(readFileSync(again.labelsPath)).data.subarray(0, 2)]).toEqual([2, 3]);
    expect(events.at(-1)).toMatchObject({ edits: 2, dirty: false });
    expect(due.size).toBe(0);
  });
});
