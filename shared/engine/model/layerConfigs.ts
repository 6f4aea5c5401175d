import { layerLabel } from './declaredSizes';
import type { KerasLayer } from './kerasTopology';
import { isRecord } from './modelJson';

/**
 * Classes tfjs deserializes that are not layers (initializers, regularizers, constraints,
 * optimizers): named as a layer's class, or as an activation, tfjs built them and crashed
 * ("layer.setFastWeightInitDuringBuild is not a function", "shape.forEach is not a function").
 */
const NOT_LAYERS = new Set([
  'Zeros', 'Ones', 'Constant', 'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'Identity', 'VarianceScaling', 'GlorotUniform', 'GlorotNormal', 'HeNormal',
  'HeUniform', 'LeCunNormal', 'LeCunUniform', 'Orthogonal', 'L1L2', 'L1', 'L2', 'MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm', 'SGD', 'Adam', 'Adamax', 'Adadelta',
  'Adagrad', 'RMSProp', 'Momentum',
]);

/** What tfjs deserializes for `*_initializer`, `*_regularizer` and `*_constraint` config keys. */
const SERIALIZABLE_KINDS = {
  initializer: new Set(['Zeros', 'Ones', 'Constant', 'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'Identity', 'VarianceScaling', 'GlorotUniform', 'GlorotNormal', 'HeNormal', 'HeUniform', 'LeCunNormal', 'LeCunUniform', 'Orthogonal']),
  regularizer: new Set(['L1L2', 'L1', 'L2']),
  constraint: new Set(['MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm']),
} as const;

/**
 * Every `*_initializer`, `*_regularizer` and `*_constraint` of a layer must be absent, null, the
 * name of one of its kind (tfjs accepts e.g. "glorotUniform", "nonNeg") or `{ class_name, config }`
 * of its kind: an initializer given as a constraint made tfjs crash ("shape.forEach is not a
 * function"; found by the fuzzer, seed 2026).
 */
function checkSerializables(c: Record<string, unknown>, bad: (what: string) => never): void {
  for (const [key, value] of Object.entries(c)) {
    const kind = (/_(initializer|regularizer|constraint)$/.exec(key)?.[1] ?? null) as keyof typeof SERIALIZABLE_KINDS | null;
    if (!kind || value === null || value === undefined || typeof value === 'string') continue;
    const allowed = SERIALIZABLE_KINDS[kind];
    if (!isRecord(value) || typeof value.class_name !== 'string' || !allowed.has(value.class_name) || (value.config !== undefined && !isRecord(value.config)))
      bad(`has ${key} ${JSON.stringify(value).slice(0, 120)}; it must be null or ${kind === 'initializer' ? 'an' : 'a'} ${kind} (${[...allowed].join(', ')}) as { "class_name", "config" }`);
  }
}

/** A layer config as model.json writes a nested layer (`{ class_name, config }`). */
function isLayerSpec(value: unknown): boolean {
  return isRecord(value) && typeof value.class_name === 'string' && isRecord(value.config);
}

/** Whether `v` is a list of integers (each at least `min`). */
function integers(v: unknown, min: number): boolean {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= min);
}

/**
 * The config keys without which tfjs-layers' constructors crash (a TypeError such as "Cannot read
 * properties of undefined (reading 'length')") instead of saying what is missing, found by the
 * fuzzer (`npm run fuzz`): checked here first, with the layer and the key named. Models nested as
 * layers are refused (the checks of `validateLayersModel` do not look inside them), and so are
 * classes and activations that name something other than a layer or an activation (`NOT_LAYERS`).
 * @throws naming `fn`, the layer and the key.
 */
export function checkLayerConfig(fn: string, layer: KerasLayer): void {
  const c = layer.config;
  const bad = (what: string): never => {
    throw new TypeError(`${fn}: ${layerLabel(layer)} ${what}`);
  };
  if (NOT_LAYERS.has(layer.className)) bad(`names class ${layer.className}, which is not a layer (an initializer, regularizer, constraint or optimizer)`);
  checkSerializables(c, bad);
  const act = c.activation;
  if (act !== undefined && act !== null && typeof act !== 'string' && !(isRecord(act) && typeof act.class_name === 'string' && !NOT_LAYERS.has(act.class_name)))
    bad(`has activation ${JSON.stringify(act)}; it must be an activation's name (e.g. "relu")`);
  switch (layer.className) {
    case 'Model':
    case 'Functional':
    case 'Sequential':
      return bad('is a model nested as a layer; PatchLens runs models whose layers are plain layers');
    case 'Reshape':
      if (!Array.isArray(c.target_shape) || !c.target_shape.every((x) => Number.isInteger(x) && ((x as number) >= 1 || x === -1)))
        bad(`needs target_shape, a list of positive integers (or -1), got ${JSON.stringify(c.target_shape)}`);
      return;
    case 'Permute':
      if (!integers(c.dims, 1)) bad(`needs dims, a list of axes from 1, got ${JSON.stringify(c.dims)}`);
      return;
    case 'Cropping1D':
    case 'Cropping2D':
    case 'Cropping3D':
      if (c.cropping === undefined || c.cropping === null) bad('needs cropping (the voxels to crop per side)');
      return;
    case 'TimeDistributed':
    case 'Bidirectional':
      if (!isLayerSpec(c.layer)) bad(`needs layer, the wrapped layer as { "class_name", "config" }, got ${JSON.stringify(c.layer)}`);
      return;
    case 'RNN':
      if (!isLayerSpec(c.cell)) bad(`needs cell, the recurrent cell as { "class_name", "config" }, got ${JSON.stringify(c.cell)}`);
      return;
    case 'StackedRNNCells':
      if (!Array.isArray(c.cells) || !c.cells.every(isLayerSpec)) bad('needs cells, a list of cells as { "class_name", "config" }');
      return;
  }
}
