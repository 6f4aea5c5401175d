// The voxel diff format (issue 14): compact sides, inversion, and composition of two diffs
// (how one brush drag's dabs become one undo step).
import { describe, expect, it } from 'vitest';
import { compactValues, composeDiffs, diffBytes, invertDiff, writeDiff, type VoxelDiff } from '../../../shared/annotation/voxelDiff';

describe('voxelDiff', () => {
  it('compactValues: one number when uniform, else an exact-size array of the datatype', () => {
    expect(compactValues([3, 3, 3], 3, 'uint8')).toBe(3);
    const mixed = compactValues([1, 300, 2, 9], 3, 'uint16') as Uint16Array;
    expect(mixed).toBeInstanceOf(Uint16Array);
    expect(Array.from(mixed)).toEqual([1, 300, 2]);
    expect(mixed.buffer.byteLength).toBe(6);
  });

  it('compose = apply one then the other; voxels that end where they started drop out', () => {
    const labels = Uint8Array.of(0, 0, 5, 0, 7, 0);
    const first: VoxelDiff = { indices: Uint32Array.of(1, 2, 3), before: Uint8Array.of(0, 5, 0), after: 1 };
    const second: VoxelDiff = { indices: Uint32Array.of(0, 2, 3, 4), before: Uint8Array.of(0, 1, 1, 7), after: Uint8Array.of(2, 5, 2, 2) };
    const sequential = labels.slice();
    writeDiff(sequential, first);
    writeDiff(sequential, second);
    const composed = composeDiffs(first, second, 'uint8');
    expect(Array.from(composed.indices)).toEqual([0, 1, 3, 4]); // voxel 2 went 5 → 1 → 5
    const once = labels.slice();
    writeDiff(once, composed);
    expect(Array.from(once)).toEqual(Array.from(sequential));
    writeDiff(once, composed, true);
    expect(Array.from(once)).toEqual(Array.from(labels));
    expect(invertDiff(composed)).toEqual({ indices: composed.indices, before: composed.after, after: composed.before });
    expect(diffBytes(first)).toBe(3 * 4 + 3);
  });
});
