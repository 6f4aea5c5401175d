/**
 * Makes the bundled demo data (demo/data/) from MRIcron's Colin27 templates (BSD-3-Clause, see
 * NOTICE): `ch2.nii.gz` (T1, 181×217×181 at 1 mm, uint8) and `ch2bet.nii.gz` (brain-extracted;
 * > 0 is brain), both in ../shared/data/mricron.
 *
 * - `ch2-2mm_t1.nii.gz`: the T1 smoothed with a [1, 2, 1]/4 kernel along each axis (anti-aliasing),
 *   then sampled every second voxel: 91×109×91 at 2 mm, uint8 (rounded half to even). The grid
 *   keeps the field of view's centre (for odd extents its first and last voxel centres are the
 *   source's), and the affine is the source's with its voxel axes scaled by 2.
 * - `ch2-2mm_brain.nii.gz`: the brain mask (`ch2bet > 0`) smoothed and sampled the same way,
 *   thresholded at ≥ 0.5: 0 background, 1 brain, uint8.
 * - `ch2-2mm-mirrored_{t1,brain}.nii.gz`: a second case for sweeps over several image/label
 *   pairs: the same volume mirrored left–right and shifted by (2, −3, 4) voxels (array axes k, j,
 *   i; zero fill), on the same grid. It is derived from the same brain, so it is a held-out
 *   *geometry*, not an independent subject.
 * - `cases.json`: the image/label pairs and what each is for.
 *
 * Deterministic: the same bytes on every run (gzip without a time stamp).
 *
 * Run: `npx tsx scripts/make-demo-data.ts [outDir] [sourceDir]`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti, writeNifti, type NiftiVolume } from '../shared/io/nifti';
import { resampleToGrid } from '../shared/io/resample';
import { applyAffine, type Matrix4 } from '../shared/io/affine';
import { axisCodes } from '../shared/io/orientation';
import type { Volume } from '../shared/io/volume';
import { roundHalfToEven } from '../shared/util/roundHalfToEven';
import { writeFileAtomic } from '../src-node/fs/atomicWrite';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the MRIcron templates are by default: ../shared/data/mricron beside the repository. */
export const DEFAULT_SOURCE_DIR = resolve(repoRoot, '..', 'shared', 'data', 'mricron');

/** Where the demo data go by default. */
export const DEFAULT_DATA_DIR = resolve(repoRoot, 'demo', 'data');

/** The shift (array voxels, axes k, j, i) of the mirrored case. */
export const MIRRORED_SHIFT = [2, -3, 4] as const;

/** One image/label pair of the demo. */
export interface DemoCase {
  name: string;
  image: string;
  label: string;
  role: 'training' | 'held-out';
  description: string;
}

/** The demo's cases, as `cases.json` lists them. */
export const DEMO_CASES: DemoCase[] = [
  {
    name: 'ch2-2mm',
    image: 'ch2-2mm_t1.nii.gz',
    label: 'ch2-2mm_brain.nii.gz',
    role: 'training',
    description: 'MRIcron ch2 (Colin27 T1) at 2 mm; label 1 = brain (ch2bet > 0). The demo model was trained on this case.',
  },
  {
    name: 'ch2-2mm-mirrored',
    image: 'ch2-2mm-mirrored_t1.nii.gz',
    label: 'ch2-2mm-mirrored_brain.nii.gz',
    role: 'held-out',
    description:
      `ch2-2mm mirrored left-right and shifted by (${MIRRORED_SHIFT.join(', ')}) voxels along array axes (k, j, i); ` +
      'not seen in training, but the same brain: a held-out geometry, not an independent subject.',
  },
];

/** What {@link makeDemoData} wrote. */
export interface DemoDataResult {
  /** Absolute paths of the files written, in order. */
  files: string[];
  /** Total bytes written. */
  bytes: number;
  /** Shape of the 2 mm volumes (array order k, j, i). */
  shape: number[];
  /** Brain voxels per case. */
  brainVoxels: Record<string, number>;
}

/** Smooths a row-major 3-D array with the separable kernel [1, 2, 1]/4 along every axis (edges: the missing neighbour is replaced by the voxel itself). */
function smooth121(data: ArrayLike<number>, shape: readonly number[]): Float64Array {
  let cur = Float64Array.from(data);
  const [n0, n1, n2] = shape;
  const strides = [n1 * n2, n2, 1];
  for (let axis = 0; axis < 3; axis++) {
    const next = new Float64Array(cur.length);
    const s = strides[axis];
    const n = shape[axis];
    for (let v = 0; v < cur.length; v++) {
      const pos = Math.floor(v / s) % n;
      const lo = pos > 0 ? cur[v - s] : cur[v];
      const hi = pos < n - 1 ? cur[v + s] : cur[v];
      next[v] = 0.25 * lo + 0.5 * cur[v] + 0.25 * hi;
    }
    cur = next;
  }
  void n0;
  return cur;
}

/** The 2 mm grid: every second voxel of the source, the field of view's centre kept. */
function halfResolutionGrid(src: Volume): { shape: number[]; affine: Matrix4 } {
  const shape = src.shape.map((n) => Math.floor((n - 1) / 2) + 1);
  const affine = src.affine.map((row) => [...row]);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) affine[r][c] = src.affine[r][c] * 2;
  const centre = applyAffine(src.affine, src.shape.map((n) => (n - 1) / 2));
  const shifted = applyAffine(affine, shape.map((m) => (m - 1) / 2));
  for (let r = 0; r < 3; r++) affine[r][3] += centre[r] - shifted[r];
  return { shape, affine };
}

