import { describe, expect, it } from 'vitest';
import type { InspectResult } from '../../../../shared/api/contract';
import { windowsAtVoxel } from '../../../../shared/engine/inference/windowsAtVoxel';
import { createFinding, deleteFinding, editFinding, findingPatch, type FindingsDocument } from '../../../../shared/findings';
import { planWindows } from '../../../../shared/stitching/planWindows';
import {
  createFindingWithPatch,
  describeFindingShape,
  FindingsUndo,
  findingPatchFromInspect,
  firstLine,
  formatFindingTime,
  sameFindingsDocument,
} from '../../../../src-renderer/annotation/findings/findingsModel';

/** The demo image and its run grid of docs/findings.md: 91×109×91, patch 24³, overlap 0.5. */
const SHAPE = [91, 109, 91];
const PATCH = [24, 24, 24];
const plan = planWindows(SHAPE, { patchSize: 24, overlap: 0.5 });

/** What run:inspect answers at a voxel, with the fields the findings do not use filled in. */
function inspectAt(voxel: number[], windows: { index: number; start: number[]; planStart?: number[]; positionInPatch: number[] }[]): InspectResult {
  return {
    voxel, modelVoxel: voxel, stitched: [0.4, 0.6], label: 1, reference: 1,
    // Without padding or a crop box the plan's padded frame is the model grid.
    windows: windows.map((w) => ({ ...w, planStart: w.planStart ?? w.start, probabilities: [0.4, 0.6], weight: 1, performance: null })),
  };
}

describe('findingPatchFromInspect', () => {
  it('gives the windows of docs/findings.md finding-1, with border distances 3 and 2', () => {
    const result = inspectAt([5, 50, 3], [
      { index: 21, start: [0, 36, 0], positionInPatch: [5, 14, 3] },
      { index: 28, start: [0, 48, 0], positionInPatch: [5, 2, 3] },
    ]);
    // [5, 14, 3] in 24³: min(5, 18), min(14, 9), min(3, 20) → 3; [5, 2, 3]: min(5, 18), min(2, 21), min(3, 20) → 2.
    expect(findingPatchFromInspect(result, PATCH, 'run-0003')).toEqual({
      anchor: [5, 50, 3],
      run: 'run-0003',
      windows: [
        { index: 21, start: [0, 36, 0], positionInPatch: [5, 14, 3], borderDistance: 3 },
        { index: 28, start: [0, 48, 0], positionInPatch: [5, 2, 3], borderDistance: 2 },
      ],
    });
  });

  it('measures the distance per axis of an anisotropic patch: position 7 of 8 is on the border', () => {
    const result = inspectAt([7, 3, 20], [{ index: 0, start: [0, 0, 0], positionInPatch: [7, 3, 20] }]);
    expect(findingPatchFromInspect(result, [8, 16, 32], 'r1')?.windows[0].borderDistance).toBe(0);
    const inner = inspectAt([3, 6, 20], [{ index: 0, start: [0, 0, 0], positionInPatch: [3, 6, 20] }]);
    // min(3, 4), min(6, 9), min(20, 11) → 3.
    expect(findingPatchFromInspect(inner, [8, 16, 32], 'r1')?.windows[0].borderDistance).toBe(3);
  });

  it('agrees with shared findingPatch over the demo plan at a polygon\'s anchor', () => {
    const shape = { kind: 'polygon' as const, axis: 2 as const, slice: 4, points: [[3, 100], [7, 100], [7, 104], [3, 104]] };
    const expected = findingPatch(plan, shape, { run: 'run-0003' });
    expect(expected?.anchor).toEqual([5, 102, 4]);
    const result = inspectAt([5, 102, 4], windowsAtVoxel(plan, [5, 102, 4]));
    expect(findingPatchFromInspect(result, PATCH, 'run-0003')).toEqual(expected);
  });

  it('is null where no window covered the voxel (the schema\'s patch: null)', () => {
    expect(findingPatchFromInspect(inspectAt([1, 2, 3], []), PATCH, 'r1')).toBeNull();
  });

  it('refuses bad input, naming it', () => {
    const ok = inspectAt([5, 50, 3], [{ index: 21, start: [0, 36, 0], positionInPatch: [5, 14, 3] }]);
    expect(() => findingPatchFromInspect(ok, [24, 24], 'r1')).toThrow('findingPatchFromInspect: result.windows[0].positionInPatch has 3 axes but patchSize [24, 24] has 2');
    expect(() => findingPatchFromInspect(ok, [24, 0, 24], 'r1')).toThrow('findingPatchFromInspect: patchSize must be positive integers, got [24,0,24]');
    expect(() => findingPatchFromInspect(ok, PATCH, '')).toThrow('findingPatchFromInspect: runId must be a non-empty string, got ""');
    expect(() => findingPatchFromInspect(inspectAt([5, 50], ok.windows), PATCH, 'r1')).toThrow('findingPatchFromInspect: result.voxel must be 3 integers ≥ 0');
    const outside = inspectAt([5, 50, 3], [{ index: 21, start: [0, 36, 0], positionInPatch: [5, 24, 3] }]);
    expect(() => findingPatchFromInspect(outside, PATCH, 'r1')).toThrow('findingPatchFromInspect: result.windows[0].positionInPatch [5, 24, 3] must be integers inside the patch [24, 24, 24]');
    const negative = inspectAt([5, 50, 3], [{ index: 21, start: [0, 36, 0], planStart: [-2, 36, 0], positionInPatch: [5, 14, 3] }]);
    expect(() => findingPatchFromInspect(negative, PATCH, 'r1')).toThrow('findingPatchFromInspect: result.windows[0].planStart must be 3 integers ≥ 0, got [-2,36,0]');
  });

  it('records the padded frame\'s start, not the model grid\'s: a window that begins in the padding', () => {
    // Image 10 voxels long on axis 0, patch 24: the plan pads 7 low; the window starts at −7 on the model grid, 0 in the padded frame.
    const padded = inspectAt([3, 50, 3], [{ index: 0, start: [-7, 36, 0], planStart: [0, 36, 0], positionInPatch: [10, 14, 3] }]);
    expect(findingPatchFromInspect(padded, PATCH, 'r1')!.windows).toEqual([{ index: 0, start: [0, 36, 0], positionInPatch: [10, 14, 3], borderDistance: 3 }]);
  });
});

