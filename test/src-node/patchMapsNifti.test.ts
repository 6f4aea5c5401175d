/**
 * The patch performance and consistency maps as float32 NIfTI in patch coordinates (issue 15:
 * not a DICOM Parametric Map, which must lie in the patient's frame of reference): what
 * `writeInferenceFiles` writes beside the .npy maps, and the sweep's calibration maps beside
 * `maps/<id>.npy`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInference } from '../../shared/engine/inference/runInference';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import { parseNpy } from '../../shared/io/npy';
import { NIFTI_INTENT_ESTIMATE, patchMapNifti, PATCH_COORDINATES } from '../../shared/io/patchMapNifti';
import type { SweepGrid } from '../../shared/sweep/types';
import { sha256Hex } from '../../src-node/fs/sha256';
import { runSweep } from '../../src-node/sweep/runSweep';
import { readSweepFile } from '../../src-node/sweep/sweepFolder';
import { summarizeSweep } from '../../src-node/sweep/summarizeSweep';
import { INFERENCE_FILES, writeInferenceFiles, type WrittenFile } from '../../src-node/writeInferenceOutputs';
import { borderModel, fakeSpec, fakeSweepModel, writeCase } from '../helpers/fakeModel';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-patch-maps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** NIfTI's method-1 affine in PatchLens's array order (slowest axis first): origin 0, these voxel sizes. */
const patchAffine = (s: number[]) => [
  [0, 0, s[2], 0],
  [0, s[1], 0, 0],
  [s[0], 0, 0, 0],
  [0, 0, 0, 1],
];

describe('writeInferenceFiles: the patch maps as NIfTI', async () => {
  // A 1 mm image placed away from the origin, and a model that wants 2 × 1.5 × 1.25 mm voxels:
  // the maps' voxel sizes are the model grid's, their origin is the patch's first voxel.
  const shape = [24, 21, 25];
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let z = 0; z < shape[0]; z++)
    for (let y = 0; y < shape[1]; y++) for (let x = 0; x < shape[2]; x++) data[(z * shape[1] + y) * shape[2] + x] = Math.max(0, 1 - Math.hypot(z - 12, y - 10, x - 13) / 12);
  const affine = [
    [0, 0, -1, 40],
    [0, 1, 0, -30],
    [1, 0, 0, 12],
    [0, 0, 0, 1],
  ];
  const image = readNifti(writeNifti({ data, shape, spacing: [1, 1, 1], affine }));
  const label = { data: Uint8Array.from(data, (v) => (v > 0.5 ? 1 : 0)), shape, spacing: [1, 1, 1], affine };
  const result = await runInference({ image, label, runner: borderModel(), spec: { ...fakeSpec(), voxelSize: [2, 1.5, 1.25] }, options: { patchSize: [8, 8, 8], overlap: 0.5, measure: 'absoluteError' } });
  const dir = join(tmp, 'infer');
  writeInferenceFiles(dir, result, image.header, {});
  const json = JSON.parse(readFileSync(join(dir, INFERENCE_FILES.result), 'utf8')) as { files: WrittenFile[]; patchPerformance: { nifti: string }; consistency: { nifti: string } };

  it('the run has both maps on a resampled model grid (the premise of the checks below)', () => {
    expect(result.grid.steps).toEqual(['resampled to 2×1.5×1.25 mm (12×14×20 voxels)']);
    expect(result.patchPerformance!.shape).toEqual([8, 8, 8]);
    expect(result.consistency!.shape).toEqual([8, 8, 8]);
  });

  for (const [name, npyName, measure, what] of [
    [INFERENCE_FILES.patchPerformanceNifti, INFERENCE_FILES.patchPerformance, 'absoluteError', 'patch performance'],
    [INFERENCE_FILES.consistencyNifti, INFERENCE_FILES.consistency, 'TV distance', 'consistency'],
  ] as const) {
    it(`${name} holds exactly ${npyName}'s values, in patch coordinates with the model grid's voxel sizes`, () => {
      const bytes = readFileSync(join(dir, name));
      const nii = readNifti(bytes);
      const npy = parseNpy(readFileSync(join(dir, npyName)));
      expect(nii.shape).toEqual(npy.shape);
      expect(nii.data).toBeInstanceOf(Float32Array);
      expect(npy.data).toBeInstanceOf(Float32Array);
      expect(Array.from(nii.data)).toEqual(Array.from(npy.data));
      expect(nii.data.some((v) => v !== 0)).toBe(true);
      expect(nii.spacing).toEqual([2, 1.5, 1.25]);
      expect(nii.affine).toEqual(patchAffine([2, 1.5, 1.25]));
      // No world coordinates claimed: both codes 0 (NIfTI method 1), the description and intent say what it is.
      expect(nii.header).toMatchObject({ sformCode: 0, qformCode: 0, affineSource: 'pixdim', xyztUnits: 2, datatypeCode: 16, intentCode: NIFTI_INTENT_ESTIMATE, intentName: measure });
      expect(nii.header.description).toBe(`PatchLens ${what}: patch coordinates, not patient space`);
      // result.json lists it like every other file, with its SHA-256 and size.
      expect(json.files.find((f) => f.name === name)).toEqual({ name, sha256: sha256Hex(bytes), bytes: bytes.length });
    });
  }

  it('result.json names the NIfTI beside each map, and every file on disk is listed', () => {
    expect(json.patchPerformance.nifti).toBe('patch-performance.nii.gz');
    expect(json.consistency.nifti).toBe('consistency.nii.gz');
    expect(json.files.map((f) => f.name).sort()).toEqual(readdirSync(dir).filter((n) => n !== 'result.json').sort());
  });

  it('without labels and consistency there is neither map nor NIfTI', async () => {
    const bare = await runInference({ image, runner: borderModel(), spec: fakeSpec(), options: { patchSize: [8, 8, 8], consistency: false } });
    const d = join(tmp, 'bare');
    writeInferenceFiles(d, bare, image.header, {});
    expect(readdirSync(d).sort()).toEqual(['coverage.nii.gz', 'labels.nii.gz', 'probabilities.nii.gz', 'result.json']);
  });
});

