/**
 * The bridge from cornerstone3D's segmentation tools to the annotation store: cornerstone writes
 * into the working map and says which frames changed; the bridge must turn exactly those writes
 * into one stroke per press (sent to main as one diff, undoable), keep locks, and give the voxels
 * back when the store refuses. Here "cornerstone" is the test writing into `store.labels.data`
 * and calling `modified(frames)`, as the tools' SEGMENTATION_DATA_MODIFIED event does.
 */
import { describe, expect, it } from 'vitest';
import { changedVoxels, cornerstonePaintFor, PaintBridge } from '../../../src-renderer/annotation/cornerstonePaint';
import { defaultToolSettings, type AnnotationTool, type ToolSettings } from '../../../src-renderer/annotation/strokes';
import { brushStrategy } from '../../../src-renderer/viewer/cornerstone/segmentationTools';
import { opened, table, type FakeMain } from './fakeAnnotationMain';

const at = (a0: number, a1: number, a2: number) => (a0 * 5 + a1) * 5 + a2;
const FRAME = 25; // voxels per frame (array axis 0) on the 5×5×5 grid

async function setup(tool: AnnotationTool, settings: Partial<ToolSettings> = {}, before: (main: FakeMain) => void = () => {}) {
  const { main, store } = await opened(before);
  Object.assign(store.settings, { radiusMm: 2, ...settings });
  store.setTool(tool);
  const redrawn: number[][] = [];
  const bridge = new PaintBridge(store, (indices) => redrawn.push([...indices]));
  /** What a cornerstone tool does: writes voxels in place, then reports their frames. */
  const paint = (indices: number[], value: number) => {
    const data = store.labels!.data;
    for (const i of indices) data[i] = value;
    bridge.modified([...new Set(indices.map((i) => Math.floor(i / FRAME)))]);
  };
  return { main, store, bridge, paint, redrawn };
}

describe('changedVoxels', () => {
  it('finds the voxels that differ on the named frames only, in increasing order, with their new values', () => {
    const shadow = new Uint8Array(125);
    const working = shadow.slice();
    working[at(1, 2, 3)] = 4;
    working[at(1, 0, 0)] = 2;
    working[at(3, 4, 4)] = 1;
    expect(changedVoxels(working, shadow, FRAME, [1])).toEqual({ indices: Uint32Array.from([at(1, 0, 0), at(1, 2, 3)]), values: Uint16Array.from([2, 4]) });
    // No frames named: every frame is compared; frames out of range are ignored.
    expect([...changedVoxels(working, shadow, FRAME).indices]).toEqual([at(1, 0, 0), at(1, 2, 3), at(3, 4, 4)]);
    expect([...changedVoxels(working, shadow, FRAME, [9, 3, 3]).indices]).toEqual([at(3, 4, 4)]);
  });

  it('refuses maps of different sizes, naming both', () => {
    expect(() => changedVoxels(new Uint8Array(125), new Uint8Array(100), FRAME)).toThrow('changedVoxels: the working map has 125 voxels and its shadow 100');
  });
});

describe('cornerstonePaintFor', () => {
  it('runs the brush, eraser and threshold brush and the rectangle and circle scissors on cornerstone, the rest on PatchLens', () => {
    const s = (over: Partial<ToolSettings>) => cornerstonePaintFor({ ...defaultToolSettings(), ...over });
    expect(s({ tool: 'brush', radiusMm: 4, sphere: true })).toEqual({ kind: 'brush', mode: 'fill', sphere: true, radiusMm: 4, threshold: [0, 1] });
    expect(s({ tool: 'eraser' })).toMatchObject({ kind: 'brush', mode: 'erase', sphere: false });
    expect(s({ tool: 'threshold', threshold: [10, 20] })).toMatchObject({ kind: 'brush', mode: 'threshold', threshold: [10, 20] });
    expect(s({ tool: 'scissors', scissorsShape: 'circle', scissorsErase: true })).toEqual({ kind: 'scissors', shape: 'circle', erase: true });
    for (const tool of ['navigate', 'fill', 'accept', 'finding'] as const) expect(s({ tool })).toBeNull();
    expect(s({ tool: 'scissors', scissorsShape: 'polygon' })).toBeNull();
  });

  it('names cornerstone brush strategies for each mode and shape', () => {
    expect(brushStrategy('fill', false)).toBe('FILL_INSIDE_CIRCLE');
    expect(brushStrategy('erase', true)).toBe('ERASE_INSIDE_SPHERE');
    expect(brushStrategy('threshold', false)).toBe('THRESHOLD_INSIDE_CIRCLE');
  });
});

