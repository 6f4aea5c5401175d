import { describe, expect, it } from 'vitest';
import { computeErrorMap, updateErrorMap } from '../../../../src-renderer/viewer/model/errorMap';

const volume = (data: number[]) => ({ shape: [1, 2, 4], data: Uint8Array.from(data) });

describe('updateErrorMap', () => {
  const predicted = volume([0, 1, 1, 0, 2, 2, 0, 0]);
  const reference = volume([0, 0, 1, 1, 1, 2, 0, 3]);

  it('equals computeErrorMap after an edit, and returns the indices whose error changed', () => {
    const error = computeErrorMap(predicted, reference);
    expect([...error.data]).toEqual([0, 1, 0, 2, 0, 0, 0, 2]);
    // Edit: voxel 1 becomes 1 (FP → agrees), 2 becomes 0 (agrees → FP), 4 becomes 3 (both
    // foreground: stays 0), 6 becomes 2 (agrees → FN).
    const edited = volume([0, 1, 0, 1, 3, 2, 2, 3]);
    const changed = updateErrorMap(error.data, predicted.data, edited.data, [1, 2, 4, 6]);
    expect(changed).toEqual([1, 2, 6]);
    expect([...error.data]).toEqual([...computeErrorMap(predicted, edited).data]);
    expect([...error.data]).toEqual([0, 0, 1, 2, 0, 0, 2, 2]);
  });

  it('changes nothing outside the listed indices and nothing when they agree already', () => {
    const error = computeErrorMap(predicted, reference);
    const before = [...error.data];
    expect(updateErrorMap(error.data, predicted.data, reference.data, [0, 5])).toEqual([]);
    expect([...error.data]).toEqual(before);
  });
});
