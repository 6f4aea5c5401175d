import type * as tf from '@tensorflow/tfjs-core';

/** One group of `weightsManifest`: weights stored, in order, in the shards listed in `paths`. */
export type WeightsGroup = tf.io.WeightsManifestConfig[number];

/** The two tfjs model formats. */
export type ModelKind = 'layers-model' | 'graph-model';

/** model.json, checked just enough to be used safely. */
export interface ModelJson {
  /** `layers-model` (Keras topology, `tf.loadLayersModel`) or `graph-model` (GraphDef, `loadGraphModel`). */
  kind: ModelKind;
  /** `modelTopology` as written in the file. */
  modelTopology: Record<string, unknown>;
  /** `weightsManifest`: groups of weights, each stored in the shards listed in `paths`, in order. */
  weightsManifest: WeightsGroup[];
  /** The whole parsed object (format, generatedBy, convertedBy, signature, userDefinedMetadata, …). */
  raw: Record<string, unknown>;
}

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed model.json and tells its kind: `format` `'layers-model'` or a topology with a
 * Keras `model_config` / `class_name` is a layers model; `format` `'graph-model'` or a topology with
 * a `node` list is a graph model.
 * @throws naming `fn` when the object has no topology, no weights manifest or an unknown format.
 */
export function readModelJson(fn: string, json: unknown): ModelJson {
  if (!isRecord(json)) throw new TypeError(`${fn}: model.json must hold a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  const topology = json.modelTopology;
  if (!isRecord(topology)) throw new TypeError(`${fn}: model.json has no modelTopology object (is it a tfjs model.json?)`);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new TypeError(`${fn}: model.json has no weightsManifest array`);
  manifest.forEach((group, g) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      throw new TypeError(`${fn}: model.json weightsManifest[${g}] must have "paths" and "weights" arrays`);
    group.paths.forEach((p, i) => {
      if (typeof p !== 'string' || p === '') throw new TypeError(`${fn}: model.json weightsManifest[${g}].paths[${i}] must be a non-empty string`);
    });
    group.weights.forEach((w, i) => {
      if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string')
        throw new TypeError(`${fn}: model.json weightsManifest[${g}].weights[${i}] must have a name, a shape and a dtype`);
      if (!w.shape.every((s) => Number.isInteger(s) && (s as number) >= 0))
        throw new TypeError(`${fn}: model.json weight ${w.name} has an invalid shape ${JSON.stringify(w.shape)}`);
    });
  });
  const format = json.format;
  let kind: ModelKind;
  if (format === 'layers-model' || (format === undefined && ('model_config' in topology || 'class_name' in topology))) kind = 'layers-model';
  else if (format === 'graph-model' || (format === undefined && Array.isArray(topology.node))) kind = 'graph-model';
  else throw new TypeError(`${fn}: model.json has format ${JSON.stringify(format)}; expected "layers-model" or "graph-model"`);
  return { kind, modelTopology: topology, weightsManifest: manifest as WeightsGroup[], raw: json };
}

/** Every shard path of the manifest, in manifest order (group by group, path by path). */
export function shardPaths(manifest: readonly WeightsGroup[]): string[] {
  return manifest.flatMap((group) => group.paths);
}
