// EditHistory (issue 14): stroke-level undo/redo stored as voxel diffs, exact across overlapping
// strokes, memory proportional to each stroke's changed voxels, a byte budget with a 200-step
// floor, and locks enforced at the one place every tool passes.
import { describe, expect, it } from 'vitest';
import { EditHistory, MIN_HISTORY_STEPS } from '../../../shared/annotation/editHistory';
import { LabelTable } from '../../../shared/annotation/labelTable';
import { brushIndices } from '../../../shared/annotation/tools/brush';
import { STEP_OVERHEAD_BYTES } from '../../../shared/annotation/voxelDiff';

const grid = { shape: [16, 16, 16], spacing: [1, 1, 1] };
/** Sum of a label array's values. */
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);
const ball = (c: number, r: number) => brushIndices(grid, { centre: [c, c, c], radiusMm: r });

describe('EditHistory undo/redo', () => {
  it('three overlapping strokes with different labels: undo all gives the original bytes, redo all the result', () => {
    const original = new Uint8Array(16 ** 3);
    for (let v = 0; v < original.length; v++) original[v] = v % 7 === 0 ? 5 : 0; // a non-empty start
    const pristine = original.slice();
    const history = new EditHistory(original);
    history.apply({ label: 'Brush 4 mm, label 1', indices: ball(6, 4), values: 1 });
    history.apply({ label: 'Brush 4 mm, label 2', indices: ball(8, 4), values: 2 });
    history.apply({ label: 'Brush 4 mm, label 3', indices: ball(10, 4), values: 3 });
    const result = history.labels.slice();
    // The overlaps really overlap: voxel [8,8,8] was painted by all three.
    expect(ball(6, 4).includes(8 * 256 + 8 * 16 + 8) && ball(10, 4).includes(8 * 256 + 8 * 16 + 8)).toBe(true);
    expect(result[8 * 256 + 8 * 16 + 8]).toBe(3);
    expect([history.undo(), history.undo(), history.undo(), history.undo()].map((c) => c === null)).toEqual([false, false, false, true]);
    expect(Buffer.from(history.labels).equals(Buffer.from(pristine))).toBe(true);
    expect([history.redo(), history.redo(), history.redo(), history.redo()].map((c) => c === null)).toEqual([false, false, false, true]);
    expect(Buffer.from(history.labels).equals(Buffer.from(result))).toBe(true);
    // The constructor's array is copied, not edited.
    expect(Buffer.from(original).equals(Buffer.from(pristine))).toBe(true);
  });

  it('jumpTo reaches any position of the list, and a new stroke drops the redo steps', () => {
    const history = new EditHistory(new Uint16Array(16 ** 3));
    const states = [history.labels.slice()];
    for (let k = 1; k <= 4; k++) {
      history.apply({ label: `s${k}`, indices: ball(4 + k, 3), values: 300 * k });
      states.push(history.labels.slice());
    }
    for (const p of [2, 0, 4, 1, 3]) {
      history.jumpTo(p);
      expect(history.position).toBe(p);
      expect(Array.from(history.labels)).toEqual(Array.from(states[p]));
    }
    history.jumpTo(2);
    history.apply({ label: 'new', indices: Uint32Array.of(0), values: 9 });
    expect(history.steps().map((s) => s.label)).toEqual(['s1', 's2', 'new']);
    expect(history.canRedo).toBe(false);
    expect(() => history.jumpTo(4)).toThrow('EditHistory.jumpTo: position must be an integer in [0, 3], got 4');
  });

  it('a stroke that changes nothing records nothing; voxels already at the value are not part of a step', () => {
    const history = new EditHistory(new Uint8Array(100));
    expect(history.apply({ label: 'erase nothing', indices: Uint32Array.of(1, 2, 3), values: 0 })).toEqual({
      step: null,
      change: null,
      skippedLocked: 0,
      dropped: [],
    });
    history.apply({ label: 'a', indices: Uint32Array.of(1, 2), values: 4 });
    const r = history.apply({ label: 'b', indices: Uint32Array.of(1, 2, 3), values: 4 });
    expect(r.step?.voxels).toBe(1);
    expect(Array.from(r.change!.indices)).toEqual([3]);
    expect(history.steps().length).toBe(2);
  });

  it('steps list id, label, voxels, bytes and time', () => {
    let t = 1000;
    const history = new EditHistory(new Uint8Array(64), { now: () => (t += 5) });
    history.apply({ label: 'Brush 5 mm, label 2', indices: Uint32Array.of(3, 4, 9), values: 2 });
    history.apply({ label: 'Accept prediction', indices: Uint32Array.of(4, 5), values: Uint8Array.of(1, 3) });
    expect(history.steps()).toEqual([
      { id: 1, label: 'Brush 5 mm, label 2', voxels: 3, bytes: 3 * 4 + STEP_OVERHEAD_BYTES, time: 1005 },
      // before (2, 0) and after (1, 3) are not uniform: one byte each per voxel
      { id: 2, label: 'Accept prediction', voxels: 2, bytes: 2 * (4 + 1 + 1) + STEP_OVERHEAD_BYTES, time: 1010 },
    ]);
  });

  it('mergeSince turns the dabs of one drag into one step, undone at once', () => {
    const history = new EditHistory(new Uint8Array(16 ** 3));
    history.apply({ label: 'before', indices: Uint32Array.of(0), values: 1 });
    const first = history.nextStepId;
    for (let c = 4; c <= 9; c++) history.apply({ label: 'dab', indices: ball(c, 2), values: 2 });
    const painted = history.labels.slice();
    const merged = history.mergeSince(first, 'Brush 2 mm, label 2');
    expect(history.steps().map((s) => s.label)).toEqual(['before', 'Brush 2 mm, label 2']);
    const union = new Set<number>();
    for (let c = 4; c <= 9; c++) ball(c, 2).forEach((v) => union.add(v));
    expect(merged?.voxels).toBe(union.size);
    expect(Array.from(history.labels)).toEqual(Array.from(painted));
    history.undo();
    expect(sum(history.labels)).toBe(1);
    history.redo();
    expect(Array.from(history.labels)).toEqual(Array.from(painted));
  });
});