describe('createFindingWithPatch', () => {
  const patch = { anchor: [5, 50, 3], run: 'run-0003', windows: [{ index: 28, start: [0, 48, 0], positionInPatch: [5, 2, 3], borderDistance: 2 }] };
  const input = { shape: { kind: 'point' as const, voxel: [5, 50, 3] }, category: 'border artefact' as const, severity: 2 as const, note: 'edge', author: 'A. Reader', time: '2026-12-07T14:30:00.000Z' };

  it('creates the finding with the patch block the page looked up, and its inverse removes it', () => {
    const change = createFindingWithPatch([], input, SHAPE, patch);
    expect(change.finding).toEqual({ id: 'finding-1', ...input, patch });
    expect(change.findings).toEqual([change.finding]);
    expect(change.inverse).toEqual({ op: 'remove', id: 'finding-1' });
    expect(createFindingWithPatch([], input, SHAPE, null).finding.patch).toBeNull();
  });

  it('refuses a patch looked up at another voxel than the anchor', () => {
    expect(() => createFindingWithPatch([], input, SHAPE, { ...patch, anchor: [5, 51, 3] })).toThrow("createFindingWithPatch: the patch was looked up at [5, 51, 3] but the finding's anchor is [5, 50, 3]");
  });
});

describe('FindingsUndo', () => {
  const ctx = { imageShape: SHAPE };
  const start: FindingsDocument = { format: 'patchlens.findings', version: 1, image: { name: 'ch2-2mm_t1.nii.gz', shape: SHAPE }, findings: [] };
  const first = createFinding([], { shape: { kind: 'point', voxel: [1, 2, 3] }, category: 'other', severity: 1, author: 'A', time: '2026-12-07T10:00:00Z' }, ctx).finding;

  it('undoes and redoes add → edit → delete, returning the exact documents', () => {
    const history = new FindingsUndo({ ...start, findings: [first] });
    expect([history.canUndo, history.canRedo]).toEqual([false, false]);
    const d0 = history.document;
    const d1 = history.apply((list) => createFinding(list, { shape: { kind: 'point', voxel: [5, 50, 3] }, category: 'border artefact', severity: 2, note: 'n', author: 'B', time: '2026-12-07T11:00:00Z' }, ctx), (c) => `Added ${c.finding.id}`);
    expect(d1.findings.map((f) => f.id)).toEqual(['finding-1', 'finding-2']);
    const d2 = history.apply((list) => editFinding(list, 'finding-2', { severity: 3, note: 'worse', time: '2026-12-07T12:00:00Z' }, ctx), 'Edited finding-2');
    expect(d2.findings[1]).toEqual({ ...d1.findings[1], severity: 3, note: 'worse', edited: '2026-12-07T12:00:00Z' });
    const d3 = history.apply((list) => deleteFinding(list, 'finding-1'), 'Deleted finding-1');
    expect(d3.findings).toEqual([d2.findings[1]]);
    expect(history.undoWhat).toBe('Deleted finding-1');

    expect(history.undo()).toEqual(d2);
    expect(history.undo()).toEqual(d1);
    expect(history.undoWhat).toBe('Added finding-2');
    expect(history.redoWhat).toBe('Edited finding-2');
    expect(history.undo()).toEqual(d0);
    expect([history.canUndo, history.canRedo]).toEqual([false, true]);
    expect(history.redo()).toEqual(d1);
    expect(history.redo()).toEqual(d2);
    expect(history.redo()).toEqual(d3);
    expect([history.canUndo, history.canRedo]).toEqual([true, false]);
    // The documents handed out were never changed afterwards.
    expect(d0.findings).toEqual([first]);
    expect(d3.image).toBe(start.image);
  });

  it('drops the redo steps on a new change, and applies plain operations', () => {
    const history = new FindingsUndo(start);
    history.apply({ op: 'insert', finding: first, index: 0 }, 'Added finding-1');
    history.undo();
    expect(history.canRedo).toBe(true);
    const other = { ...first, id: 'finding-7' };
    expect(history.apply({ op: 'insert', finding: other, index: 0 }, 'Added finding-7').findings).toEqual([other]);
    expect(history.canRedo).toBe(false);
    expect(() => history.redo()).toThrow('FindingsUndo.redo: nothing to redo');
  });

  it('names what went wrong and changes nothing when an operation fails', () => {
    const history = new FindingsUndo(start);
    expect(() => history.undo()).toThrow('FindingsUndo.undo: nothing to undo');
    expect(() => history.apply((list) => deleteFinding(list, 'finding-9'), 'Deleted finding-9')).toThrow('applyFindingOperation: no finding has id "finding-9"');
    expect(history.document).toBe(start);
    expect(history.canUndo).toBe(false);
  });
});

