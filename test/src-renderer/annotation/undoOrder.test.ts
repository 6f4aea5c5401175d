/**
 * One Ctrl+Z over the label strokes and the finding changes: the order of the steps across both
 * histories, and the store's undo / redo following it (findings changed through the store's
 * findings history, as the findings panel does).
 */
import { describe, expect, it } from 'vitest';
import { createFinding } from '../../../shared/findings/findingOperations';
import { UndoOrder } from '../../../src-renderer/annotation/undoOrder';
import { opened } from './fakeAnnotationMain';

const stroke = (indices: number[], values: number, label = `paint ${values}`) => ({ label, indices: Uint32Array.from(indices), values });

describe('UndoOrder', () => {
  it('undoes the newest step of either history and redoes the last one undone', () => {
    const o = new UndoOrder();
    const can = { labels: 0, findings: 0 };
    const step = (d: 'labels' | 'findings') => {
      o.recorded(d);
      can[d]++;
    };
    const able = (d: 'labels' | 'findings') => can[d] > 0;
    step('labels');
    step('findings');
    step('labels');
    const undone: string[] = [];
    for (let k = 0; k < 3; k++) {
      const d = o.nextUndo(able)!;
      undone.push(d);
      o.undone(d);
      can[d]--;
    }
    expect(undone).toEqual(['labels', 'findings', 'labels']);
    expect(o.nextUndo(able)).toBeNull();
    expect(o.nextRedo(() => true)).toBe('labels');
  });

  it('skips a history that cannot undo any more (its panel undid it), and falls back to any history that can', () => {
    const o = new UndoOrder();
    o.recorded('findings');
    o.recorded('labels');
    expect(o.nextUndo((d) => d === 'findings')).toBe('findings');
    o.forget('labels');
    o.forget('findings');
    expect(o.nextUndo((d) => d === 'labels')).toBe('labels');
    expect(o.nextUndo(() => false)).toBeNull();
  });

  it('drops the common redo order at a new step', () => {
    const o = new UndoOrder();
    o.recorded('labels');
    o.undone('labels');
    o.recorded('findings');
    expect(o.nextRedo((d) => d === 'labels')).toBe('labels'); // only by the fallback
    expect(o.nextRedo(() => false)).toBeNull();
  });
});

describe('AnnotationStore undo across labels and findings', () => {
  it('Ctrl+Z takes back a stroke, a finding and a stroke in reverse order; redo brings them back in order', async () => {
    const { main, store } = await opened();
    const ctx = { imageShape: [5, 5, 5] };
    const addFinding = () => {
      const doc = store.findingsHistory!.apply((list) => createFinding(list, { shape: { kind: 'point', voxel: [1, 1, 1] }, category: 'other', severity: 1, author: 'T', time: '2026-12-07T10:00:00Z' }, ctx), 'Added');
      return store.setFindings(doc);
    };
    store.apply(stroke([1], 1));
    await addFinding();
    store.apply(stroke([2], 2));
    await store.settled();
    expect(store.canUndo).toBe(true);
    store.undo();
    await store.settled();
    expect([store.valueAt(1), store.valueAt(2), store.findings!.findings.length]).toEqual([1, 0, 1]);
    store.undo();
    await store.settled();
    expect([store.valueAt(1), store.findings!.findings.length]).toEqual([1, 0]);
    store.undo();
    await store.settled();
    expect([store.valueAt(1), store.findings!.findings.length]).toEqual([0, 0]);
    expect(store.canUndo).toBe(false);
    store.redo();
    store.redo();
    await store.settled();
    expect([store.valueAt(1), store.valueAt(2), store.findings!.findings.length]).toEqual([1, 0, 1]);
    store.redo();
    await store.settled();
    expect(store.valueAt(2)).toBe(2);
    expect(store.canRedo).toBe(false);
    // Main got every findings document and every label change.
    const channels = main.api.calls.map((c) => c.channel);
    expect(channels.filter((c) => c === 'annotation:findings').length).toBe(3); // added, undone, redone
    expect([...main.labels.slice(0, 3)]).toEqual([0, 1, 2]);
  });
});
