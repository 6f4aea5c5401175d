import type * as tf from '@tensorflow/tfjs-core';
import type { WeightsGroup } from './modelJson';

/** Bytes of one stored element of a weight (its quantized type when quantized); undefined for strings. */
export function storedBytesPerElement(weight: tf.io.WeightsManifestEntry): number | undefined {
  const q = weight.quantization?.dtype;
  if (q !== undefined) return q === 'uint8' ? 1 : 2;
  switch (weight.dtype as string) {
    case 'float32':
    case 'int32':
      return 4;
    case 'bool':
      return 1;
    case 'complex64':
      return 8;
    case 'float16':
      return 2;
    default:
      return undefined;
  }
}

/** All weight specs and their bytes, as `tf.io.fromMemory` takes them. */
export interface ConcatenatedWeights {
  /** Every weight of every group, in manifest order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** The shards concatenated in manifest order (group by group, path by path). */
  weightData: ArrayBuffer;
}

/**
 * Concatenates the weight shards in manifest order and checks that each group's shards hold
 * exactly the bytes its weights need.
 * @throws naming `fn` and the file when a shard is missing or a group's shards have the wrong size.
 */
export function concatWeights(
  fn: string,
  manifest: readonly WeightsGroup[],
  weights: ReadonlyMap<string, ArrayBuffer>,
): ConcatenatedWeights {
  const parts: ArrayBuffer[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  manifest.forEach((group) => {
    const buffers = group.paths.map((path) => {
      const data = weights.get(path);
      if (data === undefined) throw new Error(`${fn}: weight shard "${path}" listed in model.json's weightsManifest is missing`);
      return data;
    });
    const total = buffers.reduce((s, b) => s + b.byteLength, 0);
    let expected = 0;
    for (const w of group.weights) {
      const bpe = storedBytesPerElement(w);
      if (bpe === undefined) {
        expected = NaN;
        break;
      }
      expected += w.shape.reduce((p, s) => p * s, 1) * bpe;
    }
    if (!Number.isNaN(expected) && total !== expected) {
      const files = group.paths.map((p, i) => `"${p}" (${buffers[i].byteLength} bytes)`).join(', ');
      throw new RangeError(
        `${fn}: weight shard${group.paths.length > 1 ? 's' : ''} ${files} hold${group.paths.length > 1 ? '' : 's'} ${total} bytes, ` +
          `but the ${group.weights.length} weights model.json lists for ${group.paths.length > 1 ? 'them' : 'it'} need ${expected} (truncated or wrong file?)`,
      );
    }
    parts.push(...buffers);
    weightSpecs.push(...group.weights);
  });
  const out = new Uint8Array(parts.reduce((s, b) => s + b.byteLength, 0));
  let offset = 0;
  for (const b of parts) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return { weightSpecs, weightData: out.buffer };
}