describe('row texts', () => {
  it('summarizes each kind of shape in one line', () => {
    expect(describeFindingShape({ kind: 'point', voxel: [5, 50, 3] }, SHAPE)).toBe('point [5, 50, 3]');
    expect(describeFindingShape({ kind: 'polygon', axis: 2, slice: 4, points: [[3, 100], [7, 100], [7, 104], [3, 104]] }, SHAPE)).toBe('polygon of 4 vertices on slice i = 4');
    // 400120 = 40·9919 + 36·91 + 84, 400121 its neighbour along i, 400230 = 40·9919 + 38·91 + 12:
    // centroid [40, 36.67, 60.33], nearest 400120 (i 84 is 23.67 away, 85 is 24.67).
    expect(describeFindingShape({ kind: 'voxels', voxels: [400120, 400121, 400230] }, SHAPE)).toBe('region of 3 voxels around [40, 36, 84]');
    expect(describeFindingShape({ kind: 'voxels', voxels: [0] }, SHAPE)).toBe('region of 1 voxel around [0, 0, 0]');
  });

  it('shows times on the writer\'s clock with its zone, and a note\'s first line', () => {
    expect(formatFindingTime('2026-12-07T14:30:00.000Z')).toBe('2026-12-07 14:30 Z');
    expect(formatFindingTime('2026-12-07T15:02:44.512+01:00')).toBe('2026-12-07 15:02 +01:00');
    expect(formatFindingTime('yesterday')).toBe('yesterday');
    expect(firstLine('one\ntwo')).toBe('one…');
    expect(firstLine('only')).toBe('only');
  });

  it('tells documents apart by content', () => {
    expect(sameFindingsDocument(start(), start())).toBe(true);
    expect(sameFindingsDocument(start(), { ...start(), image: { name: 'other.nii.gz', shape: SHAPE } })).toBe(false);
    function start(): FindingsDocument {
      return { format: 'patchlens.findings', version: 1, image: { name: 'a.nii.gz', shape: SHAPE }, findings: [] };
    }
  });
});
