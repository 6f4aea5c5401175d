/**
 * `patchlens sweep --case <DICOM folder>:<DICOM SEG | NIfTI>` (issue 15): pydicom's CT5N series
 * as the image, its reference labels once as a DICOM SEG (written by writeDicomSeg) and once as
 * a NIfTI of the same voxels. Both sweeps give the same Dice; a second run of the same sweep
 * keeps every pair (the DICOM inputs' fingerprints are stable); a SEG without a DICOM image is
 * refused naming the case.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNifti } from '../../shared/io/nifti';
import type { SweepSummary } from '../../shared/sweep/types';
import type { Io } from '../../src-cli/io';
import { main } from '../../src-cli/main';
import { readDicomSeries, scanDicomFolder } from '../../src-node/dicom';
import { writeDicomSeg } from '../../src-node/dicom/seg';
import { TINY_MODEL_DIR } from '../fixtures/tiny-model/makeTinyModel';
import { repoRoot } from '../helpers/sharedData';
import { requireTools } from '../helpers/requireTool';
import { dicomTools, PYDICOM_FILES } from '../src-node/dicom/oracles';

const has = requireTools('sweepDicom.slow.test (pydicom\'s test files)', dicomTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-sweep-dicom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function sweep(out: string, ...cases: string[]): Promise<{ code: number; out: string; err: string }> {
  let o = '';
  let err = '';
  const io: Io = { out: (s) => void (o += s), err: (s) => void (err += s), isTTY: false };
  const args = ['sweep', '--model', TINY_MODEL_DIR, ...cases.flatMap((c) => ['--case', c]), '--out', out, '--patch', '24', '--overlap', '0', '--blend', 'gaussian', '--repeats', '1', '--warmup', 'none', '--backend', 'cpu', '--machine', 'ci'];
  const code = await main(args, io);
  return { code, out: o, err };
}

const diceOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as SweepSummary).configs.filter((c) => !c.calibration).map((c) => c.dice);

describe.skipIf(!has)('patchlens sweep with DICOM cases', () => {
  const folder = join(tmp, 'ct5n');
  const segPath = join(tmp, 'reference.seg.dcm');
  const niiPath = join(tmp, 'reference.nii');
  beforeAll(async () => {
    cpSync(CT5N, folder, { recursive: true });
    const volume = await readDicomSeries((await scanDicomFolder(folder)).series[0]);
    // The reference: the voxels above the image's median (a label map with a real boundary).
    const sorted = Float64Array.from(volume.data).sort();
    const median = sorted[sorted.length >> 1];
    const labels = { data: Uint8Array.from(volume.data, (v) => (v > median ? 1 : 0)), shape: volume.shape, spacing: volume.spacing, affine: volume.affine };
    writeFileSync(segPath, writeDicomSeg(labels, volume, [{ value: 1, name: 'Bright', color: [255, 0, 0] }], { algorithm: { type: 'MANUAL' } }).bytes);
    writeFileSync(niiPath, writeNifti(labels));
  });

  it('scores a DICOM series against its SEG exactly as against the same labels in NIfTI, and resumes', async () => {
    const withSeg = await sweep(join(tmp, 'sweep-seg'), `ct=${folder}:${segPath}`);
    expect(withSeg.code, withSeg.err).toBe(0);
    const withNifti = await sweep(join(tmp, 'sweep-nii'), `ct=${folder}:${niiPath}`);
    expect(withNifti.code, withNifti.err).toBe(0);
    const [seg, nii] = [diceOf(join(tmp, 'sweep-seg')), diceOf(join(tmp, 'sweep-nii'))];
    expect(seg.length).toBeGreaterThan(0);
    seg.forEach((d, k) => expect(d).toBeCloseTo(nii[k], 10));
    expect(seg[0]).toBeGreaterThan(0);

    const again = await sweep(join(tmp, 'sweep-seg'), `ct=${folder}:${segPath}`);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/0 pair\(s\) measured, \d+ kept from before/);
  }, 300_000);

  it('refuses a SEG whose case image is not DICOM, naming the case', async () => {
    const image = join(repoRoot, 'demo', 'data', 'ch2-2mm_t1.nii.gz');
    const r = await sweep(join(tmp, 'sweep-bad'), `bad=${image}:${segPath}`);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`case bad label ${segPath}: a DICOM SEG needs its DICOM source series as the case's image`);
  }, 300_000);
});
