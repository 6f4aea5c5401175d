import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ModelArtifacts } from '../shared/engine/model/modelArtifacts';
import { readModelJson, shardPaths } from '../shared/engine/model/modelJson';
import { SIDECAR_FILE } from '../shared/engine/model/sidecar';
import { readJsonFile } from './readJsonFile';

/** Whether `path` exists, and what it is. */
async function kindOf(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** The exact bytes of a Node Buffer / Uint8Array as a standalone ArrayBuffer. */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Reads a tfjs model from disk: `model.json` in the folder `dir` (or `dir` itself when it names a
 * .json file), every weight shard its `weightsManifest` lists (paths relative to model.json's
 * folder, which they may not leave), and the sidecar `patchlens.json` beside it when present.
 * Never touches the network: a shard path that is a URL is an error.
 * @throws naming the function and the path when the folder or model.json is missing, a JSON file
 * is invalid (which one), or a shard is missing (which one).
 */
export async function readModelFolder(dir: string): Promise<ModelArtifacts> {
  const fn = 'readModelFolder';
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`${fn}: dir must be a non-empty path, got ${JSON.stringify(dir)}`);
  const target = resolve(dir);
  const kind = await kindOf(target);
  if (kind === 'missing') throw new Error(`${fn}: ${target} does not exist`);
  const modelJsonPath = kind === 'dir' ? join(target, 'model.json') : target;
  const folder = dirname(modelJsonPath);
  if (kind === 'dir' && (await kindOf(modelJsonPath)) !== 'file') throw new Error(`${fn}: no model.json in ${target}`);

  const modelJson = await readJsonFile(fn, modelJsonPath);
  const json = readModelJson(`${fn}: ${modelJsonPath}`, modelJson.value);
  const files = [basename(modelJsonPath)];
  const weights = new Map<string, ArrayBuffer>();
  for (const path of shardPaths(json.weightsManifest)) {
    if (weights.has(path)) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new Error(`${fn}: weight shard "${path}" in ${modelJsonPath} is a URL; PatchLens reads models from disk only`);
    const file = resolve(folder, path);
    const rel = relative(folder, file);
    if (isAbsolute(path) || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${fn}: weight shard "${path}" in ${modelJsonPath} lies outside the model folder ${folder}`);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT') throw new Error(`${fn}: weight shard "${path}" listed in ${modelJsonPath} is missing (${file})`);
      throw new Error(`${fn}: cannot read weight shard "${path}" (${file}): ${(e as Error).message}`);
    }
    weights.set(path, toArrayBuffer(bytes));
    files.push(path);
  }
  const artifacts: ModelArtifacts = {
    modelJson: modelJson.value,
    modelJsonBytes: modelJson.bytes,
    weights,
    files,
    name: basename(folder),
  };
  const sidecarPath = join(folder, SIDECAR_FILE);
  if ((await kindOf(sidecarPath)) === 'file') {
    artifacts.sidecar = (await readJsonFile(fn, sidecarPath)).value;
    files.push(SIDECAR_FILE);
  }
  return artifacts;
}
