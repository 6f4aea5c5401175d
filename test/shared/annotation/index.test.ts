// The annotation core's public API (shared/annotation/index.ts) end to end on the demo volumes:
// a label table from the values present, brush, threshold brush, flood fill and eraser through
// one history, live statistics equal to a recount, undo back to the file's bytes.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import {
  EditHistory,
  LabelStats,
  LabelTable,
  brushIndices,
  floodFill,
  thresholdBrushIndices,
  windowLevelRange,
} from '../../../shared/annotation';
import { readNifti } from '../../../shared/io/nifti';

it('edits the demo brain mask with every kind of tool through the public API', () => {
  const brain = readNifti(readFileSync('demo/data/ch2-2mm_brain.nii.gz'));
  const t1 = readNifti(readFileSync('demo/data/ch2-2mm_t1.nii.gz'));
  const original = brain.data as Uint8Array;
  const grid = { shape: brain.shape, spacing: brain.spacing };
  const table = LabelTable.fromValues(original, { 1: 'brain' });
  const lesion = table.add({ name: 'lesion' }).value;
  const history = new EditHistory(original, { locks: table });
  const stats = new LabelStats(grid, history.labels, original);
  const take = (change: Parameters<LabelStats['update']>[0] | null) => change && stats.update(change);

  take(history.apply({ label: `Brush 6 mm, label ${lesion}`, indices: brushIndices(grid, { centre: [45, 54, 45], radiusMm: 6, axis: 2 }), values: lesion }).change);
  const level = t1.data[(45 * 109 + 60) * 91 + 45]; // the window centred on the intensity under the cursor
  const bright = thresholdBrushIndices(grid, t1.data, { centre: [45, 60, 45], radiusMm: 8 }, windowLevelRange(20, level));
  expect(bright.length).toBeGreaterThan(0);
  take(history.apply({ label: `Threshold brush 8 mm, label ${lesion}`, indices: bright, values: lesion }).change);
  table.setLocked(lesion, true);
  const outside = floodFill(grid, { seed: [0, 0, 0], criterion: { kind: 'label', labels: history.labels }, axis: 0 });
  take(history.apply({ label: 'Fill, label 1', indices: outside, values: 1 }).change);
  const lesionVoxels = stats.row(lesion).voxels;
  expect(lesionVoxels).toBeGreaterThan(0);
  take(history.apply({ label: 'Eraser 20 mm', indices: brushIndices(grid, { centre: [45, 54, 45], radiusMm: 20 }), values: 0 }).change);

  expect(history.steps().map((s) => s.label)).toEqual(['Brush 6 mm, label 2', 'Threshold brush 8 mm, label 2', 'Fill, label 1', 'Eraser 20 mm']);
  expect(stats.rows({ includeBackground: true })).toEqual(new LabelStats(grid, history.labels, original).rows({ includeBackground: true }));
  // The locked lesion (inside the eraser's ball) survived it, voxel for voxel.
  expect(stats.row(lesion).voxels).toBe(lesionVoxels);
  expect(history.steps()[3].voxels).toBeLessThan(brushIndices(grid, { centre: [45, 54, 45], radiusMm: 20 }).length);
  history.jumpTo(0).forEach((c) => stats.update(c));
  expect(Buffer.from(history.labels).equals(Buffer.from(original))).toBe(true);
  expect(stats.row(1).dice).toBe(1);
});