/** Smooths, then samples onto the 2 mm grid (trilinear through shared/io's resampler; the sample points are source voxel centres). */
function downsample(src: Volume): Float32Array {
  const smoothed: Volume = { ...src, data: Float32Array.from(smooth121(src.data, src.shape)) };
  const grid = halfResolutionGrid(src);
  return resampleToGrid(smoothed, grid.shape, grid.affine, 'linear').data as Float32Array;
}

/** Mirrors along array axis 2 (i: left–right for these templates) and shifts, filling with 0. */
function mirrorAndShift(data: Uint8Array, shape: readonly number[], shift: readonly number[]): Uint8Array {
  const [n0, n1, n2] = shape;
  const out = new Uint8Array(data.length);
  for (let a = 0; a < n0; a++) {
    const sa = a - shift[0];
    if (sa < 0 || sa >= n0) continue;
    for (let b = 0; b < n1; b++) {
      const sb = b - shift[1];
      if (sb < 0 || sb >= n1) continue;
      for (let c = 0; c < n2; c++) {
        const sc = n2 - 1 - (c - shift[2]);
        if (sc < 0 || sc >= n2) continue;
        out[(a * n1 + b) * n2 + c] = data[(sa * n1 + sb) * n2 + sc];
      }
    }
  }
  return out;
}

function countOnes(data: Uint8Array): number {
  let n = 0;
  for (const v of data) n += v;
  return n;
}

/**
 * Writes the demo's image/label pairs and `cases.json` into `outDir` (created when missing).
 * @param outDir folder for the files (the repository's is demo/data)
 * @param sourceDir folder with ch2.nii.gz and ch2bet.nii.gz (default ../shared/data/mricron)
 * @throws `makeDemoData: …` when a source file is missing or not the expected template
 */
export function makeDemoData(outDir: string = DEFAULT_DATA_DIR, sourceDir: string = DEFAULT_SOURCE_DIR): DemoDataResult {
  const fn = 'makeDemoData';
  const read = (name: string): NiftiVolume => {
    const path = join(sourceDir, name);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new Error(`${fn}: cannot read ${path} (${(e as Error).message}); the MRIcron templates are expected in ../shared/data/mricron`);
    }
    return readNifti(bytes);
  };
  const t1 = read('ch2.nii.gz');
  const bet = read('ch2bet.nii.gz');
  if (t1.shape.length !== 3 || t1.shape.join() !== bet.shape.join()) {
    throw new Error(`${fn}: ch2.nii.gz [${t1.shape}] and ch2bet.nii.gz [${bet.shape}] must be 3-D volumes on the same grid`);
  }

  const grid = halfResolutionGrid(t1);
  const image = Uint8Array.from(downsample(t1), (v) => Math.min(255, Math.max(0, roundHalfToEven(v))));
  const mask: Volume = { ...bet, data: Uint8Array.from(bet.data, (v) => (v > 0 ? 1 : 0)) };
  const brain = Uint8Array.from(downsample(mask), (v) => (v >= 0.5 ? 1 : 0));
  const mirroredImage = mirrorAndShift(image, grid.shape, MIRRORED_SHIFT);
  const mirroredBrain = mirrorAndShift(brain, grid.shape, MIRRORED_SHIFT);

  const like = { sformCode: t1.header.sformCode, qformCode: t1.header.qformCode, xyztUnits: t1.header.xyztUnits };
  const volume = (data: Uint8Array): Volume => ({ data, shape: [...grid.shape], spacing: [2, 2, 2], affine: grid.affine });
  const outputs: [string, Uint8Array, string][] = [
    [DEMO_CASES[0].image, image, 'PatchLens demo: MRIcron ch2 (Colin27) T1, 2 mm'],
    [DEMO_CASES[0].label, brain, 'PatchLens demo: ch2bet>0 brain mask, 2 mm'],
    [DEMO_CASES[1].image, mirroredImage, 'PatchLens demo: ch2 T1 2 mm, mirrored L-R, shifted'],
    [DEMO_CASES[1].label, mirroredBrain, 'PatchLens demo: ch2bet brain mask 2 mm, mirrored, shifted'],
  ];
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  for (const [name, data, description] of outputs) {
    const file = writeNifti(volume(data), { datatype: 'uint8', description, like });
    const path = join(outDir, name);
    writeFileAtomic(path, file);
    files.push(path);
    bytes += file.length;
  }
  const manifest = {
    source: 'MRIcron templates ch2.nii.gz and ch2bet.nii.gz (Colin27), BSD-3-Clause; see NOTICE and demo/README.md',
    madeBy: 'scripts/make-demo-data.ts',
    shape: grid.shape,
    voxelSize: [2, 2, 2],
    orientation: axisCodes(grid.affine),
    cases: DEMO_CASES,
  };
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestPath = join(outDir, 'cases.json');
  writeFileAtomic(manifestPath, manifestBytes);
  files.push(manifestPath);
  bytes += manifestBytes.length;
  return {
    files,
    bytes,
    shape: grid.shape,
    brainVoxels: { [DEMO_CASES[0].name]: countOnes(brain), [DEMO_CASES[1].name]: countOnes(mirroredBrain) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_DATA_DIR);
  const r = makeDemoData(outDir, resolve(process.argv[3] ?? DEFAULT_SOURCE_DIR));
  console.log(`make-demo-data: wrote ${r.files.length} files (${(r.bytes / 1024).toFixed(0)} KiB) into ${outDir}; shape ${r.shape.join('×')}; brain voxels ${JSON.stringify(r.brainVoxels)}`);
}
