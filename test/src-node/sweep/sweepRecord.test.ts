// A sweep is a record (issue 12, items 2 and 13): sweep.json and summary.json hold the SHA-256 of
// every case's image and label (as `infer` records them), every result holds the reference
// check, and a reference that is an intensity image gives no recommendation. Before the fix
// sweep.json's cases had no imageSha256/labelSha256 (undefined), results had no `reference`, and
// the image-reference sweep recommended a configuration. A patch below the receptive field is
// said in its results (before: only `patchlens sweep`'s stderr said it; the report, the app's
// sweeps and sweep.json did not).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../../../shared/io/nifti';
import type { CaseResult, SweepGrid, SweepSummary } from '../../../shared/sweep/types';
import { runSweep } from '../../../src-node/sweep/runSweep';
import { summarizeSweep } from '../../../src-node/sweep/summarizeSweep';
import { loadReportData } from '../../../src-node/report/reportData';
import { borderModel, fakeSweepModel, tempFolder, writeCase } from '../../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-record-');
afterAll(() => tmp.cleanup());
const grid: SweepGrid = { patchSizes: [[8]], overlaps: [[0], [0.5]], placements: ['stride'], blends: ['constant'], mirror: [false] };
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const results = (dir: string) => readdirSync(join(dir, 'results')).map((n) => readJson<CaseResult>(join(dir, 'results', n)));

describe('a sweep records its inputs and its reference checks', () => {
  it('sweep.json and summary.json hold the SHA-256 of every image and label', async () => {
    const cases = [writeCase(tmp.dir, 'one', [12, 12, 12], 1), writeCase(tmp.dir, 'two', [12, 12, 12], 2)];
    const dir = join(tmp.dir, 'sweep-sha');
    await runSweep({ dir, grid, cases, model: fakeSweepModel(borderModel()), settings: { repeats: 1 }, machine: 'm' });
    const expected = cases.map((c) => ({ id: c.id, image: c.image, label: c.label, imageSha256: sha(c.image), labelSha256: sha(c.label) }));
    expect(expected[0].imageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readJson<{ cases: unknown[] }>(join(dir, 'sweep.json')).cases).toEqual(expected);
    summarizeSweep(dir);
    const summary = readJson<SweepSummary>(join(dir, 'summary.json'));
    expect(summary.cases).toEqual(expected);
    // a label map: recorded as such, and the sweep recommends
    expect(results(dir).map((r) => r.reference)).toEqual(results(dir).map(() => ({ mode: 'classes', warning: null, looksLikeImage: false, imageReason: null })));
    expect(summary.recommendation).not.toBeNull();
    expect(summary.noRecommendation).toBeNull();
  });

  it('an intensity image given as the reference: recorded per result, and no recommendation', async () => {
    const c = writeCase(tmp.dir, 'img', [16, 16, 16], 3);
    // The "label" is the image itself, in 8 bits (integers ≥ 0, so assertLabelMap lets it through).
    const img = readNifti(readFileSync(c.image));
    writeFileSync(c.label, writeNifti({ ...img, data: Uint8Array.from(img.data, (v) => Math.round(254 * v)) }));
    const dir = join(tmp.dir, 'sweep-image');
    await runSweep({ dir, grid, cases: [c], model: fakeSweepModel(borderModel()), settings: { repeats: 1 }, machine: 'm' });
    const rs = results(dir);
    expect(rs.every((r) => r.reference?.looksLikeImage === true)).toBe(true);
    const reason = rs[0].reference!.imageReason!;
    expect(reason).toMatch(/^the reference has \d+ distinct values \(uint8\) and only \d+ % of neighbouring non-zero voxels share a value .*: this looks like an image, not labels$/);
    expect(rs[0].warnings).toContain(reason); // runInference says the same
    const summary = summarizeSweep(dir);
    expect(summary.recommendation).toBeNull();
    expect(summary.noRecommendation).toBe(`case img: ${reason}. Dice against an image means nothing, so there is no recommendation: give this case a label map (the reference segmentation) instead.`);
  });
});

describe('a sweep says when a patch is below the receptive field', () => {
  it('each result of that patch size holds the same warning `infer` prints; the report lists it once with its pairs', async () => {
    const c = writeCase(tmp.dir, 'rf', [16, 16, 16], 4);
    const dir = join(tmp.dir, 'sweep-rf');
    const model = fakeSweepModel(borderModel());
    model.spec.receptiveField = [11, 11, 11];
    const rfGrid: SweepGrid = { patchSizes: [[8], [12]], overlaps: [[0]], placements: ['stride'], blends: ['constant'], mirror: [false] };
    await runSweep({ dir, grid: rfGrid, cases: [c], model, settings: { repeats: 1 }, machine: 'm' });
    const warning = 'patch 8 < receptive field 11 on every axis: expect border errors; the whole volume (16×16×16) fits in memory and is expected to be better';
    const byPatch = new Map(results(dir).map((r) => [r.config.patchSize.join('x'), r.warnings]));
    expect(byPatch.get('8x8x8')).toContain(warning);
    expect(byPatch.get('12x12x12')!.some((w) => /receptive field/.test(w))).toBe(false);
    summarizeSweep(dir);
    const data = await loadReportData(dir);
    expect(data.warnings.filter((w) => w.includes(warning))).toEqual([expect.stringMatching(/rf × p8-/)]);
  });
});
