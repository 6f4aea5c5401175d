import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, resolveSpec } from '../../../../shared/engine/model/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { brainchopDir, copyModel, tempDir, useCpu } from './modelFixtures';

beforeAll(useCpu);

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function copy(name = 'model5_gw_ae'): string {
  const t = copyModel(name);
  cleanups.push(t.cleanup);
  return t.dir;
}
function empty(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A valid sidecar for model5_gw_ae (3 classes). */
const SIDECAR = {
  name: 'tissue',
  normalization: { kind: 'min-max' },
  outputActivation: 'logits-softmax',
  classes: [
    { name: 'background', color: [0, 0, 0] },
    { name: 'white matter', color: [255, 255, 255] },
    { name: 'grey matter', color: [205, 62, 78] },
  ],
};

describe('readModelFolder', () => {
  it('reads model.json, its shards and the sidecar; a path to model.json works too', async () => {
    const a = await readModelFolder(brainchopDir('model5_gw_ae'));
    expect(a.files).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(a.weights.get('group1-shard1of1.bin')!.byteLength).toBe(22392);
    expect(a.modelJsonBytes!.byteLength).toBe(readFileSync(join(brainchopDir('model5_gw_ae'), 'model.json')).byteLength);
    expect(a.sidecar).toBeUndefined();
    expect(a.name).toBe('model5_gw_ae');
    const b = await readModelFolder(join(brainchopDir('model5_gw_ae'), 'model.json'));
    expect([...b.weights.keys()]).toEqual(['group1-shard1of1.bin']);
    const dir = copy();
    writeFileSync(join(dir, 'patchlens.json'), JSON.stringify(SIDECAR));
    const c = await readModelFolder(dir);
    expect(c.files).toContain('patchlens.json');
    expect(c.sidecar).toEqual(SIDECAR);
  });

  it('a missing folder, a folder without model.json, broken JSON (naming the file)', async () => {
    await expect(readModelFolder('/nonexistent/patchlens/model')).rejects.toThrow(/^readModelFolder: \/nonexistent\/patchlens\/model does not exist/);
    const dir = empty();
    await expect(readModelFolder(dir)).rejects.toThrow(/^readModelFolder: no model.json in /);
    writeFileSync(join(dir, 'model.json'), '{ "format": "layers-model", ');
    await expect(readModelFolder(dir)).rejects.toThrow(/^readModelFolder: .*model\.json is not valid JSON/);
    writeFileSync(join(dir, 'model.json'), '{}');
    await expect(readModelFolder(dir)).rejects.toThrow(/model\.json has no modelTopology/);
    const m5 = copy();
    writeFileSync(join(m5, 'patchlens.json'), '{ "name": "x", }');
    await expect(readModelFolder(m5)).rejects.toThrow(/^readModelFolder: .*patchlens\.json is not valid JSON/);
  });

  it('a missing shard is named, in the folder and in memory', async () => {
    const dir = copy();
    rmSync(join(dir, 'group1-shard1of1.bin'));
    await expect(readModelFolder(dir)).rejects.toThrow(/^readModelFolder: weight shard "group1-shard1of1.bin" listed in .*model\.json is missing/);
    const a = await readModelFolder(brainchopDir('model5_gw_ae'));
    a.weights.clear();
    await expect(loadModel(a)).rejects.toThrow(/^loadModel: weight shard "group1-shard1of1.bin" listed in model.json's weightsManifest is missing/);
  });

  it('shard paths may not leave the folder or be URLs (no network, ever)', async () => {
    for (const [path, message] of [
      ['../elsewhere.bin', /lies outside the model folder/],
      ['/etc/passwd', /lies outside the model folder/],
      ['https://example.org/w.bin', /is a URL; PatchLens reads models from disk only/],
    ] as const) {
      const dir = copy();
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      json.weightsManifest[0].paths = [path];
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      await expect(readModelFolder(dir)).rejects.toThrow(message);
    }
  });

  it('a truncated shard is a clear error naming the file and both sizes', async () => {
    const dir = copy();
    truncateSync(join(dir, 'group1-shard1of1.bin'), 22388);
    const a = await readModelFolder(dir);
    await expect(loadModel(a)).rejects.toThrow(
      /^loadModel: weight shard "group1-shard1of1.bin" \(22388 bytes\) holds 22388 bytes, but the 20 weights model.json lists for it need 22392/,
    );
  });
});

describe('the sidecar patchlens.json', () => {
  it('declares the spec (source "sidecar"), completed from model.json', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'patchlens.json'), JSON.stringify({ ...SIDECAR, crop: { threshold: 0, padding: 18 }, largestComponent: true }));
    const spec = resolveSpec(await readModelFolder(dir));
    expect(spec).toMatchObject({ name: 'tissue', source: 'sidecar', channels: 1, receptiveField: [93, 93, 93], translationEquivariant: true, crop: { threshold: 0, padding: 18 } });
    expect(spec.classes[2].name).toBe('grey matter');
    expect(spec.assumptions).toEqual([]);
  });

  it('unknown keys are errors that list the key, at any depth', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'patchlens.json'), JSON.stringify({ ...SIDECAR, colour: 'red' }));
    await expect(loadModel(await readModelFolder(dir))).rejects.toThrow(/^loadModel: patchlens\.json is invalid: unknown key "colour" \(allowed: name, sha256, /);
    const classes = SIDECAR.classes.map((c, i) => (i === 1 ? { ...c, colour: [1, 2, 3] } : c));
    expect(() => resolveSpec({ ...readSync(dir), sidecar: { ...SIDECAR, classes } })).toThrow(/unknown key "classes\[1\]\.colour" \(allowed in classes\[1\]: name, color\)/);
    expect(() => resolveSpec({ ...readSync(dir), sidecar: { ...SIDECAR, crop: { threshold: 0, padding: 1, margin: 2 } } })).toThrow(/unknown key "crop\.margin"/);
  });

  it('wrong types and missing keys are errors naming every key at once', () => {
    const a = readSync(brainchopDir('model5_gw_ae'));
    const bad = { ...SIDECAR, channels: '1', crop: { threshold: 2, padding: -1 }, orientation: 'LLA', translationEquivariant: 'yes' } as Record<string, unknown>;
    delete bad.normalization;
    let message = '';
    try {
      resolveSpec({ ...a, sidecar: bad });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^resolveSpec: patchlens\.json is invalid: /);
    for (const part of [
      'missing required key "normalization"',
      'channels must be a positive integer, got "1"',
      'crop.threshold must be a number in [0, 1], got 2',
      'crop.padding must be a non-negative integer, got -1',
      'orientation must be three axis codes',
      'translationEquivariant must be true or false, got "yes"',
    ])
      expect(message).toContain(part);
    expect(() => resolveSpec({ ...a, sidecar: { ...SIDECAR, outputActivation: 'probabilities' } })).toThrow(/outputActivation must be one of "softmax", /);
    expect(() => resolveSpec({ ...a, sidecar: { ...SIDECAR, normalization: { kind: 'quantile', lo: 0.9, hi: 0.1 } } })).toThrow(/normalization "quantile" needs numbers 0 ≤ lo < hi ≤ 1/);
    expect(() => resolveSpec({ ...a, sidecar: [] })).toThrow(/^resolveSpec: patchlens\.json must hold a JSON object/);
  });

  it('must fit the model: classes, channels, pinned sha256', () => {
    const a = readSync(brainchopDir('model5_gw_ae'));
    expect(() => resolveSpec({ ...a, sidecar: { ...SIDECAR, classes: SIDECAR.classes.slice(0, 2) } })).toThrow(/lists 2 class\(es\) but the model outputs 3 channel\(s\)/);
    expect(() => resolveSpec({ ...a, sidecar: { ...SIDECAR, channels: 2 } })).toThrow(/declares 2 input channel\(s\) but model.json's input has 1/);
    expect(() => resolveSpec({ ...a, sidecar: { ...SIDECAR, sha256: '0'.repeat(64) } })).toThrow(/is for the model with sha256 0000.* but these files hash to 5c7bf00e/);
    expect(resolveSpec({ ...a, sidecar: { ...SIDECAR, sha256: '5c7bf00e6f8718b75512618a4f948f185aaff8cdbf3830757910c59785ef843d' } }).source).toBe('sidecar');
    expect(() => resolveSpec({ ...a, sidecar: { ...SIDECAR, instanceNorm: { layerSuffix: '_gn', epsilon: 1e-5 }, translationEquivariant: true } })).toThrow(/contradict each other/);
  });

  it('the complete example of docs/model-sidecar.md is valid for mindgrab', () => {
    const doc = readFileSync(new URL('../../../../docs/model-sidecar.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)![1];
    const spec = resolveSpec({ ...readSync(brainchopDir('mindgrab')), sidecar: JSON.parse(example) });
    expect(spec.source).toBe('sidecar');
    expect(spec.translationEquivariant).toBe(false);
    expect(spec.instanceNorm).toEqual({ layerSuffix: '_gn', epsilon: 1e-5 });
    const keys = Object.keys(JSON.parse(example));
    for (const key of ['name', 'sha256', 'orientation', 'voxelSize', 'conform', 'crop', 'normalization', 'channels', 'outputActivation', 'classes', 'trainedPatchSize', 'receptiveField', 'translationEquivariant', 'largestComponent', 'instanceNorm', 'notes'])
      expect(keys, `the example shows ${key}`).toContain(key);
  });
});

/** Reads a model folder synchronously (test convenience: same result as readModelFolder, no sidecar). */
function readSync(dir: string) {
  const modelJsonBytes = readFileSync(join(dir, 'model.json'));
  const modelJson = JSON.parse(modelJsonBytes.toString('utf8'));
  const weights = new Map<string, ArrayBuffer>();
  for (const g of modelJson.weightsManifest) for (const p of g.paths) weights.set(p, new Uint8Array(readFileSync(join(dir, p))).buffer);
  return { modelJson, modelJsonBytes: new Uint8Array(modelJsonBytes), weights };
}
