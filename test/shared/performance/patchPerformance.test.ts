import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Training needs the gradient kernels (the full @tensorflow/tfjs package registers them too).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { MEASURE_NAMES, PatchPerformance, type MeasureName } from '../../../shared/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** The check: 2 patches of 4×6×1, pred = (24b + 6i + j + 1)/50, label = (i + j + b) mod 2. */
function checkTensors(): { labels: tf.Tensor; preds: tf.Tensor } {
  const p = new Float32Array(48);
  const l = new Float32Array(48);
  for (let b = 0; b < 2; b++)
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 6; j++) {
        p[b * 24 + i * 6 + j] = (24 * b + 6 * i + j + 1) / 50;
        l[b * 24 + i * 6 + j] = (i + j + b) % 2;
      }
  return { labels: tf.tensor4d(l, [2, 4, 6, 1]), preds: tf.tensor4d(p, [2, 4, 6, 1]) };
}

const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));

describe('PatchPerformance.track (the seed technique for tfjs training loops)', () => {
  it('BCE map of the issue check (patchperformance, log clamped at −100)', () => {
    const { labels, preds } = checkTensors();
    const loss = PatchPerformance.track(mse, { measure: 'binaryCrossEntropy' });
    loss(labels, preds).dispose();
    expect(loss.patchesSeen).toBe(2);
    const map = loss.calculatePerformance();
    expect(map.shape).toEqual([4, 6, 1]);
    const v = map.dataSync();
    const row0 = [0.3566749, 1.9764225, 0.3390307, 1.6733546, 0.3250439, 1.5182772];
    const row3 = [1.4668485, 0.3193295, 1.5850427, 0.331600, 1.7949698, 0.3473743];
    row0.forEach((x, j) => expect(v[j]).toBeCloseTo(x, 5));
    row3.forEach((x, j) => expect(v[18 + j]).toBeCloseTo(x, 5));
    map.dispose();
    tf.dispose([labels, preds]);
  });

  it('absolute error map: 0.26 where i+j is even, 0.74 where odd (alias l2)', () => {
    const { labels, preds } = checkTensors();
    for (const measure of ['absoluteError', 'l2'] as const) {
      const loss = PatchPerformance.track(mse, { measure });
      loss(labels, preds).dispose();
      expect(loss.measure).toBe('absoluteError');
      const v = loss.calculatePerformance();
      v.dataSync().forEach((x, k) => {
        const i = Math.floor(k / 6);
        const j = k % 6;
        expect(x).toBeCloseTo((i + j) % 2 === 0 ? 0.26 : 0.74, 5);
      });
      v.dispose();
      loss.reset();
    }
    tf.dispose([labels, preds]);
  });

  it('returns exactly the wrapped loss value', () => {
    const { labels, preds } = checkTensors();
    const plain = mse(labels, preds);
    const tracked = PatchPerformance.track(mse)(labels, preds);
    expect(tracked.dataSync()[0]).toBe(plain.dataSync()[0]);
    tf.dispose([labels, preds, plain, tracked]);
  });

  it('clamps log at −100: p = 0, t = 1 costs 100 (BCE and categorical CE)', () => {
    const bce = PatchPerformance.track(mse, { measure: 'binaryCrossEntropy' });
    tf.tidy(() => bce(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]])));
    const m = bce.calculatePerformance();
    expect(Array.from(m.dataSync())).toEqual([100, 100]);
    const cce = PatchPerformance.track(mse, { measure: 'categoricalCrossEntropy' });
    tf.tidy(() => cce(tf.tensor3d([[[0, 1], [1, 0]]]), tf.tensor3d([[[1, 0], [0.5, 0.5]]])));
    const c = cce.calculatePerformance();
    expect(c.shape).toEqual([2]); // no channel axis
    expect(c.dataSync()[0]).toBeCloseTo(100, 4);
    expect(c.dataSync()[1]).toBeCloseTo(Math.LN2, 5);
    tf.dispose([m, c]);
  });

  it('logit measures agree with their probability forms, squared error is (p − t)²', () => {
    const x = tf.tensor2d([[-3, -0.5, 0, 2, 40]]);
    const t = tf.tensor2d([[0, 1, 1, 0, 1]]);
    const p = tf.sigmoid(x);
    const pairs: [MeasureName, MeasureName][] = [
      ['binaryCrossEntropyWithLogits', 'binaryCrossEntropy'],
      ['absoluteErrorWithLogits', 'absoluteError'],
      ['l2WithLogits', 'l2'],
    ];
    for (const [withLogits, plain] of pairs) {
      const a = PatchPerformance.track(mse, { measure: withLogits });
      const b = PatchPerformance.track(mse, { measure: plain });
      a(t, x).dispose();
      b(t, p).dispose();
      const [ma, mb] = [a.calculatePerformance(), b.calculatePerformance()];
      Array.from(ma.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(mb.dataSync()[i], 4));
      tf.dispose([ma, mb]);
    }
    const sq = PatchPerformance.track(mse, { measure: 'squaredError' });
    sq(t, p).dispose();
    const ms = sq.calculatePerformance();
    const pv = p.dataSync();
    Array.from(ms.dataSync()).forEach((v, i) => expect(v).toBeCloseTo((pv[i] - t.dataSync()[i]) ** 2, 6));
    tf.dispose([x, t, p, ms]);
  });

  it('accepts a user measure function', () => {
    const loss = PatchPerformance.track(mse, { measure: (t, p) => tf.mul(tf.sub(p, t), 2) });
    tf.tidy(() => loss(tf.tensor2d([[0, 0], [1, 1]]), tf.tensor2d([[1, 2], [1, 3]])));
    const m = loss.calculatePerformance();
    expect(Array.from(m.dataSync())).toEqual([1, 4]); // (2+0)/2, (4+4)/2
    m.dispose();
  });

  it('an unknown measure is a clear error listing the valid ones', () => {
    // @ts-expect-error invalid measure on purpose
    expect(() => PatchPerformance.track(mse, { measure: 'dice' })).toThrow(
      new RegExp(`unknown measure "dice"; valid measures: ${MEASURE_NAMES.join(', ')}`),
    );
  });

  it('calculatePerformance() before any call is a clear error; reset() starts over', () => {
    const loss = PatchPerformance.track(mse);
    expect(() => loss.calculatePerformance()).toThrow(/no patches seen yet/);
    const { labels, preds } = checkTensors();
    loss(labels, preds).dispose();
    loss.reset();
    expect(loss.patchesSeen).toBe(0);
    expect(() => loss.calculatePerformance()).toThrow(/no patches seen yet/);
    tf.dispose([labels, preds]);
  });

  it('accumulates over calls and converts to a mergeable PerformanceMap', () => {
    const { labels, preds } = checkTensors();
    const loss = PatchPerformance.track(mse, { measure: 'absoluteError' });
    for (let k = 0; k < 3; k++) loss(labels, preds).dispose();
    expect(loss.patchesSeen).toBe(6);
    const pm = loss.performanceMap();
    expect(pm.count).toBe(6);
    expect(pm.shape).toEqual([4, 6, 1]);
    expect(pm.measure).toBe('absoluteError');
    expect(pm.mean()[0]).toBeCloseTo(0.26, 5);
    tf.dispose([labels, preds]);
  });

  it('does not leak: tf.memory().numTensors stays flat over 100 calls', () => {
    const { labels, preds } = checkTensors();
    const loss = PatchPerformance.track(tf.losses.sigmoidCrossEntropy, { measure: 'binaryCrossEntropyWithLogits' });
    loss(labels, preds).dispose();
    const after1 = tf.memory().numTensors;
    for (let k = 0; k < 100; k++) loss(labels, preds).dispose();
    expect(tf.memory().numTensors).toBe(after1);
    loss.reset();
    expect(tf.memory().numTensors).toBe(after1 - 1); // only the running sum was held
    tf.dispose([labels, preds]);
  });

  it('does not change gradients, and does not leak inside optimizer.minimize', () => {
    const { labels, preds } = checkTensors();
    const w = tf.variable(tf.scalar(0.7));
    const model = () => tf.sigmoid(tf.mul(preds, w));
    const plainGrad = tf.variableGrads(() => tf.losses.meanSquaredError(labels, model()) as tf.Scalar, [w]);
    const loss = PatchPerformance.track(tf.losses.meanSquaredError, { measure: 'binaryCrossEntropy' });
    const trackedGrad = tf.variableGrads(() => loss(labels, model()) as tf.Scalar, [w]);
    expect(trackedGrad.value.dataSync()[0]).toBe(plainGrad.value.dataSync()[0]);
    expect(trackedGrad.grads[w.name].dataSync()[0]).toBe(plainGrad.grads[w.name].dataSync()[0]);
    tf.dispose([plainGrad.value, trackedGrad.value, ...Object.values(plainGrad.grads), ...Object.values(trackedGrad.grads)]);

    const opt = tf.train.sgd(0.1);
    opt.minimize(() => loss(labels, model()) as tf.Scalar);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) opt.minimize(() => loss(labels, model()) as tf.Scalar);
    expect(tf.memory().numTensors).toBe(before);
    expect(loss.patchesSeen).toBe(2 * 22);
    opt.dispose();
    tf.dispose([labels, preds, w]);
  });

  it('rejects mismatched labels and predictions', () => {
    const loss = PatchPerformance.track(mse);
    expect(() => tf.tidy(() => loss(tf.zeros([2, 3]), tf.zeros([2, 4])))).toThrow(/labels shape \[2,3\] differs from predictions shape \[2,4\]/);
  });
});
