/**
 * A tfjs model as files in memory: what `readModelFolder` (Node) returns and what `loadModel`,
 * `modelHash` and `resolveSpec` take. Platform-free: a renderer or a Worker can build one from
 * fetched files just as well.
 */
export interface ModelArtifacts {
  /** Parsed model.json (tfjs `layers-model` or `graph-model`). */
  modelJson: unknown;
  /** Weight shards by their path as written in model.json's `weightsManifest` → the shard's bytes. */
  weights: Map<string, ArrayBuffer>;
  /** Parsed `patchlens.json` beside model.json, when there is one (see docs/model-sidecar.md). */
  sidecar?: unknown;
  /** Names of the files the artifacts were read from (for messages and provenance). */
  files?: string[];
  /**
   * The bytes of model.json exactly as read. `modelHash` hashes these; without them it hashes
   * the UTF-8 of `JSON.stringify(modelJson)`, which differs from the file's own hash (a known
   * model is then recognised by its weight shards alone, and the spec says so).
   */
  modelJsonBytes?: Uint8Array;
  /** A name for the model when the sidecar gives none (e.g. the folder's name). */
  name?: string;
}
