import { describe, expect, it } from 'vitest';
import { AnnotationPointer, type GesturePreview, type PointerHost } from '../../../src-renderer/annotation/annotationPointer';
import type { AnnotationStore } from '../../../src-renderer/annotation/annotationStore.svelte';
import type { AnnotationTool, ToolSettings } from '../../../src-renderer/annotation/strokes';
import type { Axis, Voxel } from '../../../shared/annotation/labelGrid';
import type { FindingShape } from '../../../shared/findings/types';
import { grid, N, opened, type FakeMain } from './fakeAnnotationMain';

const at = (a0: number, a1: number, a2: number) => (a0 * 5 + a1) * 5 + a2;

type View = 'front' | 'side';

/**
 * A viewer with two views on the 5×5×5 grid, 10 canvas pixels a voxel: `front` is normal to
 * axis 0 at depth `depth.front` (canvas x → a2, y → a1), `side` normal to axis 2 (x → a1, y → a0).
 */
class FakeHost implements PointerHost<View> {
  depth = { front: 2, side: 0 };
  prediction: Uint8Array | null = null;
  drafts: FindingShape[] = [];
  previews: { view: View; preview: GesturePreview | null }[] = [];

  constructor(readonly store: AnnotationStore) {}

  voxelAt(view: View, [x, y]: [number, number]): Voxel | null {
    if (x < 0 || y < 0 || x > 45 || y > 45) return null;
    return view === 'front' ? [this.depth.front, y / 10, x / 10] : [y / 10, x / 10, this.depth.side];
  }

  axisOf(view: View): Axis {
    return view === 'front' ? 0 : 2;
  }

  context(axis: Axis) {
    const labels = this.store.labels;
    if (!labels) return null;
    return { grid, image: new Float32Array(N), labels: labels.data as Uint8Array, prediction: this.prediction, settings: this.store.settings, axis, labelName: (v: number) => this.store.labelName(v) };
  }

  draftFinding(shape: FindingShape): void {
    this.drafts.push(shape);
  }

  preview(view: View, preview: GesturePreview | null): void {
    this.previews.push({ view, preview });
  }
}

async function setup(tool: AnnotationTool, settings: Partial<ToolSettings> = {}, before: (main: FakeMain) => void = () => {}) {
  const { main, store } = await opened(before);
  Object.assign(store.settings, { radiusMm: 0.5, ...settings });
  store.setTool(tool);
  const host = new FakeHost(store);
  return { main, store, host, pointer: new AnnotationPointer<View>(host) };
}

