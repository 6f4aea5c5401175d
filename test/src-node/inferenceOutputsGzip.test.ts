/**
 * `writeInferenceFiles` gzips the volumes on the source grid with Node's zlib at a fast level
 * (issue 16): the compressed bytes differ from fflate's, the NIfTI inside does not. Each file
 * inflates to exactly the bytes `writeNifti` gives uncompressed (and fflate's level-6 file
 * inflates to), its voxels are the result's, and the same result gives the same bytes twice.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceResult } from '../../shared/engine/inference/runInference';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import { sha256Hex } from '../../src-node/fs/sha256';
import { INFERENCE_FILES, writeInferenceFiles, type WrittenFile } from '../../src-node/writeInferenceOutputs';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-infer-gzip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A result as runInference shapes it, made here so the writer is tested alone: smooth probabilities of 3 classes, coverage of 1–8 windows. */
function fakeResult(): InferenceResult {
  const shape = [20, 18, 22];
  const n = shape[0] * shape[1] * shape[2];
  const classes = 3;
  const geometry = { spacing: [1, 1, 1], affine: [[0, 0, -1, 40], [0, 1, 0, -30], [1, 0, 0, 12], [0, 0, 0, 1]] };
  const probs = new Float32Array(n * classes);
  const labels = new Uint8Array(n);
  const count = new Float32Array(n);
  const weight = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const a = 0.5 + 0.5 * Math.sin(v / 37);
    const b = (1 - a) * (0.5 + 0.5 * Math.cos(v / 11));
    probs.set([a, b, 1 - a - b], v * classes);
    labels[v] = a >= b && a >= 1 - a - b ? 0 : b >= 1 - a - b ? 1 : 2;
    count[v] = 1 + (v % 8);
    weight[v] = count[v] * Math.exp(-(((v % 97) / 50) ** 2));
  }
  const result = {
    probabilities: { data: probs, shape: [...shape, classes], ...geometry },
    labels: { data: labels, shape, ...geometry },
    coverage: { count: { data: count, shape, ...geometry }, weight: { data: weight, shape, ...geometry } },
    patchPerformance: null,
    consistency: null,
    dice: null,
    domainDice: null,
    windows: 8,
    timing: { totalMs: 1, preprocessMs: 0, modelMs: 1, stitchMs: 0, postprocessMs: 0 },
    backend: { name: 'cpu', fallbacks: [] },
    grid: { shape, affine: geometry.affine, domain: { start: [0, 0, 0], size: shape }, steps: [] },
    plan: {},
    toSource: (v: Volume) => v,
    options: {},
    classes: [0, 1, 2].map((c) => ({ name: `class ${c}`, color: [c, c, c] as [number, number, number] })),
    warnings: [],
  };
  return result as unknown as InferenceResult;
}

describe('writeInferenceFiles: fast gzip, the same voxels', () => {
  const image = readNifti(writeNifti({ data: new Float32Array(20 * 18 * 22), shape: [20, 18, 22], spacing: [1, 1, 1], affine: [[0, 0, -1, 40], [0, 1, 0, -30], [1, 0, 0, 12], [0, 0, 0, 1]] }));
  const result = fakeResult();
  const dirs = [join(tmp, 'a'), join(tmp, 'b')];
  for (const d of dirs) writeInferenceFiles(d, result, image.header, {});
  const json = JSON.parse(readFileSync(join(dirs[0], INFERENCE_FILES.result), 'utf8')) as { files: WrittenFile[] };

  // The volumes as written, built here independently: probabilities one frame per class, coverage [windows, weight].
  const classes = result.probabilities.shape[3];
  const n = result.labels.data.length;
  const frames = new Float32Array(n * classes);
  for (let v = 0; v < n; v++) for (let c = 0; c < classes; c++) frames[c * n + v] = result.probabilities.data[v * classes + c];
  const coverage = new Float32Array(2 * n);
  coverage.set(result.coverage.count.data, 0);
  coverage.set(result.coverage.weight.data, n);
  const geometry = { spacing: result.labels.spacing, affine: result.labels.affine };
  // gzip's XFL byte (offset 8): 4 = the fastest level, 0 = zlib's default.
  const cases: [string, Volume, 'uint8' | 'float32', string, number][] = [
    [INFERENCE_FILES.labels, { data: result.labels.data, shape: [...result.labels.shape], ...geometry }, 'uint8', 'PatchLens labels', 0],
    [INFERENCE_FILES.probabilities, { data: frames, shape: [classes, ...result.labels.shape], ...geometry }, 'float32', 'PatchLens probabilities', 4],
    [INFERENCE_FILES.coverage, { data: coverage, shape: [2, ...result.labels.shape], ...geometry }, 'float32', 'PatchLens coverage: windows, weight', 4],
  ];

  it('the volumes hold fractions, several classes and windows (the premise of the checks below)', () => {
    expect(classes).toBe(3);
    expect(new Set(result.labels.data).size).toBe(3);
    expect(frames.some((p) => p > 0 && p < 1 && Math.fround(p * 1000) !== Math.round(p * 1000))).toBe(true);
  });

  for (const [name, volume, datatype, description, xfl] of cases) {
    it(`${name} inflates to writeNifti's uncompressed file and to what fflate's level 6 held`, () => {
      const bytes = readFileSync(join(dirs[0], name));
      expect([bytes[0], bytes[1], bytes[8]]).toEqual([0x1f, 0x8b, xfl]);
      const raw = writeNifti(volume, { like: image.header, datatype, description, gzip: false });
      const inflated = new Uint8Array(gunzipSync(bytes));
      expect(inflated.length).toBe(raw.length);
      expect(Buffer.compare(inflated, raw)).toBe(0);
      const before = new Uint8Array(gunzipSync(writeNifti(volume, { like: image.header, datatype, description })));
      expect(Buffer.compare(inflated, before)).toBe(0);
    });

    it(`${name}: its voxels, read back by readNifti, are the result's`, () => {
      const back = readNifti(readFileSync(join(dirs[0], name)));
      expect(back.shape).toEqual(volume.shape);
      expect(back.data.constructor).toBe(datatype === 'uint8' ? Uint8Array : Float32Array);
      expect(Array.from(back.data)).toEqual(Array.from(volume.data));
    });

    it(`${name}: the same result gives the same bytes, and result.json lists their SHA-256`, () => {
      const a = readFileSync(join(dirs[0], name));
      const b = readFileSync(join(dirs[1], name));
      expect(Buffer.compare(a, b)).toBe(0);
      expect(json.files.find((f) => f.name === name)).toEqual({ name, sha256: sha256Hex(a), bytes: a.length });
    });
  }
});
