import type { ModelSpec } from '../modelSpec';

/** A well-known model: its files' hashes and the preprocessing it was published with. */
export interface KnownModel {
  /** `modelHash(...).sha256` of the published files. */
  sha256: string;
  /** SHA-256 of each file: `model.json` and the weight shards by manifest path. */
  files: Record<string, string>;
  /** The spec, `source: 'known-model'`. */
  spec: ModelSpec;
}

/** brainchop's conformed input: 256³ at 1 mm, transposed as brainchop feeds it (tensor axes L, I, A). */
const BRAINCHOP_GRID: Pick<ModelSpec, 'orientation' | 'voxelSize' | 'conform' | 'channels' | 'outputActivation' | 'largestComponent' | 'source'> = {
  orientation: 'LIA',
  voxelSize: [1, 1, 1],
  conform: { shape: [256, 256, 256], voxelSize: [1, 1, 1] },
  // Every brainchop MeshNet: one channel in, logits out (argmax), largest component kept.
  channels: 1,
  outputActivation: 'logits-softmax',
  largestComponent: true,
  source: 'known-model',
};

/** Tissue classes of brainchop's colormap3.json (model5_gw_ae) and colormap.json (model20chan3cls). */
const TISSUE_CLASSES: ModelSpec['classes'] = [
  { name: 'background', color: [0, 0, 0] },
  { name: 'White Matter', color: [255, 255, 255] },
  { name: 'Grey Matter', color: [205, 62, 78] },
];

const QUANTILE_NOTE =
  "brainchop's quantileNormalizeVolumeData: qmin = sorted[floor(0.05·n)], qmax = sorted[ceil(0.95·n) − 1] over all n voxels, " +
  'then (x − qmin) / (qmax − qmin), not clipped';
const COMMON_NOTES = [
  'brainchop (niivue-brainchop brainchop-mainthread.js / brainchop-webworker.js): the volume is conformed to 256³ at 1 mm, normalized, ' +
    'cropped to the bounding box of normalized voxels > autoThreshold·max (autoThreshold 0: > 0) plus cropPadding voxels of zeros, ' +
    'transposed (enableTranspose), run, arg-maxed, and the largest connected component is kept (isPostProcessEnable)',
  'the last layer is a linear 1×1×1 convolution: its outputs are logits, turned into probabilities by a softmax',
];

/**
 * The four brainchop MeshNets in ../shared/models/brainchop, recognised by {@link KnownModel.sha256}.
 * Preprocessing from brainchop-parameters.js (niivue/niivue-brainchop; mindgrab from the later
 * brainchop release that added it), classes and colours from each model's colormap.
 */