describe('AnnotationPointer', () => {
  it('leaves the pointer to the viewer with navigate', async () => {
    const { main, pointer } = await setup('navigate');
    expect(pointer.active).toBe(false);
    expect(pointer.down('front', [0, 0])).toBe(false);
    expect(pointer.busy).toBe(false);
    expect(main.sent()).toEqual([]);
  });

  it('takes a press outside the image without starting a gesture', async () => {
    const { pointer } = await setup('fill');
    expect(pointer.active).toBe(true);
    expect(pointer.down('front', [-5, 0])).toBe(true);
    expect(pointer.busy).toBe(false);
  });

  it('fills on the press, without a gesture', async () => {
    const { main, store, pointer } = await setup('fill', { tolerance: 0 }, (m) => m.labels.fill(2, at(2, 0, 0), at(2, 1, 0)));
    // The image is 0 everywhere: the fill grows over the whole slice a0 = 2, the row of label 2 included.
    pointer.down('front', [40, 40]);
    expect(pointer.busy).toBe(false);
    await store.settled();
    const [edit] = main.sent();
    expect(edit.indices).toEqual(Array.from({ length: 25 }, (_, k) => at(2, 0, 0) + k));
    expect(edit.before).toEqual([...Array<number>(5).fill(2), ...Array<number>(20).fill(0)]);
    expect(edit.step).toBe('Flood fill 2-D ±0, Liver');
  });

  it('cuts one rectangle from a scissors drag, previewing it meanwhile', async () => {
    const { main, store, host, pointer } = await setup('scissors', { scissorsShape: 'rectangle', activeLabel: 2 });
    pointer.down('front', [0, 0]);
    pointer.move('front', [10, 30]);
    pointer.move('front', [20, 10]);
    expect(host.previews.at(-1)).toEqual({ view: 'front', preview: { kind: 'rect', from: [0, 0], to: [20, 10] } });
    pointer.up('front', [20, 10]);
    await store.settled();
    expect(host.previews.at(-1)).toEqual({ view: 'front', preview: null });
    // From [u, v] = [0, 0] to [1, 2] (u = a1, v = a2) on slice a0 = 2; the point between does not count.
    expect(main.sent()).toEqual([{ indices: [at(2, 0, 0), at(2, 0, 1), at(2, 0, 2), at(2, 1, 0), at(2, 1, 1), at(2, 1, 2)], before: [0, 0, 0, 0, 0, 0], after: [2, 2, 2, 2, 2, 2], step: 'Scissors rectangle, Tumour', imageKey: 'k1' }]);
  });

  it('cuts a circle (centre at the press, rim at the release) and previews it as a circle', async () => {
    const { main, store, host, pointer } = await setup('scissors', { scissorsShape: 'circle', scissorsErase: true }, (m) => m.labels.fill(1));
    pointer.down('front', [20, 20]);
    pointer.move('front', [30, 20]);
    expect(host.previews.at(-1)?.preview).toEqual({ kind: 'circle', centre: [20, 20], radius: 10 });
    pointer.up('front', [30, 20]);
    await store.settled();
    expect(main.sent().map((e) => [e.indices, e.after[0], e.step])).toEqual([[[at(2, 1, 2), at(2, 2, 1), at(2, 2, 2), at(2, 2, 3), at(2, 3, 2)], 0, 'Scissors circle, erase']]);
  });

  it('cuts a freehand polygon from every point, previewed as a closed outline', async () => {
    const { main, store, host, pointer } = await setup('scissors', { scissorsShape: 'polygon' });
    // On the side view (axis 2, slice a2 = 0): u = a0 (canvas y), v = a1 (canvas x).
    pointer.down('side', [10, 10]);
    pointer.move('side', [30, 10]);
    pointer.move('side', [30, 30]);
    pointer.move('side', [10, 30]);
    expect(host.previews.at(-1)?.preview).toEqual({ kind: 'polyline', points: [[10, 10], [30, 10], [30, 30], [10, 30]], closed: true });
    pointer.up('side', [10, 30]);
    await store.settled();
    expect(main.sent().map((e) => e.indices)).toEqual([[at(1, 1, 0), at(1, 2, 0), at(1, 3, 0), at(2, 1, 0), at(2, 2, 0), at(2, 3, 0)]]);
  });

  it('cuts nothing on a scissors click', async () => {
    const { main, store, pointer } = await setup('scissors');
    pointer.down('front', [20, 20]);
    pointer.up('front', [21, 21]);
    await store.settled();
    expect(main.sent()).toEqual([]);
  });

  it('accepts the predicted component on a click and the predicted voxels in a rectangle on a drag', async () => {
    const { main, store, host, pointer } = await setup('accept');
    host.prediction = new Uint8Array(N);
    for (const i of [at(2, 2, 2), at(2, 2, 3), at(2, 4, 4)]) host.prediction[i] = 2;
    pointer.down('front', [20, 20]);
    pointer.up('front', [21, 20]);
    await store.settled();
    expect(main.sent().map((e) => [e.indices, e.step])).toEqual([[[at(2, 2, 2), at(2, 2, 3)], 'Accept predicted component, Tumour (2 voxels)']]);
    pointer.down('front', [30, 30]);
    pointer.move('front', [44, 44]);
    expect(host.previews.at(-1)?.preview).toEqual({ kind: 'rect', from: [30, 30], to: [44, 44] });
    pointer.up('front', [44, 44]);
    await store.settled();
    expect(main.sent().map((e) => [e.indices, e.step])).toEqual([
      [[at(2, 2, 2), at(2, 2, 3)], 'Accept predicted component, Tumour (2 voxels)'],
      [[at(2, 4, 4)], 'Accept prediction in a rectangle'],
    ]);
  });

  it('says so when the prediction is background under the click or in the rectangle, and sends nothing', async () => {
    const { main, store, host, pointer } = await setup('accept');
    host.prediction = new Uint8Array(N);
    pointer.down('front', [20, 20]);
    pointer.up('front', [20, 20]);
    expect(store.error).toBe('Accept prediction: the prediction is background there; click inside a predicted structure.');
    pointer.down('front', [10, 10]);
    pointer.move('front', [30, 30]);
    pointer.up('front', [30, 30]);
    expect(store.error).toBe('Accept prediction: the rectangle holds no predicted foreground.');
    await store.settled();
    expect(main.sent()).toEqual([]);
    expect(store.steps).toEqual([]);
  });

  it('says so when there is no prediction to accept', async () => {
    const { main, store, pointer } = await setup('accept');
    pointer.down('front', [20, 20]);
    pointer.up('front', [20, 20]);
    expect(store.error).toBe('Accept prediction: this image has no run with predicted labels; run the model first');
    expect(main.sent()).toEqual([]);
  });

  it('drafts a point finding on a click and a polygon on a drag', async () => {
    const { store, host, pointer } = await setup('finding');
    pointer.down('front', [21, 9]);
    pointer.up('front', [22, 9]);
    expect(host.drafts).toEqual([{ kind: 'point', voxel: [2, 1, 2] }]);
    pointer.down('front', [0, 0]);
    pointer.move('front', [20, 0]);
    pointer.move('front', [20, 20]);
    pointer.up('front', [20, 20]);
    expect(host.drafts[1]).toEqual({ kind: 'polygon', axis: 0, slice: 2, points: [[0, 0], [0, 2], [2, 2]] });
    expect(store.steps).toEqual([]);
  });

  it('drafts a point when a drag has fewer than three points', async () => {
    const { host, pointer } = await setup('finding');
    pointer.down('front', [0, 0]);
    pointer.move('front', [20, 0]);
    pointer.up('front', [20, 0]);
    expect(host.drafts).toEqual([{ kind: 'point', voxel: [2, 0, 0] }]);
  });
});
