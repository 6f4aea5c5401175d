/**
 * Issue 15's round trip on real anatomy: ../shared/data/mricron/ch2.nii.gz (181×217×181, 1 mm)
 * written as a DICOM series (test/helpers/writeDicomSeries.ts, dcmjs), read back with
 * readDicomSeries: every voxel and the affine (to 1e-4 mm) are ch2's; dcm2niix's NIfTI of the
 * series overlays the original ch2 (every voxel after its own axis flip; its voxel centres within
 * 1e-4 voxel of ours for ch2 as it is, within 1e-2 voxel when the same image is written oblique,
 * where dcm2niix's single-precision slice direction drifts by ~1e-3 voxel over 181 slices while
 * PatchLens reads the written affine back to 1e-12 mm).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../../shared/io/nifti';
import { readDicomSeries, scanDicomFolder } from '../../../src-node/dicom';
import { fileTool, requireTools } from '../../helpers/requireTool';
import { sharedDir } from '../../helpers/sharedData';
import { writeDicomSeries } from '../../helpers/writeDicomSeries';
import { dcm2niix, dicomTools } from './oracles';

const CH2 = join(sharedDir, 'data', 'mricron', 'ch2.nii.gz');
const has = requireTools('roundTripCh2.slow.test (ch2 as DICOM)', [...dicomTools(), fileTool('ch2.nii.gz', CH2, 'the ../shared data folder')]);
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-ch2-dicom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** ch2's affine turned by 15° about the z axis and 10° about the x axis (an oblique acquisition). */
function oblique(affine: number[][]): number[][] {
  const [cz, sz, cx, sx] = [Math.cos(Math.PI / 12), Math.sin(Math.PI / 12), Math.cos(Math.PI / 18), Math.sin(Math.PI / 18)];
  const rz = [[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]];
  const rx = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]];
  const rot = rz.map((row) => [0, 1, 2].map((c) => row[0] * rx[0][c] + row[1] * rx[1][c] + row[2] * rx[2][c]));
  return [...[0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => rot[r][0] * affine[0][c] + rot[r][1] * affine[1][c] + rot[r][2] * affine[2][c])), [0, 0, 0, 1]];
}

describe.skipIf(!has)('ch2 → DICOM series → PatchLens and dcm2niix', () => {
  it.each([
    ['as it is', false],
    ['turned oblique (15° about z, 10° about x)', true],
  ])('ch2 %s: reads back every voxel and the affine; dcm2niix overlays the original', async (_name, turned) => {
    const read = readNifti(readFileSync(CH2));
    const ch2 = turned ? { ...read, affine: oblique(read.affine) } : read;
    const folder = join(tmp, turned ? 'ch2-oblique' : 'ch2');
    writeDicomSeries(ch2, folder);
    const scan = await scanDicomFolder(folder);
    expect(scan.series).toHaveLength(1);
    expect(scan.series[0].images).toBe(ch2.shape[0]);
    const v = await readDicomSeries(scan.series[0]);
    expect(v.shape).toEqual(ch2.shape);
    let worst = 0;
    v.affine.forEach((row, r) => row.forEach((x, c) => (worst = Math.max(worst, Math.abs(x - ch2.affine[r][c])))));
    console.log(`ch2 round trip (${turned ? 'oblique' : 'as it is'}): largest affine difference ${worst.toExponential(2)} mm`);
    expect(worst).toBeLessThan(1e-4);
    let differ = 0;
    for (let i = 0; i < ch2.data.length; i++) if (v.data[i] !== ch2.data[i]) differ++;
    expect(differ).toBe(0);

    // dcm2niix: the same world position for every voxel, after its own index order.
    const d = dcm2niix(folder);
    const inv = invert(d.affine);
    let misplaced = 0;
    let mismatched = 0;
    let offGrid = 0;
    const [nk, nj, ni] = ch2.shape;
    for (let k = 0; k < nk; k += 5) {
      for (let j = 0; j < nj; j += 5) {
        for (let i = 0; i < ni; i += 5) {
          const world = [0, 1, 2].map((r) => ch2.affine[r][0] * k + ch2.affine[r][1] * j + ch2.affine[r][2] * i + ch2.affine[r][3]);
          const idx = [0, 1, 2].map((r) => inv[r][0] * world[0] + inv[r][1] * world[1] + inv[r][2] * world[2] + inv[r][3]);
          const rounded = idx.map(Math.round);
          offGrid = Math.max(offGrid, ...idx.map((x, a) => Math.abs(x - rounded[a])));
          // dcm2niix derives an oblique series' slice direction in single precision: ~1e-3 voxel over 181 slices.
          if (idx.some((x, a) => Math.abs(x - rounded[a]) > (turned ? 1e-2 : 1e-4))) misplaced++;
          const [a0, a1, a2] = rounded;
          if (d.data[(a0 * d.shape[1] + a1) * d.shape[2] + a2] !== ch2.data[(k * nj + j) * ni + i]) mismatched++;
        }
      }
    }
    console.log(`ch2 round trip (${turned ? 'oblique' : 'as it is'}): dcm2niix's voxel centres off PatchLens's by at most ${offGrid.toExponential(2)} voxel`);
    expect(misplaced).toBe(0);
    expect(mismatched).toBe(0);
  }, 300_000);
});

/** The inverse of a 4×4 affine (its last row 0 0 0 1). */
function invert(m: number[][]): number[][] {
  const [a, b, c] = [m[0], m[1], m[2]];
  const det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
  const r = [
    [(b[1] * c[2] - b[2] * c[1]) / det, (a[2] * c[1] - a[1] * c[2]) / det, (a[1] * b[2] - a[2] * b[1]) / det],
    [(b[2] * c[0] - b[0] * c[2]) / det, (a[0] * c[2] - a[2] * c[0]) / det, (a[2] * b[0] - a[0] * b[2]) / det],
    [(b[0] * c[1] - b[1] * c[0]) / det, (a[1] * c[0] - a[0] * c[1]) / det, (a[0] * b[1] - a[1] * b[0]) / det],
  ];
  return [...r.map((row) => [...row, -(row[0] * m[0][3] + row[1] * m[1][3] + row[2] * m[2][3])]), [0, 0, 0, 1]];
}