export const KNOWN_MODELS: readonly KnownModel[] = [
  {
    sha256: '5c7bf00e6f8718b75512618a4f948f185aaff8cdbf3830757910c59785ef843d',
    files: {
      'model.json': '7aabd59933bd3528f120107165f5dd577c5b749cf91fc2f949987d7bc620ce59',
      'group1-shard1of1.bin': 'ca0d1b8ff72f8719d9525acaf9a1f1cb66dbb173b4ee1d7540f99e022cf4bfd8',
    },
    spec: {
      name: 'model5_gw_ae (brainchop “Tissue GWM (light)”)',
      ...BRAINCHOP_GRID,
      crop: { threshold: 0, padding: 18 },
      normalization: { kind: 'min-max' },
      classes: TISSUE_CLASSES,
      receptiveField: [93, 93, 93],
      translationEquivariant: true,
      assumptions: [],
      notes: [
        'brainchop-parameters.js entry 1 “Tissue GWM (light)”: enableQuantileNorm false, autoThreshold 0, cropPadding 18, enableTranspose true',
        'classes and colours from colormap3.json (colormap.json is the 2-label brain-mask variant of entry 12)',
        'MeshNet: 5 channels, 3×3×3 convolutions with dilations 1-2-4-8-16-8-4-2-1, ReLU',
        ...COMMON_NOTES,
      ],
    },
  },
  {
    sha256: '5d0837194947dee49cb1f4da1a0083f16eff96213a2394d3d49c57865fedca0c',
    files: {
      'model.json': '09d1afa152a907a545ce814842613559fbfe2bfdaab0bc8708ea79cd3e17229c',
      'group1-shard1of1.bin': '7f93edb82252cdc59e3faf3ae5a27622bc748d02db64df2cf429ad807891c261',
    },
    spec: {
      name: 'model11_gw_ae (brainchop “Extract the Brain (High Acc, Slow)”)',
      ...BRAINCHOP_GRID,
      crop: { threshold: 0, padding: 0 },
      normalization: { kind: 'min-max' },
      classes: TISSUE_CLASSES,
      receptiveField: [49, 49, 49],
      translationEquivariant: true,
      assumptions: [
        'no colormap ships with model11_gw_ae: its 3 classes are assumed to be background / white matter / grey matter, like model5_gw_ae (brainchop only uses it for brain extraction: every label ≠ 0 is brain)',
      ],
      notes: [
        'brainchop-parameters.js entry 11 “Extract the Brain (High Acc, Slow)” (Brain_Extraction): enableQuantileNorm false, autoThreshold 0, cropPadding 0, enableTranspose true',
        'entry 13 “Brain Mask (High Acc, Low Mem)” runs the same model with quantile normalization (enableQuantileNorm true); this spec follows entry 11',
        'MeshNet: 11 channels, 3×3×3 convolutions with dilations 1-2-4-8-4-2-2-1, ReLU',
        ...COMMON_NOTES,
      ],
    },
  },
  {
    sha256: 'd0dfa1c13a7f50ff8f88c014b828de7e50cb01587135cc89f8af4602f641591f',
    files: {
      'model.json': '24d1bcccba736a83c80b336ca349297f4839ae08b8ec92ec72c5d6adb9afe76e',
      'model.bin': 'c9a01490fe2d13acc1515fd019b69db176ebe6f40c9b84aeb77f25acbc2ee0f3',
    },
    spec: {
      name: 'mindgrab (brainchop “omnimodal Skull Stripping”)',
      ...BRAINCHOP_GRID,
      crop: { threshold: 0.5, padding: 20 },
      normalization: { kind: 'quantile', lo: 0.05, hi: 0.95 },
      classes: [
        { name: 'background', color: [0, 0, 0] },
        { name: 'brain mask', color: [255, 255, 255] },
      ],
      receptiveField: [311, 311, 311],
      translationEquivariant: false,
      instanceNorm: { layerSuffix: '_gn', epsilon: 1e-5 },
      assumptions: [],
      notes: [
        'brainchop-parameters.js “omnimodal Skull Stripping” (Brain_Extraction): enableQuantileNorm true, autoThreshold 0.5, cropPadding 20, isPostProcessEnable true, enableTranspose true',
        QUANTILE_NOTE,
        'not translation-equivariant: each convolution named *_gn is followed (before its GELU) by a per-channel normalization over the whole D×H×W input, ' +
          '(x − mean) / sqrt(var + 1e-5) with the population variance and no scale or offset (brainchop applies it after layer.apply when the layer name ends with _gn); ' +
          'model.predict() does not do it, so PatchLens runs the layers one by one, and the answer at a voxel depends on the whole patch, so on the patch size',
        'MeshNet: 15 channels × 25 layers, 3×3×3 convolutions without bias, dilations 16-8-4-2-1 repeated 5 times, GELU (erf form)',
        ...COMMON_NOTES,
      ],
    },
  },
  {
    sha256: 'e707fad1d5161dfdf9d4100931b5693198bfe0dba91b05cdae801883e997eb75',
    files: {
      'model.json': '53932edad5330073bbac906049a31b84a2ca3d8c65d658feea848130004b984b',
      'model.bin': 'aecc03e3db596bfffab0ea1143f0848dbf4da4e317e04ef202986c6888cd467f',
    },
    spec: {
      name: 'model20chan3cls (brainchop “Tissue GWM (High Acc)”)',
      ...BRAINCHOP_GRID,
      crop: { threshold: 0.2, padding: 0 },
      normalization: { kind: 'quantile', lo: 0.05, hi: 0.95 },
      classes: TISSUE_CLASSES,
      receptiveField: [93, 93, 93],
      translationEquivariant: true,
      assumptions: [],
      notes: [
        'brainchop-parameters.js entry 2 “Tissue GWM (High Acc)”: enableQuantileNorm true, autoThreshold 0.2, cropPadding 0, enableTranspose true',
        QUANTILE_NOTE,
        'classes and colours from colormap.json',
        'MeshNet: 20 channels, 3×3×3 convolutions with dilations 1-2-4-8-16-8-4-2-1, ELU',
        ...COMMON_NOTES,
      ],
    },
  },
];

/** A deep copy of a known model's spec (callers may edit it). */
export function knownSpec(model: KnownModel): ModelSpec {
  return JSON.parse(JSON.stringify(model.spec)) as ModelSpec;
}
