import { describe, expect, it } from 'vitest';
import { AnnotationStore } from '../../../src-renderer/annotation/annotationStore.svelte';
import { ApiError, type Api } from '../../../shared/api/transport';
import { LabelTable } from '../../../shared/annotation/labelTable';
import { fakeApi } from '../fakeApi';
import { FakeMain, opened, plain, table } from './fakeAnnotationMain';

const stroke = (indices: number[], values: number, label = `paint ${values}`) => ({ label, indices: Uint32Array.from(indices), values });

describe('AnnotationStore open', () => {
  it('adopts main’s answer: the labels, the table, an empty history, editable; the first label becomes active', async () => {
    const { main, store, seen } = await opened((m) => {
      m.labels[7] = 2;
      m.table = new LabelTable('uint8', [{ value: 2, name: 'Tumour' }]).toJSON();
    });
    expect(store.status).toBe('open');
    expect(store.editable).toBe(true);
    expect(store.start).toBe('saved');
    expect(store.labels?.data).not.toBe(main.labels);
    expect(store.valueAt(7)).toBe(2);
    expect(store.table?.labels.map((l) => l.value)).toEqual([0, 2]);
    expect(store.labelName(2)).toBe('Tumour');
    expect(store.labelName(9)).toBe('label 9');
    expect(store.stats.find((r) => r.value === 2)?.voxels).toBe(1);
    expect(store.steps).toEqual([]);
    expect(store.position).toBe(0);
    expect(store.generation).toBe(1);
    expect(store.dirty).toBe(false);
    // Label 1 (the default) is not in the table: the first foreground label is.
    expect(store.settings.activeLabel).toBe(2);
    expect(seen).toEqual([null]);
    expect(main.api.calls).toEqual([{ channel: 'annotation:open', args: { start: 'saved' } }]);
  });

  it('says what failed when main cannot open it', async () => {
    const store = new AnnotationStore(fakeApi({ 'annotation:open': () => Promise.reject(new ApiError('annotation:open', { code: 'precondition', message: 'no image is open' })) }));
    await store.open('saved');
    expect(store.status).toBe('error');
    expect(store.error).toBe('Annotation: no image is open');
    expect(store.editable).toBe(false);
    expect(store.apply(stroke([0], 1))).toBeNull();
    expect(store.error).toBe('Open an image to edit its labels.');
  });
});

