import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../shared/stitching/planWindows';
import { windowsAtVoxel } from '../../../shared/engine/inference/windowsAtVoxel';
import { applyFindingOperation, createFinding, deleteFinding, editFinding, type NewFinding } from '../../../shared/findings/findingOperations';
import { anchorVoxel, describeFindingPatch, findingPatch } from '../../../shared/findings/findingPatch';
import type { Finding } from '../../../shared/findings/types';

const SHAPE = [91, 109, 91];
const plan = planWindows(SHAPE, { patchSize: 24, overlap: 0.5 });
const context = { imageShape: SHAPE, plan, run: 'run-1' };
const point: NewFinding = { shape: { kind: 'point', voxel: [5, 50, 3] }, category: 'border artefact', severity: 2, note: 'edge', author: 'A. Reader', time: '2026-12-07T14:30:00.000Z' };

describe('findingPatch (a finding in patch terms)', () => {
  it('lists the windows windowsAtVoxel finds, with the distance to the patch border', () => {
    const patch = findingPatch(plan, point.shape, { run: 'run-1' })!;
    // axis 0: voxel 5 lies only in the window at 0; axis 1: 50 in the windows at 36 and 48; axis 2: only 0
    expect(patch.windows).toEqual([
      { index: 21, start: [0, 36, 0], positionInPatch: [5, 14, 3], borderDistance: 3 },
      { index: 28, start: [0, 48, 0], positionInPatch: [5, 2, 3], borderDistance: 2 },
    ]);
    expect(patch.windows.map(({ index, start, positionInPatch }) => ({ index, start, positionInPatch }))).toEqual(windowsAtVoxel(plan, [5, 50, 3]));
    expect(patch.run).toBe('run-1');
    expect(describeFindingPatch(patch)).toBe('window 28 at [0, 48, 0], patch position [5, 2, 3], 2 voxels from the patch border; 2 windows cover it');
  });

  it('a voxel in the middle of the demo grid: 8 windows, one of them has it on its border', () => {
    const patch = findingPatch(plan, { kind: 'point', voxel: [40, 24, 33] })!;
    expect(patch.windows).toHaveLength(8);
    expect(describeFindingPatch(patch)).toBe('window 141 at [24, 24, 12], patch position [16, 0, 21], on the patch border; 8 windows cover it');
    // every window's box holds the voxel: start + position = voxel (no padding on this grid)
    for (const w of patch.windows) expect(w.start.map((s, a) => s + w.positionInPatch[a])).toEqual([40, 24, 33]);
  });

  it('anchors: polygon centroid on its slice, the region voxel nearest the centroid', () => {
    expect(anchorVoxel({ kind: 'polygon', axis: 2, slice: 4, points: [[3, 100], [7, 100], [7, 104], [3, 104]] }, SHAPE)).toEqual([5, 102, 4]);
    // an L-shaped polygon's centroid (area-weighted) and a degenerate one (all on a line: the vertex mean)
    expect(anchorVoxel({ kind: 'polygon', axis: 0, slice: 7, points: [[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4]] }, SHAPE)).toEqual([7, 1, 1]);
    expect(anchorVoxel({ kind: 'polygon', axis: 1, slice: 2, points: [[0, 0], [2, 0], [4, 0]] }, SHAPE)).toEqual([2, 2, 0]);
    // voxels [0,0,0], [0,0,2], [0,0,3]: centroid z = 5/3, nearest member [0,0,2]
    expect(anchorVoxel({ kind: 'voxels', voxels: [0, 2, 3] }, SHAPE)).toEqual([0, 0, 2]);
  });

  it('maps image voxels onto a cropped run grid, null outside it', () => {
    const crop = planWindows([40, 40, 40], { patchSize: 24, overlap: 0.5 });
    const toPlan = (v: readonly number[]) => v.map((c) => c - 30);
    const inside = findingPatch(crop, { kind: 'point', voxel: [30, 30, 30] }, { imageShape: SHAPE, toPlan })!;
    expect(inside.anchor).toEqual([30, 30, 30]);
    expect(inside.windows[0]).toEqual({ index: 0, start: [0, 0, 0], positionInPatch: [0, 0, 0], borderDistance: 0 });
    expect(findingPatch(crop, { kind: 'point', voxel: [10, 30, 30] }, { imageShape: SHAPE, toPlan })).toBeNull();
    expect(() => findingPatch(crop, point.shape, { imageShape: SHAPE })).toThrow(/findingPatch: the image shape \[91, 109, 91\] differs from the run's grid \[40, 40, 40\]; pass toPlan/);
  });
});

describe('createFinding / editFinding / deleteFinding (pure, undoable)', () => {
  it('create, edit, delete; each inverse restores the list before, and its inverse redoes it', () => {
    const list0: Finding[] = [];
    const c = createFinding(list0, point, context);
    expect(list0).toEqual([]); // never mutated
    expect(c.finding).toMatchObject({ id: 'finding-1', category: 'border artefact', severity: 2, note: 'edge', author: 'A. Reader', time: '2026-12-07T14:30:00.000Z' });
    expect(c.finding.patch!.windows.map((w) => w.index)).toEqual([21, 28]);
    expect(c.inverse).toEqual({ op: 'remove', id: 'finding-1' });

    const c2 = createFinding(c.findings, { ...point, shape: { kind: 'voxels', voxels: [9, 3, 3, 7] }, category: 'false positive', severity: 1 }, context);
    expect(c2.finding.id).toBe('finding-2');
    expect(c2.finding.shape).toEqual({ kind: 'voxels', voxels: [3, 7, 9] });

    const e = editFinding(c2.findings, 'finding-1', { severity: 3, note: 'worse', shape: { kind: 'point', voxel: [40, 24, 33] }, time: '2026-12-07T15:00:00Z' }, context);
    expect(e.finding).toMatchObject({ id: 'finding-1', severity: 3, note: 'worse', edited: '2026-12-07T15:00:00Z', time: '2026-12-07T14:30:00.000Z' });
    expect(e.finding.patch!.windows).toHaveLength(8);
    expect(e.findings.map((f) => f.id)).toEqual(['finding-1', 'finding-2']);
    const undoEdit = applyFindingOperation(e.findings, e.inverse);
    expect(undoEdit.findings).toEqual(c2.findings);
    expect(applyFindingOperation(undoEdit.findings, undoEdit.inverse).findings).toEqual(e.findings);

    const d = deleteFinding(e.findings, 'finding-1');
    expect(d.findings.map((f) => f.id)).toEqual(['finding-2']);
    expect(d.inverse).toEqual({ op: 'insert', finding: e.findings[0], index: 0 });
    expect(applyFindingOperation(d.findings, d.inverse).findings).toEqual(e.findings);
    expect(applyFindingOperation(c.findings, c.inverse).findings).toEqual([]);
    // ids keep counting past deleted ones
    expect(createFinding(d.findings, point, context).finding.id).toBe('finding-3');
  });

  it('an edit that keeps the shape keeps the windows; without a plan there are none', () => {
    const c = createFinding([], point, context);
    const e = editFinding(c.findings, 'finding-1', { category: 'other', time: '2026-12-07T15:00:00Z' }, { imageShape: SHAPE });
    expect(e.finding.patch).toEqual(c.finding.patch);
    expect(createFinding([], point, { imageShape: SHAPE }).finding.patch).toBeNull();
  });

  it('names what is wrong', () => {
    expect(() => createFinding([], { ...point, severity: 4 as 1 }, context)).toThrow('validateFindings: finding.severity must be 1, 2 or 3, got 4');
    expect(() => createFinding([], { ...point, author: '' }, context)).toThrow('validateFindings: finding.author must not be empty');
    expect(() => createFinding([], { ...point, shape: { kind: 'point', voxel: [91, 0, 0] } }, context)).toThrow('validateFindings: finding.shape.voxel[0] must be an integer in [0, 90], got 91');
    const c = createFinding([], point, context);
    expect(() => createFinding(c.findings, { ...point, id: 'finding-1' }, context)).toThrow('applyFindingOperation: a finding with id "finding-1" exists already');
    expect(() => editFinding(c.findings, 'nope', { time: '2026-12-07T15:00:00Z' }, context)).toThrow('editFinding: no finding has id "nope"');
    expect(() => deleteFinding(c.findings, 'nope')).toThrow('applyFindingOperation: no finding has id "nope"');
  });
});
