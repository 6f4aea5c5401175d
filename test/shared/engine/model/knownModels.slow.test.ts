import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { KNOWN_MODELS, loadModel, modelHash, resolveSpec } from '../../../../shared/engine/model/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { BRAINCHOP_MODELS, brainchopDir, randomInput, useCpu } from './modelFixtures';

beforeAll(useCpu);

/** What each brainchop model must resolve to. */
const EXPECTED: Record<string, { classes: number; rf: number; crop: [number, number]; norm: string; equivariant: boolean; channels: number[] }> = {
  model5_gw_ae: { classes: 3, rf: 93, crop: [0, 18], norm: 'min-max', equivariant: true, channels: [5] },
  model11_gw_ae: { classes: 3, rf: 49, crop: [0, 0], norm: 'min-max', equivariant: true, channels: [11] },
  mindgrab: { classes: 2, rf: 311, crop: [0.5, 20], norm: 'quantile', equivariant: false, channels: [15] },
  model20chan3cls: { classes: 3, rf: 93, crop: [0.2, 0], norm: 'quantile', equivariant: true, channels: [20] },
};

describe('the brainchop models in ../shared are recognised by their hash', () => {
  it.each(BRAINCHOP_MODELS)('%s: hash, per-file hashes and the published spec', async (name) => {
    const artifacts = await readModelFolder(brainchopDir(name));
    const hash = modelHash(artifacts);
    const known = KNOWN_MODELS.find((m) => m.sha256 === hash.sha256);
    expect(known, `${name} hashes to ${hash.sha256}`).toBeDefined();
    expect(Object.fromEntries(hash.files.map((f) => [f.path, f.sha256]))).toEqual(known!.files);
    const spec = resolveSpec(artifacts, { hash });
    const e = EXPECTED[name];
    expect(spec.source).toBe('known-model');
    expect(spec.name).toContain(name);
    expect(spec.orientation).toBe('LIA');
    expect(spec.conform).toEqual({ shape: [256, 256, 256], voxelSize: [1, 1, 1] });
    expect(spec.outputActivation).toBe('logits-softmax');
    expect(spec.classes).toHaveLength(e.classes);
    expect(spec.classes[0]).toEqual({ name: 'background', color: [0, 0, 0] });
    expect(spec.receptiveField).toEqual([e.rf, e.rf, e.rf]);
    expect(spec.crop).toEqual({ threshold: e.crop[0], padding: e.crop[1] });
    expect(spec.normalization.kind).toBe(e.norm);
    if (spec.normalization.kind === 'quantile') expect(spec.normalization).toEqual({ kind: 'quantile', lo: 0.05, hi: 0.95 });
    expect(spec.translationEquivariant).toBe(e.equivariant);
    expect(spec.largestComponent).toBe(true);
    expect(spec.instanceNorm).toEqual(name === 'mindgrab' ? { layerSuffix: '_gn', epsilon: 1e-5 } : undefined);
  });

  it('the receptive fields in the table are the ones model.json implies', async () => {
    for (const name of BRAINCHOP_MODELS) {
      const artifacts = await readModelFolder(brainchopDir(name));
      const inferred = resolveSpec({ ...artifacts, name: 'copy', modelJsonBytes: undefined, weights: new Map([...artifacts.weights].map(([p, b]) => [p, b.slice(1)])) });
      expect(inferred.source).toBe('inferred');
      expect(inferred.receptiveField).toEqual([EXPECTED[name].rf, EXPECTED[name].rf, EXPECTED[name].rf]);
    }
  });

  it('a known model given as parsed JSON only is still recognised, by its shards, and says so', async () => {
    const artifacts = await readModelFolder(brainchopDir('model5_gw_ae'));
    const spec = resolveSpec({ ...artifacts, modelJsonBytes: undefined });
    expect(spec.source).toBe('known-model');
    expect(spec.assumptions.join(' ')).toMatch(/weight shards only/);
  });
});

describe('the brainchop models predict probabilities on a small patch', () => {
  it.each(BRAINCHOP_MODELS)('%s: [1, 16, 16, 16, 1] → [1, 16, 16, 16, classes], summing to 1, no tensor leak', async (name) => {
    const model = await loadModel(await readModelFolder(brainchopDir(name)));
    try {
      const e = EXPECTED[name];
      expect(model.kind).toBe('layers-model');
      expect(model.inputShape).toEqual({ rank: 5, spatialRank: 3, channels: 1 });
      expect(model.outputClasses).toBe(e.classes);
      expect(model.translationEquivariant).toBe(e.equivariant);
      expect(model.sha256).toBe(modelHash(await readModelFolder(brainchopDir(name))).sha256);
      const input = randomInput([1, 16, 16, 16, 1], 7);
      const before = tf.memory().numTensors;
      const out = model.predict(input);
      expect(out.shape).toEqual([1, 16, 16, 16, e.classes]);
      const [lo, hi, min] = tf.tidy(() => {
        const sums = tf.sum(out, -1);
        return [tf.min(sums).dataSync()[0], tf.max(sums).dataSync()[0], tf.min(out).dataSync()[0]];
      });
      expect(lo).toBeCloseTo(1, 5);
      expect(hi).toBeCloseTo(1, 5);
      expect(min).toBeGreaterThanOrEqual(0);
      out.dispose();
      const again = model.predict(input);
      again.dispose();
      expect(tf.memory().numTensors).toBe(before);
      input.dispose();
    } finally {
      model.dispose();
    }
  });
});