describe('PaintBridge', () => {
  it('makes a press of cornerstone writes one undo step, sent to main as one diff at the release', async () => {
    const { main, store, bridge, paint } = await setup('brush', { activeLabel: 1 });
    bridge.begin();
    paint([at(2, 0, 0), at(2, 0, 1)], 1);
    paint([at(2, 0, 1), at(2, 0, 2)], 1); // overlaps the first dab: only the new voxel is new
    paint([at(3, 0, 2)], 1);
    expect(main.sent()).toEqual([]);
    expect(store.valueAt(at(2, 0, 2))).toBe(1);
    bridge.end();
    await store.settled();
    expect(main.sent()).toEqual([{ indices: [at(2, 0, 0), at(2, 0, 1), at(2, 0, 2), at(3, 0, 2)], before: [0, 0, 0, 0], after: [1, 1, 1, 1], step: 'Brush circle 2 mm, Liver', imageKey: 'k1' }]);
    expect(store.steps.map((s) => s.label)).toEqual(['Brush circle 2 mm, Liver']);
    store.undo();
    expect([at(2, 0, 0), at(2, 0, 1), at(2, 0, 2), at(3, 0, 2)].map((i) => store.valueAt(i))).toEqual([0, 0, 0, 0]);
    store.redo();
    expect(store.valueAt(at(3, 0, 2))).toBe(1);
  });

  it('records an eraser press with the values it replaced', async () => {
    const { main, store, bridge, paint } = await setup('eraser', {}, (m) => m.labels.fill(2, at(2, 0, 0), at(2, 0, 5)));
    bridge.begin();
    paint([at(2, 0, 1), at(2, 0, 2)], 0);
    bridge.end();
    await store.settled();
    expect(main.sent()).toEqual([{ indices: [at(2, 0, 1), at(2, 0, 2)], before: [2, 2], after: [0, 0], step: 'Eraser circle 2 mm', imageKey: 'k1' }]);
  });

  it('sends a write outside a press (scissors on release, a key action) at once, as its own step', async () => {
    const { main, store, paint } = await setup('scissors', { scissorsShape: 'rectangle', activeLabel: 2 });
    paint([at(0, 1, 1), at(0, 1, 2)], 2);
    await store.settled();
    expect(main.sent().map((e) => [e.indices, e.step])).toEqual([[[at(0, 1, 1), at(0, 1, 2)], 'Scissors rectangle, Tumour']]);
  });

  it('ignores the redraw of the store\'s own changes (undo, its own tools): nothing is recorded twice', async () => {
    const { main, store, bridge, paint } = await setup('brush');
    bridge.begin();
    paint([at(1, 1, 1)], 1);
    bridge.end();
    await store.settled();
    store.undo();
    await store.settled();
    // The undo changed the map through the store; a data-modified event for its frame finds nothing new.
    bridge.modified([1]);
    await store.settled();
    expect(main.sent().length).toBe(2);
    expect(store.steps.length).toBe(1);
    expect(store.position).toBe(0);
  });

  it('gives the voxels back when the active label is locked, and says which label', async () => {
    const { main, store, bridge, paint, redrawn } = await setup('brush', { activeLabel: 2 }, (m) => (m.table = table([2])));
    bridge.begin();
    paint([at(2, 2, 2), at(2, 2, 3)], 2);
    bridge.end();
    await store.settled();
    expect(store.valueAt(at(2, 2, 2))).toBe(0);
    expect(store.valueAt(at(2, 2, 3))).toBe(0);
    expect(store.error).toContain('Tumour (label 2) is locked');
    expect(redrawn).toEqual([[at(2, 2, 2), at(2, 2, 3)]]);
    expect(main.sent()).toEqual([]);
  });

  it('says at the press that the active label is locked (cornerstone itself paints a locked segment silently not at all)', async () => {
    const { store, bridge } = await setup('brush', { activeLabel: 2 }, (m) => (m.table = table([2])));
    bridge.begin();
    expect(store.error).toContain('Tumour (label 2) is locked');
    bridge.end();
    // The eraser does not write the active label: no complaint.
    store.error = null;
    store.setTool('eraser');
    bridge.begin();
    expect(store.error).toBeNull();
    bridge.end();
  });

  it('keeps a locked label\'s voxels when a brush of another label paints over them', async () => {
    const { main, store, bridge, paint } = await setup('brush', { activeLabel: 1 }, (m) => {
      m.table = table([2]);
      m.labels[at(2, 2, 2)] = 2;
    });
    bridge.begin();
    paint([at(2, 2, 1), at(2, 2, 2)], 1);
    bridge.end();
    await store.settled();
    expect(store.valueAt(at(2, 2, 2))).toBe(2);
    expect(store.valueAt(at(2, 2, 1))).toBe(1);
    expect(main.sent().map((e) => e.indices)).toEqual([[at(2, 2, 1)]]);
  });

  it('paints nothing while an autosave is on offer: the voxels are given back and the store says why', async () => {
    const { main, store, bridge, paint, redrawn } = await setup('brush', {}, (m) => (m.recoverable = { savedAt: '2026-01-01T09:00:00.000Z', edits: 2, reason: 'idle' }));
    bridge.begin();
    paint([at(2, 0, 0)], 1);
    bridge.end();
    await store.settled();
    expect(store.error).toBe('Recover or discard the autosaved edits before editing.');
    expect(store.valueAt(at(2, 0, 0))).toBe(0);
    expect(redrawn.length).toBe(1);
    expect(main.sent()).toEqual([]);
  });
});
