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
