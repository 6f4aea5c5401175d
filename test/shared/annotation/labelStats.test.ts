// LabelStats (issue 14): voxel count, mL and Dice per label, updated from each edit's diff,
// equal to a full recount after every edit, undo and redo.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EditHistory } from '../../../shared/annotation/editHistory';
import { LabelStats } from '../../../shared/annotation/labelStats';
import { brushIndices } from '../../../shared/annotation/tools/brush';
import { readNifti } from '../../../shared/io/nifti';
import { mulberry32 } from '../../../shared/util/mulberry32';

describe('LabelStats', () => {
  it('counts, mL on anisotropic spacing [0.5, 1, 2.5] mm, and Dice by hand', () => {
    const grid = { shape: [2, 2, 2], spacing: [0.5, 1, 2.5] }; // 1.25 mm³ per voxel
    const reference = Uint8Array.of(0, 1, 1, 1, 2, 2, 0, 0);
    const prediction = Uint8Array.of(0, 1, 0, 2, 2, 2, 2, 0);
    const stats = new LabelStats(grid, reference, prediction);
    expect(stats.voxelMl).toBe(0.00125);
    expect(stats.rows()).toEqual([
      { value: 1, voxels: 3, volumeMl: 3 * 0.00125, predictedVoxels: 1, overlap: 1, dice: (2 * 1) / 4 },
      { value: 2, voxels: 2, volumeMl: 2 * 0.00125, predictedVoxels: 4, overlap: 2, dice: (2 * 2) / 6 },
    ]);
    expect(stats.row(7)).toEqual({ value: 7, voxels: 0, volumeMl: 0, predictedVoxels: 0, overlap: 0, dice: 1 });
    expect(new LabelStats(grid, reference).row(1).dice).toBeNull();
  });

  it('random strokes, undo, redo and jumps on an anisotropic grid: incremental equals a full recount after each', () => {
    const grid = { shape: [20, 24, 18], spacing: [0.5, 1, 2.5] };
    const n = 20 * 24 * 18;
    const random = mulberry32(14);
    const reference = Uint16Array.from({ length: n }, () => (random() < 0.7 ? 0 : 1 + Math.floor(random() * 4)));
    const prediction = Uint16Array.from({ length: n }, () => (random() < 0.6 ? 0 : 1 + Math.floor(random() * 5)));
    const history = new EditHistory(reference);
    const stats = new LabelStats(grid, history.labels, prediction);
    const check = () => expect(stats.rows({ includeBackground: true })).toEqual(new LabelStats(grid, history.labels, prediction).rows({ includeBackground: true }));
    for (let k = 0; k < 40; k++) {
      const r = random();
      if (r < 0.15) {
        const change = history.undo();
        if (change) stats.update(change);
      } else if (r < 0.25) {
        const change = history.redo();
        if (change) stats.update(change);
      } else if (r < 0.3) {
        history.jumpTo(Math.floor(random() * (history.steps().length + 1))).forEach((c) => stats.update(c));
      } else {
        const centre = [random() * 20, random() * 24, random() * 18] as const;
        const indices = brushIndices(grid, { centre, radiusMm: 1 + random() * 6, axis: random() < 0.5 ? undefined : 1 });
        const values = random() < 0.5 ? Math.floor(random() * 6) : Uint16Array.from(indices, () => Math.floor(random() * 6));
        const { change } = history.apply({ label: `stroke ${k}`, indices, values });
        if (change) stats.update(change);
      }
      check();
    }
    expect(history.steps().length).toBeGreaterThan(5);
  });

  it('the demo brain mask at 2 mm: 217829 voxels = 1742.632 mL; erasing a 10 mm ball updates count and Dice', () => {
    const brain = readNifti(readFileSync('demo/data/ch2-2mm_brain.nii.gz'));
    const labels = brain.data as Uint8Array;
    const grid = { shape: brain.shape, spacing: brain.spacing };
    const stats = new LabelStats(grid, labels, labels);
    expect(stats.row(1)).toEqual({ value: 1, voxels: 217829, volumeMl: 217829 * 0.008, predictedVoxels: 217829, overlap: 217829, dice: 1 });
    const history = new EditHistory(labels);
    const ball = brushIndices(grid, { centre: [45, 54, 45], radiusMm: 10 });
    const { change } = history.apply({ label: 'Eraser 10 mm', indices: ball, values: 0 });
    stats.update(change!);
    const erased = change!.indices.length;
    expect(erased).toBe(ball.length); // the centre of the head is brain
    expect(stats.row(1)).toEqual(new LabelStats(grid, history.labels, labels).row(1));
    expect(stats.row(1).voxels).toBe(217829 - erased);
    expect(stats.row(1).dice).toBeCloseTo((2 * (217829 - erased)) / (2 * 217829 - erased), 12);
  });

  it('refuses a prediction on another grid', () => {
    const grid = { shape: [2, 2, 2], spacing: [1, 1, 1] };
    expect(() => new LabelStats(grid, new Uint8Array(8), new Uint8Array(7))).toThrow('LabelStats: prediction has 7 values but the grid 2×2×2 has 8 voxels');
  });
});
