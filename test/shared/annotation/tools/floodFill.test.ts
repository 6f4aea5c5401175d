// Flood fill / region grow (issue 14): 6-connected in 3-D, 4-connected on a slice, by intensity
// tolerance or by label, with a voxel cap that is a clear error.
import { describe, expect, it } from 'vitest';
import { FillLimitError, floodFill } from '../../../../shared/annotation/tools/floodFill';
import { flatIndex } from '../../../../shared/annotation/labelGrid';

const grid = { shape: [5, 6, 7], spacing: [1, 1, 1] };
const n = 5 * 6 * 7;
const at = (a0: number, a1: number, a2: number) => flatIndex(grid.shape, a0, a1, a2);

describe('floodFill', () => {
  it('label fill in 3-D: the 6-connected component only (a diagonal neighbour is not connected)', () => {
    const labels = new Uint8Array(n);
    for (const [a, b, c] of [[1, 1, 1], [1, 1, 2], [1, 2, 2], [2, 2, 2], [3, 3, 3]]) labels[at(a, b, c)] = 4;
    labels[at(2, 3, 3)] = 4; // shares a face with [3,3,3], only an edge with [2,2,2]
    const region = floodFill(grid, { seed: [1, 1, 1], criterion: { kind: 'label', labels } });
    expect(Array.from(region)).toEqual([at(1, 1, 1), at(1, 1, 2), at(1, 2, 2), at(2, 2, 2)]);
    const other = floodFill(grid, { seed: [3, 3, 3], criterion: { kind: 'label', labels } });
    expect(Array.from(other)).toEqual([at(2, 3, 3), at(3, 3, 3)]);
  });

  it('on a slice: 4-connected, never leaving the slice', () => {
    const labels = new Uint8Array(n); // all background: the fill is the whole plane
    for (const axis of [0, 1, 2] as const) {
      const region = floodFill(grid, { seed: [2, 3, 4], criterion: { kind: 'label', labels }, axis });
      const plane = n / grid.shape[axis];
      expect(region.length).toBe(plane);
    }
    labels[at(2, 0, 1)] = 1;
    labels[at(2, 1, 0)] = 1; // a diagonal wall cuts off the corner [2,0,0] in 4-connectivity
    const cut = floodFill(grid, { seed: [2, 3, 4], criterion: { kind: 'label', labels }, axis: 0 });
    expect(cut.length).toBe(6 * 7 - 3);
    expect(cut.includes(at(2, 0, 0))).toBe(false);
  });

  it('region grow: intensity within the tolerance of the seed\'s, in a gradient', () => {
    const image = new Float32Array(n);
    for (let a0 = 0; a0 < 5; a0++) for (let a1 = 0; a1 < 6; a1++) for (let a2 = 0; a2 < 7; a2++) image[at(a0, a1, a2)] = 10 * a2;
    const region = floodFill(grid, { seed: [0, 0, 3], criterion: { kind: 'intensity', image, tolerance: 10 } });
    expect(region.length).toBe(5 * 6 * 3); // a2 ∈ {2, 3, 4}
    expect(Array.from(region).every((v) => Math.abs(image[v] - 30) <= 10)).toBe(true);
  });

  it('the cap is an error that says what to do', () => {
    const labels = new Uint8Array(n);
    const fill = () => floodFill(grid, { seed: [0, 0, 0], criterion: { kind: 'label', labels }, maxVoxels: 100 });
    expect(fill).toThrow(FillLimitError);
    expect(fill).toThrow('floodFill: the region grew past 100 voxels (maxVoxels); lower the tolerance, fill on a slice, or raise maxVoxels');
    expect(floodFill(grid, { seed: [0, 0, 0], criterion: { kind: 'label', labels }, maxVoxels: n }).length).toBe(n);
  });

  it('names bad input', () => {
    const labels = new Uint8Array(n);
    expect(() => floodFill(grid, { seed: [5, 0, 0], criterion: { kind: 'label', labels } })).toThrow('floodFill: seed must be three integers inside [0, 5) × [0, 6) × [0, 7), got [5, 0, 0]');
    expect(() => floodFill(grid, { seed: [0, 0, 0], criterion: { kind: 'label', labels: new Uint8Array(3) } })).toThrow('floodFill: criterion.labels must have one value per voxel (210), got 3');
    expect(() => floodFill(grid, { seed: [0, 0, 0], criterion: { kind: 'intensity', image: new Float32Array(n), tolerance: -1 } })).toThrow('criterion.tolerance must be a finite number ≥ 0, got -1');
    expect(() => floodFill(grid, { seed: [0, 0, 0], criterion: { kind: 'grow' } as never })).toThrow("criterion.kind must be 'intensity' or 'label', got \"grow\"");
  });
});
