// Helpers of the malformed-model tests: edited copies of real model folders and artifacts.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelArtifacts } from '../../../../shared/engine/model/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { repoRoot } from '../../../helpers/sharedData';
import { brainchopDir, tempDir } from './modelFixtures';

/** model.json as the tests edit it (loosely typed on purpose: the tests break it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawModelJson = any;

/** The demo model's folder (committed: demo/model). */
export const DEMO_MODEL = join(repoRoot, 'demo', 'model');

/** The layer list of a Keras model.json (Functional `model_config.config.layers`, or `config.layers`). */
export function layersOf(json: RawModelJson): RawModelJson[] {
  const mc = json.modelTopology.model_config ?? json.modelTopology;
  return mc.config.layers;
}

/** The weights of the first manifest group. */
export function weightsOf(json: RawModelJson): { name: string; shape: number[]; dtype: string; quantization?: Record<string, unknown> }[] {
  return json.weightsManifest[0].weights;
}

/**
 * A temp copy of a model folder (`demo` or a brainchop model) with model.json edited by `edit`;
 * the cleanup goes into `cleanups`.
 */
export function editedFolder(model: 'demo' | 'model5_gw_ae', edit: (json: RawModelJson) => void, cleanups: (() => void)[]): string {
  const t = tempDir('patchlens-malformed-');
  cleanups.push(t.cleanup);
  cpSync(model === 'demo' ? DEMO_MODEL : brainchopDir(model), t.dir, { recursive: true });
  const path = join(t.dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  return t.dir;
}

/** model5_gw_ae's artifacts with model.json edited by `edit` (and the weights by `editWeights`), in memory. */
export async function editedArtifacts(edit: (json: RawModelJson) => void, editWeights?: (shard: Float32Array) => void): Promise<ModelArtifacts> {
  const a = await readModelFolder(brainchopDir('model5_gw_ae'));
  edit(a.modelJson);
  delete a.modelJsonBytes; // the bytes read no longer match the edited object
  if (editWeights) editWeights(new Float32Array(a.weights.get('group1-shard1of1.bin')!));
  return a;
}

/** Makes layer `from` of a layer list read layer `to` (by name). */
export function rewire(layers: RawModelJson[], from: number, to: string): void {
  layers[from].inbound_nodes = [[[to, 0, 0, {}]]];
}
