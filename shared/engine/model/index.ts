/**
 * Model artifacts and loading: hashing a model's files, resolving its spec (sidecar, known model
 * or inferred), and loading it with tfjs into a patch predictor that returns probabilities.
 */
export type { ModelArtifacts } from './modelArtifacts';
export { readModelJson, shardPaths, type ModelJson, type ModelKind } from './modelJson';
export { modelHash, listingHash, type ModelHash, type FileHash } from './modelHash';
export { resolveSpec, findKnownModel, type ResolveSpecOptions } from './resolveSpec';
export { KNOWN_MODELS, knownSpec, type KnownModel } from './knownModels';
export { parseSidecar, SIDECAR_FILE, OUTPUT_ACTIVATIONS, type Sidecar } from './sidecar';
export { inferSpec, outputActivationOf, GN_EPSILON } from './inferSpec';
export { modelFacts, type ModelFacts } from './modelFacts';
export { receptiveField, type ReceptiveFieldResult } from './receptiveField';
export { kerasLayers, relaxInputShape, batchInputShape, type KerasLayer } from './kerasTopology';
export { concatWeights, storedBytesPerElement, type ConcatenatedWeights } from './weightData';
export { validateModelJson } from './validateModelJson';
export { validateWeightsManifest, checkFiniteWeights } from './validateWeights';
export { MODEL_LIMITS } from './modelLimits';
export { loadModel, type LoadModelOptions } from './loadModel';
export type { LoadedModel } from './loadedModel';
export { runLayers, type RunLayersOptions } from './runLayers';
export { instanceNorm } from './instanceNorm';
export { toProbabilities } from './toProbabilities';
