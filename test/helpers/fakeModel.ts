// Test doubles for the sweep tests: a 2-class "model" that errs near the patch border and
// costs a controlled time per voxel, its spec, and small synthetic NIfTI cases.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRunner } from '../../shared/engine/inference/modelRunner';
import type { ModelSpec } from '../../shared/engine/modelSpec';
import { writeNifti } from '../../shared/io/nifti';
import type { NdArray } from '../../shared/index';
import type { SweepModel } from '../../src-node/sweep/runSweep';
import type { SweepCase } from '../../shared/sweep/types';

/** The spec of the fake model: raw intensities, 2 classes, translation-equivariant. */
export function fakeSpec(): ModelSpec {
  return {
    name: 'fake-border-model',
    normalization: { kind: 'none' },
    channels: 1,
    outputActivation: 'softmax',
    classes: [
      { name: 'background', color: [0, 0, 0] },
      { name: 'object', color: [255, 0, 0] },
    ],
    translationEquivariant: true,
    source: 'sidecar',
    assumptions: [],
  };
}

/** Options of {@link borderModel}. */
export interface BorderModelOptions {
  /** Busy-waits this many ms per 4096 input voxels (a controlled per-window cost that holds the thread; default 0). */
  msPer4k?: number;
  /**
   * Waits asynchronously this many ms per 4096 input voxels (a model that runs elsewhere, like a
   * GPU or a Worker: its time does not depend on how busy this machine's CPUs are; default 0).
   */
  sleepPer4k?: number;
  /** Voxels from the patch border inside which the model is biased (default 4). */
  margin?: number;
  /** Throws on predict call number `failAt` (1-based), to simulate a crash. */
  failAt?: number;
}

/**
 * p(object) = sigmoid(20·(v − 0.5 − bias)), where bias = 0.2·(margin − d)/margin within `margin`
 * voxels of the patch border (d = distance to it) and 0 inside: a model whose missing context at
 * the border makes it under-segment there. Not flip-invariant in general (it is symmetric in d,
 * but the test for the mirror runner uses its own asymmetric model).
 */
export function borderModel(options: BorderModelOptions = {}): ModelRunner & { calls: number } {
  const margin = options.margin ?? 4;
  const msPer4k = options.msPer4k ?? 0;
  const runner = {
    classes: 2,
    channels: 1,
    calls: 0,
    backend: () => ({ name: 'fake', fallbacks: [] }),
    async predict(batch: NdArray<Float32Array>): Promise<Float32Array> {
      runner.calls++;
      if (options.failAt !== undefined && runner.calls >= options.failAt) throw new Error('fake model crashed');
      const t0 = performance.now();
      const [b, ...rest] = batch.shape;
      const spatial = rest.slice(0, -1);
      const n = spatial.reduce((x, y) => x * y, 1);
      const out = new Float32Array(b * n * 2);
      const idx = new Array<number>(spatial.length).fill(0);
      for (let v = 0; v < n; v++) {
        let d = Infinity;
        for (let a = 0; a < spatial.length; a++) d = Math.min(d, idx[a], spatial[a] - 1 - idx[a]);
        const bias = d < margin ? (0.2 * (margin - d)) / margin : 0;
        for (let k = 0; k < b; k++) {
          const p = 1 / (1 + Math.exp(-20 * (batch.data[k * n + v] - 0.5 - bias)));
          out[2 * (k * n + v)] = 1 - p;
          out[2 * (k * n + v) + 1] = p;
        }
        for (let a = spatial.length - 1; a >= 0; a--) {
          if (++idx[a] < spatial[a]) break;
          idx[a] = 0;
        }
      }
      const wait = (msPer4k * b * n) / 4096;
      while (performance.now() - t0 < wait) {
        // busy: a model holding the thread for a time proportional to the voxels
      }
      const sleep = ((options.sleepPer4k ?? 0) * b * n) / 4096;
      while (performance.now() - t0 < sleep) await new Promise((r) => setTimeout(r, Math.max(0, sleep - (performance.now() - t0))));
      return out;
    },
  };
  return runner;
}

/** A sweep model around a runner. */
export function fakeSweepModel(runner: ModelRunner): SweepModel {
  return { runner, spec: fakeSpec(), info: { name: 'fake-border-model', sha256: 'f'.repeat(64) } };
}

/** A temp folder and its cleanup. */
export function tempFolder(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes a synthetic case: a smooth 3-D image in [0, 1] (a few overlapping blobs, varied by
 * `seed`) and its labels (image > 0.5) as .nii.gz.
 */
export function writeCase(dir: string, id: string, size: number[], seed = 1): SweepCase {
  const [nz, ny, nx] = size;
  const data = new Float32Array(nz * ny * nx);
  const blobs = [0, 1, 2].map((k) => ({
    c: [((0.3 + 0.2 * k + 0.05 * seed) % 1) * nz, ((0.6 - 0.15 * k + 0.07 * seed) % 1) * ny, ((0.4 + 0.1 * k * seed) % 1) * nx],
    r: (0.18 + 0.04 * ((k + seed) % 3)) * Math.min(...size),
  }));
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        let v = 0;
        for (const bl of blobs) v = Math.max(v, 1 - Math.hypot(z - bl.c[0], y - bl.c[1], x - bl.c[2]) / (2 * bl.r));
        data[(z * ny + y) * nx + x] = Math.max(0, v);
      }
  const affine = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  const image = join(dir, `${id}.nii.gz`);
  const label = join(dir, `${id}-label.nii.gz`);
  writeFileSync(image, writeNifti({ data, shape: [...size], spacing: [1, 1, 1], affine }));
  writeFileSync(label, writeNifti({ data: Uint8Array.from(data, (v) => (v > 0.5 ? 1 : 0)), shape: [...size], spacing: [1, 1, 1], affine }));
  return { id, image, label };
}
