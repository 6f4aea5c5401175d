import type { VolumeData } from '../../../shared/api/contract';

/** An error map: 0 agrees, 1 false positive (predicted foreground, reference background), 2 false negative. */
export interface ErrorMap {
  data: Uint8Array;
  falsePositives: number;
  falseNegatives: number;
}

/**
 * Compares predicted labels with reference labels voxel by voxel (foreground = label > 0). A
 * voxel where both are foreground with different classes counts as neither (the error map is
 * about the foreground's extent).
 */
export function computeErrorMap(predicted: Pick<VolumeData, 'shape' | 'data'>, reference: Pick<VolumeData, 'shape' | 'data'>): ErrorMap {
  if (predicted.shape.join() !== reference.shape.join()) {
    throw new Error(`computeErrorMap: predicted shape [${predicted.shape.join(', ')}] differs from reference shape [${reference.shape.join(', ')}]`);
  }
  const n = predicted.data.length;
  if (reference.data.length !== n) throw new Error('computeErrorMap: predicted and reference data lengths differ');
  const data = new Uint8Array(n);
  let falsePositives = 0;
  let falseNegatives = 0;
  for (let v = 0; v < n; v++) {
    const p = predicted.data[v] > 0;
    const r = reference.data[v] > 0;
    if (p && !r) {
      data[v] = 1;
      falsePositives++;
    } else if (!p && r) {
      data[v] = 2;
      falseNegatives++;
    }
  }
  return { data, falsePositives, falseNegatives };
}

/**
 * Updates an error map where the reference changed (after a label edit), with the rule of
 * {@link computeErrorMap}. @returns the indices whose error value changed
 */
export function updateErrorMap(error: Uint8Array, predicted: ArrayLike<number>, reference: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  const changed: number[] = [];
  for (let k = 0; k < indices.length; k++) {
    const v = indices[k];
    const p = predicted[v] > 0;
    const r = reference[v] > 0;
    const e = p && !r ? 1 : !p && r ? 2 : 0;
    if (error[v] !== e) {
      error[v] = e;
      changed.push(v);
    }
  }
  return changed;
}
