/**
 * The fuzzer's seeds, from the repository's demo data and model: small NIfTI files cut out of
 * demo/data's T1 (every datatype, NIfTI-1 and -2, both byte orders, with and without scaling,
 * extensions, sform/qform, 4-D), the demo file itself (.nii.gz and .nii), and demo/model's
 * model.json, weight shard and sidecar. Built once per campaign, deterministically.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti } from '../../shared/io/nifti';
import { DATATYPES, encodeSeedNifti, type SeedNifti } from './niftiFields';
import { rngFrom } from './rng';

/** The repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** One NIfTI seed: the uncompressed file and how it was made. */
export interface NiftiSeed {
  nii: Uint8Array;
  note: string;
}

/** A model seed: model.json's text, its shards by manifest path, the sidecar's text. */
export interface ModelSeed {
  name: string;
  modelJson: string;
  shards: [string, Uint8Array][];
  sidecar: string | null;
}

/** Everything the generators draw from. */
export interface Corpus {
  nifti: NiftiSeed[];
  /** The demo T1 as a `.nii.gz` and as a `.nii` (large seeds, drawn rarely). */
  demoGz: Uint8Array;
  demoNii: Uint8Array;
  models: ModelSeed[];
}

/** How each datatype's seed values are made from the T1's uint8 voxels. */
const VALUE_MAPS: Record<number, (u: number) => number> = {
  2: (u) => u,
  256: (u) => u - 128,
  4: (u) => u * 100 - 12000,
  512: (u) => u * 250,
  8: (u) => u * 1e6 - 1e8,
  768: (u) => u * 1.6e7,
  16: (u) => u / 7 - 3,
  64: (u) => u / 3 + 1e-9,
};

/** Extents of the cut-outs (i fastest; trailing 1s and a 4-D one included). */
const EXTENTS = [[5, 6, 4], [8, 8, 8], [16, 9, 3], [1, 1, 1], [7, 1, 1], [3, 4, 1], [4, 3, 2, 2], [2, 2, 2, 1, 1], [6, 5, 4, 1]];

/** A tiny graph model (a Softmax over a 2-channel 3-D input): the graph-model path of `loadModel`. */
const GRAPH_MODEL = {
  format: 'graph-model',
  generatedBy: 'patchlens fuzz',
  convertedBy: 'hand',
  modelTopology: {
    node: [
      {
        name: 'x',
        op: 'Placeholder',
        attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '2' }] } } },
      },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }] } } } } },
      { name: 'scaled', op: 'Mul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'Identity', op: 'Softmax', input: ['scaled'], attr: { T: { type: 'DT_FLOAT' } } },
    ],
    library: {},
    versions: { producer: 1 },
  },
  weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
};

/** What the graph model's files cannot say (its output classes). */
const GRAPH_SIDECAR = { normalization: { kind: 'none' }, outputActivation: 'softmax', channels: 2, classes: [{ name: 'a', color: [0, 0, 0] }, { name: 'b', color: [255, 0, 0] }] };

/** Builds the corpus (about a second: it reads and cuts the demo T1). */
export function loadCorpus(): Corpus {
  const demoGz = new Uint8Array(readFileSync(resolve(REPO_ROOT, 'demo/data/ch2-2mm_t1.nii.gz')));
  const demoNii = new Uint8Array(gunzipSync(demoGz));
  const t1 = readNifti(demoGz);
  const [nk, nj, ni] = t1.shape;
  const h = t1.header;
  const rng = rngFrom(20261206);
  const nifti: NiftiSeed[] = [];
  const codes = Object.keys(DATATYPES).map(Number);
  for (let s = 0; s < 48; s++) {
    const dims = EXTENTS[s % EXTENTS.length];
    const [a, b, c] = [dims[0], dims[1] ?? 1, dims[2] ?? 1];
    const frames = dims.slice(3).reduce((x, y) => x * y, 1);
    const [i0, j0, k0] = [rng.int(0, ni - a), rng.int(0, nj - b), rng.int(0, nk - c)];
    const datatype = codes[s % codes.length];
    const map = VALUE_MAPS[datatype];
    const values: number[] = [];
    for (let t = 0; t < frames; t++)
      for (let k = 0; k < c; k++) for (let j = 0; j < b; j++) for (let i = 0; i < a; i++) values.push(map(t1.data[((k0 + k) * nj + (j0 + j)) * ni + (i0 + i)] + t));
    const version = rng.chance(0.5) ? 1 : 2;
    const littleEndian = rng.chance(0.6);
    const geometry = rng.int(0, 3); // 0: none, 1: sform only, 2: qform only, 3: both (as the demo)
    const scale = rng.chance(0.25);
    const seed: SeedNifti = {
      version,
      littleEndian,
      dims,
      datatype,
      values,
      pixdim: [h.pixdim[0] || 1, ...h.pixdim.slice(1, 4), 1, 0, 0, 0],
      sclSlope: scale ? rng.pick([2, 0.5, -1.25]) : rng.pick([0, 1]),
      sclInter: scale ? rng.pick([0, 10, -3.5]) : 0,
      qformCode: geometry >= 2 ? h.qformCode || 1 : 0,
      sformCode: geometry === 1 || geometry === 3 ? h.sformCode || 1 : 0,
      quatern: [h.quatern.b, h.quatern.c, h.quatern.d, h.quatern.x, h.quatern.y, h.quatern.z],
      srow: h.sform.slice(0, 3).map((row) => [...row]),
      extensionBytes: rng.chance(0.2) ? rng.int(1, 40) : 0,
    };
    const desc = `v${version} ${littleEndian ? 'LE' : 'BE'} ${dims.join('×')} dt${datatype}${scale ? ' scaled' : ''}${seed.extensionBytes ? ' ext' : ''} geom${geometry}`;
    nifti.push({ nii: encodeSeedNifti(seed), note: desc });
  }
  const demoModel = resolve(REPO_ROOT, 'demo/model');
  const models: ModelSeed[] = [
    {
      name: 'demo',
      modelJson: readFileSync(resolve(demoModel, 'model.json'), 'utf8'),
      shards: [['group1-shard1of1.bin', new Uint8Array(readFileSync(resolve(demoModel, 'group1-shard1of1.bin')))]],
      sidecar: readFileSync(resolve(demoModel, 'patchlens.json'), 'utf8'),
    },
    { name: 'graph', modelJson: JSON.stringify(GRAPH_MODEL), shards: [['w.bin', new Uint8Array(Float32Array.of(1, -0.5).buffer)]], sidecar: JSON.stringify(GRAPH_SIDECAR) },
  ];
  return { nifti, demoGz, demoNii, models };
}
