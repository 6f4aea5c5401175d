import type { ModelSpec } from '../modelSpec';
import { inferSpec } from './inferSpec';
import { KNOWN_MODELS, knownSpec, type KnownModel } from './knownModels';
import type { ModelArtifacts } from './modelArtifacts';
import { modelFacts } from './modelFacts';
import { modelHash, type ModelHash } from './modelHash';
import { readModelJson } from './modelJson';
import { parseSidecar, SIDECAR_FILE } from './sidecar';
import { sidecarSpec } from './sidecarSpec';

/** Options of {@link resolveSpec}. */
export interface ResolveSpecOptions {
  /** The artifacts' hash when already computed (saves hashing the files twice). */
  hash?: ModelHash;
  /** Function name for error messages (default `resolveSpec`). */
  fn?: string;
}

/** The known model whose files hash like these: by the full hash, or by the shards when model.json's bytes were not available. */
export function findKnownModel(hash: ModelHash): { model: KnownModel; byShardsOnly: boolean } | undefined {
  const exact = KNOWN_MODELS.find((m) => m.sha256 === hash.sha256);
  if (exact) return { model: exact, byShardsOnly: false };
  if (hash.modelJsonFromBytes) return undefined;
  const shards = hash.files.slice(1);
  const byShards = KNOWN_MODELS.find(
    (m) => shards.length > 0 && shards.length === Object.keys(m.files).length - 1 && shards.every((f) => m.files[f.path] === f.sha256),
  );
  return byShards ? { model: byShards, byShardsOnly: true } : undefined;
}

/**
 * What the model needs from its input and what its output means, from (in this order):
 * 1. the sidecar `patchlens.json` beside model.json (`artifacts.sidecar`), validated strictly
 *    (docs/model-sidecar.md), completed from model.json (`source: 'sidecar'`);
 * 2. the table of well-known models, recognised by {@link modelHash} (`source: 'known-model'`);
 * 3. model.json alone (`source: 'inferred'`), every guess listed in `assumptions`.
 * @throws naming the function when model.json or the sidecar is invalid, a shard is missing, or
 * the sidecar pins another `sha256` than the files have.
 */
export function resolveSpec(artifacts: ModelArtifacts, options: ResolveSpecOptions = {}): ModelSpec {
  const fn = options.fn ?? 'resolveSpec';
  const json = readModelJson(fn, artifacts.modelJson);
  const facts = modelFacts(fn, json);
  if (artifacts.sidecar !== undefined) {
    const sidecar = parseSidecar(fn, artifacts.sidecar);
    if (sidecar.sha256 !== undefined) {
      const hash = options.hash ?? modelHash(artifacts, fn);
      if (hash.sha256 !== sidecar.sha256)
        throw new Error(`${fn}: ${SIDECAR_FILE} is for the model with sha256 ${sidecar.sha256}, but these files hash to ${hash.sha256}`);
    }
    return sidecarSpec(fn, sidecar, facts, artifacts.name);
  }
  const hash = options.hash ?? modelHash(artifacts, fn);
  const known = findKnownModel(hash);
  if (known) {
    const spec = knownSpec(known.model);
    if (known.byShardsOnly)
      spec.assumptions.push('recognised by its weight shards only: model.json was given parsed, without its bytes, so its own hash could not be checked');
    return spec;
  }
  return inferSpec(fn, facts, artifacts.name);
}