describe('AnnotationStore edits', () => {
  it('sends a stroke outside a drag at once, as one annotation:edit whose diff is the change', async () => {
    const { main, store, seen } = await opened();
    store.labels!.data[3] = 1; // already label 1: not part of the change
    main.labels[3] = 1;
    expect(store.apply(stroke([2, 3, 4], 1, 'Brush circle 1 mm, Liver'))).toBe(2);
    expect(store.pending).toBe(1);
    await store.settled();
    expect(store.pending).toBe(0);
    expect(main.sent()).toEqual([{ indices: [2, 4], before: [0, 0], after: [1, 1], step: 'Brush circle 1 mm, Liver', imageKey: 'k1' }]);
    expect(plain(seen[1]!)).toEqual({ indices: [2, 4], before: [0, 0], after: [1, 1] });
    expect([...main.labels]).toEqual([...store.labels!.data]);
    expect(store.steps.map((s) => [s.label, s.voxels])).toEqual([['Brush circle 1 mm, Liver', 2]]);
    expect(store.position).toBe(1);
    expect(store.stats.find((r) => r.value === 1)?.voxels).toBe(3);
    expect(store.dirty).toBe(true);
  });

  it('reopens only after the queued edits reached main (opening closes main\'s copy): no edit is lost', async () => {
    const main = new FakeMain();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Main answers edits slowly; everything else at once.
    const slow: Api = { ...main.api, call: (async (channel: string, args: unknown) => {
      if (channel === 'annotation:edit') await gate;
      return main.api.call(channel as never, args as never);
    }) as Api['call'] };
    const store = new AnnotationStore(slow);
    await store.open('saved');
    store.apply(stroke([1, 2], 1, 'Brush'));
    store.apply(stroke([7], 2, 'Brush'));
    const reopening = store.open('saved');
    await new Promise((r) => setTimeout(r, 10));
    expect(main.api.calls.map((c) => c.channel)).toEqual(['annotation:open']);
    release();
    await reopening;
    expect(main.api.calls.map((c) => c.channel)).toEqual(['annotation:open', 'annotation:edit', 'annotation:edit', 'annotation:open']);
    expect([main.labels[1], main.labels[2], main.labels[7]]).toEqual([1, 1, 2]);
    expect([store.valueAt(1), store.valueAt(7)]).toEqual([1, 2]);
  });

  it('sends a stroke that changes nothing not at all', async () => {
    const { main, store } = await opened();
    expect(store.apply(stroke([5, 6], 0))).toBe(0);
    await store.settled();
    expect(main.sent()).toEqual([]);
    expect(store.steps).toEqual([]);
  });

  it('sends a drag (beginStroke, dabs, endStroke) as ONE merged edit and one step', async () => {
    const { main, store } = await opened();
    store.beginStroke();
    expect(store.apply(stroke([10, 11], 2))).toBe(2);
    expect(store.apply(stroke([11, 12], 2))).toBe(1);
    expect(store.apply(stroke([12, 13, 14], 2))).toBe(2);
    // Each dab is drawn at once but sent only at the end.
    expect(store.pending).toBe(0);
    expect(store.valueAt(13)).toBe(2);
    store.endStroke('Brush circle 1 mm, Tumour');
    await store.settled();
    expect(main.sent()).toEqual([{ indices: [10, 11, 12, 13, 14], before: [0, 0, 0, 0, 0], after: [2, 2, 2, 2, 2], step: 'Brush circle 1 mm, Tumour', imageKey: 'k1' }]);
    expect(store.steps.map((s) => [s.label, s.voxels])).toEqual([['Brush circle 1 mm, Tumour', 5]]);
    expect([...main.labels]).toEqual([...store.labels!.data]);
  });

  it('sends nothing for a drag whose dabs cancel out, and leaves no step', async () => {
    const { main, store } = await opened();
    store.beginStroke();
    store.apply(stroke([20, 21], 1));
    store.apply(stroke([20, 21], 0));
    store.endStroke('Brush');
    await store.settled();
    expect(main.sent()).toEqual([]);
    expect(store.steps).toEqual([]);
    expect(store.position).toBe(0);
  });

  it('sends undo as the inverse diff and redo as the forward diff, in order', async () => {
    const { main, store } = await opened();
    store.apply(stroke([1, 2], 1, 'A'));
    store.apply(stroke([2, 3], 2, 'B'));
    store.undo();
    store.undo();
    store.redo();
    await store.settled();
    expect(main.sent()).toEqual([
      { indices: [1, 2], before: [0, 0], after: [1, 1], step: 'A', imageKey: 'k1' },
      { indices: [2, 3], before: [1, 0], after: [2, 2], step: 'B', imageKey: 'k1' },
      { indices: [2, 3], before: [2, 2], after: [1, 0], step: 'Undo B', imageKey: 'k1' },
      { indices: [1, 2], before: [1, 1], after: [0, 0], step: 'Undo A', imageKey: 'k1' },
      { indices: [1, 2], before: [0, 0], after: [1, 1], step: 'Redo A', imageKey: 'k1' },
    ]);
    expect(store.position).toBe(1);
    expect(store.steps.map((s) => s.label)).toEqual(['A', 'B']);
    expect([...main.labels]).toEqual([...store.labels!.data]);
    store.jumpTo(2);
    await store.settled();
    expect(main.sent().at(-1)).toEqual({ indices: [2, 3], before: [1, 0], after: [2, 2], step: 'Jump to step 2', imageKey: 'k1' });
    expect(main.labels[3]).toBe(2);
  });

  it('takes main’s copy back (annotation:open recovered, with the run) when an edit answers conflict', async () => {
    const main = new FakeMain();
    const store = new AnnotationStore(main.api);
    await store.open('prediction', 'run-7');
    main.labels[62] = 3; // main's copy differs from the page's
    store.apply(stroke([61, 62], 1, 'Brush'));
    await store.settled();
    expect(main.api.calls.at(-1)).toEqual({ channel: 'annotation:open', args: { start: 'recovered', runId: 'run-7' } });
    expect(store.error).toBe("Annotation: voxel 62 holds 3 in main's copy, but the edit says 0 was there; reopen the annotation The labels were reloaded from the service's copy.");
    expect(store.valueAt(61)).toBe(0);
    expect(store.valueAt(62)).toBe(3);
    expect(store.start).toBe('recovered');
    expect(store.steps).toEqual([]);
    expect(store.generation).toBe(2);
  });

  it('does not send, after a resync, the edits made on the map that was replaced', async () => {
    const { main, store } = await opened();
    main.labels[0] = 3; // main's copy differs from the page's
    store.apply(stroke([0], 1)); // conflicts: main holds 3 there
    store.apply(stroke([10], 1)); // would apply on main's copy, but the page drops it with the resync
    await store.settled();
    expect(main.sent().map((e) => e.indices)).toEqual([[0]]);
    expect(store.valueAt(0)).toBe(3);
    expect(store.valueAt(10)).toBe(0);
    expect([...main.labels]).toEqual([...store.labels!.data]);
    expect(store.pending).toBe(0);
  });

  it('reports an edit that failed without a conflict, and does not claim a reload', async () => {
    const { main, store } = await opened();
    main.editFailure = new ApiError('annotation:edit', { code: 'internal', message: 'the autosave folder is not writable' });
    store.apply(stroke([4], 1));
    await store.settled();
    expect(main.channels()).toEqual(['annotation:open', 'annotation:edit']);
    expect(store.error).toBe('Annotation: the autosave folder is not writable');
    expect(store.pending).toBe(0);
  });

  it('refuses editing while an autosave is on offer, until it is discarded', async () => {
    const { main, store } = await opened((m) => (m.recoverable = { savedAt: '2026-01-01T09:00:00.000Z', edits: 4, reason: 'close' }));
    expect(store.status).toBe('open');
    expect(store.editable).toBe(false);
    expect(store.apply(stroke([1], 1))).toBeNull();
    expect(store.error).toBe('Recover or discard the autosaved edits before editing.');
    expect(store.valueAt(1)).toBe(0);
    store.undo();
    await store.discardRecovery();
    expect(store.recoverable).toBeNull();
    expect(store.editable).toBe(true);
    expect(store.apply(stroke([1], 1))).toBe(1);
    await store.settled();
    expect(main.channels()).toEqual(['annotation:open', 'annotation:discardRecovery', 'annotation:edit']);
  });

  it('recovers by reopening from the autosave', async () => {
    const { main, store } = await opened((m) => (m.recoverable = { savedAt: '2026-01-01T09:00:00.000Z', edits: 4, reason: 'close' }));
    main.recoverable = null;
    await store.recover();
    expect(main.api.calls.at(-1)).toEqual({ channel: 'annotation:open', args: { start: 'recovered' } });
    expect(store.editable).toBe(true);
  });

  it('leaves the voxels of a locked label as they are and reports how many', async () => {
    const { main, store } = await opened((m) => {
      m.table = table([2]);
      m.labels[31] = 2;
      m.labels[33] = 2;
    });
    expect(store.apply(stroke([30, 31, 32, 33], 1))).toBe(2);
    expect(store.error).toBe('2 voxels of locked labels were left as they are.');
    await store.settled();
    expect(main.sent().map((e) => e.indices)).toEqual([[30, 32]]);
    expect([store.valueAt(31), store.valueAt(33)]).toEqual([2, 2]);
    store.apply(stroke([33, 34], 1));
    expect(store.error).toBe('1 voxel of a locked label was left as it is.');
    // Painting with the locked label itself is refused.
    expect(store.apply(stroke([40], 2))).toBeNull();
    expect(store.error).toBe('Tumour (label 2) is locked; unlock it in the label list to paint with it.');
    expect(store.valueAt(40)).toBe(0);
    // A stroke that goes through clears the complaint.
    expect(store.apply(stroke([41], 1))).toBe(1);
    expect(store.error).toBeNull();
  });
});