describe('patchMapNifti', () => {
  it('a 2-D map gets a leading axis of size 1; without a spacing it is in voxels (units unknown)', () => {
    const nii = readNifti(patchMapNifti([0.5, 0.25, 0.125, 1, 2, 3], [2, 3], { spacing: null, what: 'test map', measure: 'diceError' }));
    expect(nii.shape).toEqual([1, 2, 3]);
    expect(Array.from(nii.data)).toEqual([0.5, 0.25, 0.125, 1, 2, 3]);
    expect(nii.affine).toEqual(patchAffine([1, 1, 1]));
    expect(nii.header).toMatchObject({ sformCode: 0, qformCode: 0, xyztUnits: 0, intentName: 'diceError', description: `PatchLens test map: ${PATCH_COORDINATES}` });
  });

  it('refuses what NIfTI or the map cannot hold, naming it', () => {
    const ok = { spacing: null, what: 'm', measure: 'x' };
    expect(() => patchMapNifti([1, 2], [2, 1, 1, 1], ok)).toThrow('patchMapNifti: the map\'s shape must be 1 to 3 positive integers, got [2, 1, 1, 1]');
    expect(() => patchMapNifti([1, 2, 3], [2, 2], ok)).toThrow('patchMapNifti: the map has 3 values but its shape [2, 2] needs 4');
    expect(() => patchMapNifti([1, 2], [2], { ...ok, spacing: [0] })).toThrow('patchMapNifti: spacing must be 1 positive voxel sizes in mm, got [0]');
    expect(() => patchMapNifti([1, 2], [2], { ...ok, what: 'x'.repeat(60) })).toThrow(/longer than NIfTI's 79 characters/);
    expect(() => patchMapNifti([1, 2], [2], { ...ok, measure: 'a measure name too long' })).toThrow('writeNifti: options.intent.name must be at most 15 printable ASCII characters, got "a measure name too long"');
  });

  it("writeNifti's intent option: the code and name are stored; a code outside int16 is refused", () => {
    const v = { data: new Float32Array(1), shape: [1, 1, 1], spacing: [1, 1, 1], affine: patchAffine([1, 1, 1]) };
    expect(readNifti(writeNifti(v, { intent: { code: 1002, name: 'labels' } })).header).toMatchObject({ intentCode: 1002, intentName: 'labels' });
    expect(readNifti(writeNifti(v)).header).toMatchObject({ intentCode: 0, intentName: '' });
    expect(() => writeNifti(v, { intent: { code: 40000 } })).toThrow('writeNifti: options.intent.code must be an int16 NIFTI_INTENT_* code, got 40000');
  });
});

describe('the sweep: maps/<calibration>.nii.gz beside maps/<calibration>.npy', () => {
  it('holds exactly the .npy map, in voxels (the cases may differ in voxel size), patch coordinates', async () => {
    const cases = [writeCase(tmp, 'one', [24, 24, 24], 1)];
    const grid: SweepGrid = { patchSizes: [[16]], overlaps: [[0]], placements: ['stride'], blends: ['constant'], mirror: [false] };
    const dir = join(tmp, 'sweep');
    await runSweep({ dir, grid, cases, settings: { repeats: 1 }, machine: 'm', model: fakeSweepModel(borderModel()) });
    const summary = summarizeSweep(dir);
    const calId = Object.values(readSweepFile(dir)!.calibration)[0];
    expect(summary.margins.map((m) => m.mapFile)).toEqual([`maps/${calId}.npy`]);
    const files = readdirSync(join(dir, 'maps')).sort();
    expect(files).toEqual([`${calId}.nii.gz`, `${calId}.npy`]);
    const nii = readNifti(readFileSync(join(dir, 'maps', `${calId}.nii.gz`)));
    const npy = parseNpy(readFileSync(join(dir, 'maps', `${calId}.npy`)));
    expect(npy.shape).toEqual([16, 16, 16]);
    expect(nii.shape).toEqual(npy.shape);
    expect(Array.from(nii.data)).toEqual(Array.from(npy.data));
    expect(nii.affine).toEqual(patchAffine([1, 1, 1]));
    expect(nii.header).toMatchObject({ sformCode: 0, qformCode: 0, xyztUnits: 0, intentCode: NIFTI_INTENT_ESTIMATE, intentName: readSweepFile(dir)!.settings.measure });
    expect(nii.header.description).toBe('PatchLens calibration patch performance: patch coordinates, not patient space');
  });
});
