// Accept prediction into the reference (issue 14): the predicted component under a voxel, or
// the predicted voxels inside a drawn region, written with the predicted labels through the
// history (locks kept).
import { describe, expect, it } from 'vitest';
import { predictedComponent, predictedInRegion } from '../../../../shared/annotation/tools/acceptPrediction';
import { rectangleIndices } from '../../../../shared/annotation/tools/scissors';
import { EditHistory } from '../../../../shared/annotation/editHistory';
import { LabelTable } from '../../../../shared/annotation/labelTable';
import { flatIndex } from '../../../../shared/annotation/labelGrid';

const grid = { shape: [4, 6, 6], spacing: [1, 1, 1] };
const at = (a0: number, a1: number, a2: number) => flatIndex(grid.shape, a0, a1, a2);

/** A prediction with two blobs of label 2 (one spanning two slices) and one of label 3. */
function prediction(): Uint8Array {
  const p = new Uint8Array(4 * 6 * 6);
  for (const [a, b, c] of [[1, 1, 1], [1, 1, 2], [2, 1, 2]]) p[at(a, b, c)] = 2;
  p[at(1, 4, 4)] = 2;
  p[at(1, 1, 3)] = 3; // touches the first blob but has another label
  return p;
}

describe('accept prediction', () => {
  it('the component under the cursor, 3-D or on a slice, with its label', () => {
    const p = prediction();
    const c3 = predictedComponent(grid, p, [1, 1, 1]);
    expect(c3).toEqual({ indices: Uint32Array.of(at(1, 1, 1), at(1, 1, 2), at(2, 1, 2)), values: 2 });
    const c2 = predictedComponent(grid, p, [1, 1, 1], { axis: 0 });
    expect(Array.from(c2.indices)).toEqual([at(1, 1, 1), at(1, 1, 2)]);
    expect(predictedComponent(grid, p, [0, 0, 0])).toEqual({ indices: new Uint32Array(0), values: 0 });
  });

  it('into the reference through the history: undoable, and a locked label stays', () => {
    const p = prediction();
    const table = new LabelTable('uint8', [{ value: 2, name: 'lesion' }, { value: 5, name: 'vessel' }]);
    const reference = new Uint8Array(p.length);
    reference[at(2, 1, 2)] = 5;
    const history = new EditHistory(reference, { locks: table });
    table.setLocked(5, true);
    const { indices, values } = predictedComponent(grid, p, [1, 1, 2]);
    const r = history.apply({ label: 'Accept prediction (component)', indices, values });
    expect(r.skippedLocked).toBe(1);
    expect([at(1, 1, 1), at(1, 1, 2), at(2, 1, 2)].map((v) => history.labels[v])).toEqual([2, 2, 5]);
    history.undo();
    expect(Array.from(history.labels)).toEqual(Array.from(reference));
  });

  it('inside a drawn region: only predicted voxels, each with its own label; or the whole region', () => {
    const p = prediction();
    const region = rectangleIndices(grid, { axis: 0, index: 1 }, [0, 0], [2, 5]);
    const fg = predictedInRegion(p, region);
    expect(Array.from(fg.indices)).toEqual([at(1, 1, 1), at(1, 1, 2), at(1, 1, 3)]);
    expect(Array.from(fg.values as Uint8Array)).toEqual([2, 2, 3]);
    const all = predictedInRegion(p, region, { includeBackground: true });
    expect(all.indices.length).toBe(region.length);
    const history = new EditHistory(new Uint8Array(p.length).fill(1));
    history.apply({ label: 'Accept prediction (region)', ...all });
    expect(Array.from(region).every((v) => history.labels[v] === p[v])).toBe(true);
    expect(history.labels[at(1, 4, 4)]).toBe(1); // outside the region
  });

  it('names bad input', () => {
    expect(() => predictedComponent(grid, new Uint8Array(3), [0, 0, 0])).toThrow('predictedComponent: prediction has 3 values but the grid 4×6×6 has 144 voxels');
    expect(() => predictedInRegion(new Uint8Array(3), Uint32Array.of(5))).toThrow('predictedInRegion: region index 5 is outside the prediction (3 voxels)');
  });
});