describe('EditHistory memory', () => {
  it('bytes per stroke are proportional to its changed voxels on a 128³ volume, never a copy of the volume', () => {
    const n = 128 ** 3;
    const history = new EditHistory(new Uint8Array(n));
    const stroke = (count: number, first: number) => Uint32Array.from({ length: count }, (_, k) => first + 37 * k);
    const small = history.apply({ label: '10', indices: stroke(10, 0), values: 1 }).step!;
    const large = history.apply({ label: '1000', indices: stroke(1000, 500_000), values: 1 }).step!;
    expect(small.bytes - STEP_OVERHEAD_BYTES).toBe(10 * 4);
    expect(large.bytes - STEP_OVERHEAD_BYTES).toBe(1000 * 4);
    // A mixed stroke keeps per-voxel before/after values: 4 + 1 + 1 bytes per voxel.
    const mixed = history.apply({ label: 'mixed', indices: stroke(1000, 0), values: Uint8Array.from({ length: 1000 }, (_, k) => 2 + (k % 3)) }).step!;
    expect(mixed.bytes - STEP_OVERHEAD_BYTES).toBe(1000 * 6);
    for (let p = 0; p < 3; p++) {
      const d = history.diffAt(p);
      for (const part of [d.indices, d.before, d.after]) {
        if (typeof part === 'number') continue;
        // Each stored array owns exactly its bytes: not a view into a volume-sized buffer.
        expect(part.buffer.byteLength).toBe(part.byteLength);
        expect(part.byteLength).toBeLessThan(n / 100);
      }
    }
    expect(history.totalBytes).toBe(small.bytes + large.bytes + mixed.bytes);
  });

  it('over the budget the oldest steps are dropped and reported, but never fewer than minSteps remain', () => {
    const stepBytes = 100 * 4 + STEP_OVERHEAD_BYTES;
    const history = new EditHistory(new Uint8Array(100_000), { memoryBudgetBytes: 10 * stepBytes, minSteps: 4 });
    const dropped: number[] = [];
    for (let k = 0; k < 15; k++) {
      const r = history.apply({ label: `s${k}`, indices: Uint32Array.from({ length: 100 }, (_, j) => k * 100 + j), values: 1 });
      dropped.push(...r.dropped.map((s) => s.id));
    }
    expect(dropped).toEqual([1, 2, 3, 4, 5]);
    expect(history.droppedCount).toBe(5);
    expect(history.steps().length).toBe(10);
    expect(history.totalBytes).toBe(10 * stepBytes);
    // Undo everything still kept: the first five strokes stay (they can no longer be undone).
    history.jumpTo(0);
    expect(sum(history.labels)).toBe(500);
  });

  it('keeps at least 200 steps by default, even when each is over the budget', () => {
    const history = new EditHistory(new Uint8Array(1000), { memoryBudgetBytes: 1 });
    for (let k = 0; k < 250; k++) history.apply({ label: `s${k}`, indices: Uint32Array.of(k), values: 1 + (k % 2) });
    expect(MIN_HISTORY_STEPS).toBe(200);
    expect(history.steps().length).toBe(200);
    expect(history.steps()[0].label).toBe('s50');
  });
});

