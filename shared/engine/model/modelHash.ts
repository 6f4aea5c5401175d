import { sha256Hex } from '../../util/sha256';
import type { ModelArtifacts } from './modelArtifacts';
import { readModelJson, shardPaths } from './modelJson';
import { utf8Bytes } from './utf8';

/** The SHA-256 of one model file. */
export interface FileHash {
  /** `model.json`, or a shard's path as written in the weights manifest. */
  path: string;
  /** SHA-256 of the file's bytes, 64 lowercase hex digits. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
}

/** Identity of a model: one hash over all its files, plus each file's own hash. */
export interface ModelHash {
  /**
   * SHA-256 of the `sha256sum` listing of the model's files: for model.json and then every
   * weight shard in manifest order (group by group, path by path), the line
   * `<sha256 of the file>␠␠<path>\n` (two spaces; model.json is always listed as `model.json`,
   * shards by their manifest path); the hash is the SHA-256 of the concatenated lines (UTF-8).
   * In a model folder it is therefore `sha256sum model.json <shards…> | sha256sum`.
   */
  sha256: string;
  /** The lines' entries: model.json first, then the shards in manifest order. */
  files: FileHash[];
  /**
   * Whether model.json was hashed from its file bytes (`ModelArtifacts.modelJsonBytes`); false
   * when only the parsed JSON was available and `JSON.stringify(modelJson)` was hashed instead.
   */
  modelJsonFromBytes: boolean;
}

/**
 * Hashes a model's files (see {@link ModelHash.sha256} for the exact definition).
 * @throws naming `fn` and the file when a shard listed in the manifest is missing.
 */
export function modelHash(artifacts: ModelArtifacts, fn = 'modelHash'): ModelHash {
  const json = readModelJson(fn, artifacts.modelJson);
  const fromBytes = artifacts.modelJsonBytes !== undefined;
  const jsonBytes = artifacts.modelJsonBytes ?? utf8Bytes(JSON.stringify(artifacts.modelJson));
  const files: FileHash[] = [{ path: 'model.json', sha256: sha256Hex(jsonBytes), bytes: jsonBytes.byteLength }];
  for (const path of shardPaths(json.weightsManifest)) {
    const data = artifacts.weights.get(path);
    if (data === undefined) throw new Error(`${fn}: weight shard "${path}" listed in model.json's weightsManifest is missing`);
    files.push({ path, sha256: sha256Hex(data), bytes: data.byteLength });
  }
  return { sha256: listingHash(files), files, modelJsonFromBytes: fromBytes };
}

/** SHA-256 of the `sha256sum`-style listing of `files`. */
export function listingHash(files: readonly FileHash[]): string {
  return sha256Hex(utf8Bytes(files.map((f) => `${f.sha256}  ${f.path}\n`).join('')));
}