describe('AnnotationStore save and settings', () => {
  it('saves after the edits sent before it, and says where', async () => {
    const { main, store } = await opened();
    store.apply(stroke([1], 1));
    expect(await store.save()).toBe(true);
    expect(main.channels()).toEqual(['annotation:open', 'annotation:edit', 'annotation:save']);
    expect(main.api.calls.at(-1)?.args).toEqual({});
    expect(store.savedNote).toBe('Saved labels.nii.gz and findings.json.');
    expect(store.savedAt).toBe('2026-01-02T10:00:00.000Z');
    expect(store.dirty).toBe(false);
  });

  it('sets conflict when the file changed on disk, and keep-theirs reopens the saved files', async () => {
    const { main, store } = await opened();
    main.saveAnswer = 'conflict';
    expect(await store.save()).toBe(false);
    expect(store.conflict).toBe('labels.nii.gz changed on disk since it was opened.'); // the dialog shows it without the channel or the context
    main.saveAnswer = 'ok';
    expect(await store.save('keep-theirs')).toBe(true);
    expect(main.api.calls.slice(-2)).toEqual([
      { channel: 'annotation:save', args: { resolution: 'keep-theirs' } },
      { channel: 'annotation:open', args: { start: 'saved' } },
    ]);
    expect(store.conflict).toBeNull();
    expect(store.generation).toBe(2);
  });

  it('names the new files after save-as', async () => {
    const { store } = await opened();
    await store.save('save-as');
    expect(store.savedNote).toBe('Your edits were saved as labels.nii.gz and findings.json; the files changed on disk were kept as they are.');
  });

  it('makes only a label of the table active', async () => {
    const { store } = await opened();
    expect(store.setActiveLabel(2)).toBe(true);
    expect(store.settings.activeLabel).toBe(2);
    expect(store.setActiveLabel(7)).toBe(false);
    expect(store.error).toBe('There is no label 7; add it in the label list first.');
    expect(store.setActiveLabel(0)).toBe(false);
    expect(store.error).toBe('There is no label 0; add it in the label list first.');
    expect(store.settings.activeLabel).toBe(2);
  });

  it('steps the brush radius and picks tools', async () => {
    const { store } = await opened();
    store.stepBrush(1);
    expect(store.settings.radiusMm).toBe(4);
    store.stepBrush(-1);
    store.stepBrush(-1);
    expect(store.settings.radiusMm).toBe(2);
    store.setTool('scissors');
    expect(store.settings.tool).toBe('scissors');
  });

  it('follows main’s autosave and save state while listening, and not after stop', async () => {
    const { main, store } = await opened();
    let listener: ((c: { edits: number; dirty: boolean; autosavedAt: string | null; savedAt: string | null }) => void) | null = null;
    let registered = 0;
    main.api.on = ((event: string, l: typeof listener) => {
      expect(event).toBe('annotation:changed');
      registered++;
      listener = l;
      return () => (listener = null);
    }) as typeof main.api.on;
    store.startListening();
    store.startListening();
    expect(registered).toBe(1);
    listener!({ edits: 3, dirty: true, autosavedAt: '2026-01-02T11:00:00.000Z', savedAt: '2026-01-02T10:00:00.000Z' });
    expect([store.dirty, store.autosavedAt, store.savedAt]).toEqual([true, '2026-01-02T11:00:00.000Z', '2026-01-02T10:00:00.000Z']);
    store.stop();
    expect(listener).toBeNull();
  });

  it('closes: nothing open, not editable, listeners told', async () => {
    const { store, seen } = await opened();
    store.close();
    expect(store.status).toBe('closed');
    expect(store.labels).toBeNull();
    expect(store.editable).toBe(false);
    expect(store.generation).toBe(2);
    expect(seen).toEqual([null, null]);
  });
});
