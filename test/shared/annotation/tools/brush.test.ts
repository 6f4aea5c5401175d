// Brush / eraser footprints (issue 14): a disc on a slice of each view or a ball in 3-D, radius
// in mm, so anisotropic spacing gives an ellipse / ellipsoid in voxels.
import { describe, expect, it } from 'vitest';
import { brushIndices, brushPathIndices } from '../../../../shared/annotation/tools/brush';
import { voxelOf } from '../../../../shared/annotation/labelGrid';

const iso = { shape: [21, 21, 21], spacing: [1, 1, 1] };

/** Brute force: every voxel whose centre is within r mm of c (ignoring the axis in 2-D). */
function reference(grid: { shape: number[]; spacing: number[] }, c: readonly number[], r: number, axis?: number): number[] {
  const out: number[] = [];
  const [n0, n1, n2] = grid.shape;
  for (let v = 0; v < n0 * n1 * n2; v++) {
    const a = voxelOf(grid.shape, v);
    if (axis !== undefined && a[axis] !== Math.round(c[axis])) continue;
    let d = 0;
    for (let k = 0; k < 3; k++) if (k !== axis) d += ((a[k] - c[k]) * grid.spacing[k]) ** 2;
    if (d <= r * r) out.push(v);
  }
  return out;
}

describe('brushIndices', () => {
  it('a 3 mm ball at 1 mm holds the 123 voxel centres within 3 voxels; sorted', () => {
    const ball = brushIndices(iso, { centre: [10, 10, 10], radiusMm: 3 });
    expect(ball.length).toBe(123);
    expect(Array.from(ball)).toEqual(reference(iso, [10, 10, 10], 3));
  });

  it('on each of the three views: a disc of 29 voxels on the slice through the centre', () => {
    for (const axis of [0, 1, 2] as const) {
      const disc = brushIndices(iso, { centre: [10, 10, 10.4], radiusMm: 3, axis });
      expect(Array.from(disc)).toEqual(reference(iso, [10, 10, 10.4], 3, axis));
      expect(new Set(Array.from(disc, (v) => voxelOf(iso.shape, v)[axis])).size).toBe(1);
    }
    expect(brushIndices(iso, { centre: [10, 10, 10], radiusMm: 3, axis: 0 }).length).toBe(29);
  });

  it('anisotropic spacing [0.5, 1, 2.5] mm: an ellipsoid, 10 voxels across axis 0 for every 2 across axis 2', () => {
    const grid = { shape: [30, 20, 10], spacing: [0.5, 1, 2.5] };
    const c = [15, 10, 5] as const;
    const ball = brushIndices(grid, { centre: c, radiusMm: 5 });
    expect(Array.from(ball)).toEqual(reference(grid, c, 5));
    const extent = (d: number) => {
      const a = Array.from(ball, (v) => voxelOf(grid.shape, v)[d]);
      return [Math.min(...a), Math.max(...a)];
    };
    expect([extent(0), extent(1), extent(2)]).toEqual([[5, 25], [5, 15], [3, 7]]);
  });

  it('clips at the border, and a radius below half a voxel still paints the voxel under the cursor', () => {
    const corner = brushIndices(iso, { centre: [0, 0, 0], radiusMm: 2 });
    expect(Array.from(corner)).toEqual(reference(iso, [0, 0, 0], 2));
    expect(Array.from(brushIndices(iso, { centre: [2.3, 4, 5.6], radiusMm: 0.1 }))).toEqual([(2 * 21 + 4) * 21 + 6]);
    expect(brushIndices(iso, { centre: [-9, -9, -9], radiusMm: 2 }).length).toBe(0);
  });

  it('a drag is the union of its dabs, sorted and unique', () => {
    const path = brushPathIndices(iso, [[10, 10, 5], [10, 10, 6], [10, 10, 7]], { radiusMm: 2, axis: 0 });
    const union = new Set([5, 6, 7].flatMap((z) => reference(iso, [10, 10, z], 2, 0)));
    expect(Array.from(path)).toEqual([...union].sort((a, b) => a - b));
  });

  it('names what is wrong', () => {
    expect(() => brushIndices(iso, { centre: [1, 2], radiusMm: 1 } as never)).toThrow('brushIndices: centre must be three finite voxel coordinates, got [1, 2]');
    expect(() => brushIndices(iso, { centre: [1, 2, 3], radiusMm: -1 })).toThrow('brushIndices: radiusMm must be a finite number ≥ 0, got -1');
    expect(() => brushIndices(iso, { centre: [1, 2, 3], radiusMm: 1, axis: 3 as never })).toThrow('axis must be 0, 1, 2 or absent (3-D), got 3');
    expect(() => brushIndices({ shape: [2, 2], spacing: [1, 1] }, { centre: [1, 2, 3], radiusMm: 1 })).toThrow('brushIndices: grid.shape must be three positive integers');
  });
});