describe('EditHistory locks', () => {
  it('a locked label is neither overwritten, erased nor painted; undo restores exactly regardless', () => {
    const table = new LabelTable('uint8', [{ value: 1, name: 'liver' }, { value: 2, name: 'lesion' }]);
    const labels = Uint8Array.of(0, 1, 1, 2, 2, 0);
    const history = new EditHistory(labels, { locks: table });
    table.setLocked(1, true);
    const r = history.apply({ label: 'paint 2', indices: Uint32Array.of(0, 1, 2, 5), values: 2 });
    expect(r.skippedLocked).toBe(2);
    expect(Array.from(history.labels)).toEqual([2, 1, 1, 2, 2, 2]);
    history.apply({ label: 'erase', indices: Uint32Array.of(0, 1, 2, 3, 4, 5), values: 0 });
    expect(Array.from(history.labels)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(() => history.apply({ label: 'paint 1', indices: Uint32Array.of(0), values: 1 })).toThrow(
      'EditHistory.apply: label 1 is locked; unlock it to paint with it',
    );
    // Per-voxel values (accept prediction): voxels that would get the locked label are skipped.
    const p = history.apply({ label: 'accept', indices: Uint32Array.of(0, 3, 5), values: Uint8Array.of(1, 2, 1) });
    expect(p.skippedLocked).toBe(2);
    expect(Array.from(history.labels)).toEqual([0, 1, 1, 2, 0, 0]);
    history.jumpTo(0);
    expect(Array.from(history.labels)).toEqual([0, 1, 1, 2, 2, 0]);
    table.setLocked(1, false);
    history.apply({ label: 'paint 1', indices: Uint32Array.of(0), values: 1 });
    expect(history.labels[0]).toBe(1);
  });
});

describe('EditHistory bad input', () => {
  const history = new EditHistory(new Uint8Array(10));
  it.each([
    [{ label: 'x', indices: [1, 2], values: 1 }, 'EditHistory.apply: stroke.indices must be a Uint32Array, got [1, 2]'],
    [{ label: 'x', indices: Uint32Array.of(2, 2), values: 1 }, 'stroke.indices must be strictly increasing; index 1 is 2 after 2 (use sortedUnique)'],
    [{ label: 'x', indices: Uint32Array.of(10), values: 1 }, 'stroke index 10 is outside the label map (10 voxels)'],
    [{ label: 'x', indices: Uint32Array.of(1), values: 256 }, 'stroke value must be an integer in [0, 255] for uint8, got 256'],
    [{ label: 'x', indices: Uint32Array.of(1, 2), values: [1] }, 'stroke.values must be one number or one per index (2)'],
    [{ label: 'x', indices: Uint32Array.of(1), values: [1.5] }, 'stroke.values[0] must be an integer in [0, 255] for uint8, got 1.5'],
  ])('%o', (stroke, message) => {
    expect(() => history.apply(stroke as never)).toThrow(message);
  });
  it('refuses a label array of another type and a bad budget', () => {
    expect(() => new EditHistory(new Float32Array(3) as never)).toThrow('EditHistory: labels must be a Uint8Array or a Uint16Array');
    expect(() => new EditHistory(new Uint8Array(3), { memoryBudgetBytes: -1 })).toThrow('memoryBudgetBytes must be a finite number ≥ 0, got -1');
  });
});
