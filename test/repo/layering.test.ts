import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/sharedData';

const eslint = new ESLint({ cwd: repoRoot });

/** The layer table's exports of eslint.config.js (a plain JS file, so typed here by hand). */
interface LayerTable {
  LAYERS: Record<string, { may: string[]; why: string }>;
  forbiddenLayers: (layer: string) => string[];
}
const { LAYERS, forbiddenLayers } = (await import(pathToFileURL(resolve(repoRoot, 'eslint.config.js')).href)) as LayerTable;

/** Lints `code` as if it were the file `path` of the repository; returns the rule ids that fired. */
async function rulesFired(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, path) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('layering lint rules (they fail `npm test`)', () => {
  it.each([
    ["import { app } from 'electron';\nexport const a = app;\n", 'electron'],
    ["import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'node:fs'],
    ["import { join } from 'path';\nexport const j = join;\n", 'bare Node built-in'],
    ["import { x } from '../src-main/thing';\nexport const y = x;\n", 'app code'],
  ])('shared/ may not import %#: %s', async (code, _what) => {
    expect(await rulesFired('shared/bad.ts', code)).toContain('no-restricted-imports');
  });

  it.each([
    ['export const w = window.innerWidth;\n'],
    ['export const d = document.title;\n'],
    ['export const b = Buffer.from([1]);\n'],
    ['export const p = process.env.HOME;\n'],
    ['export const c = new OffscreenCanvas(1, 1);\n'],
  ])('shared/ may not use DOM or Node globals: %s', async (code) => {
    expect(await rulesFired('shared/bad.ts', code)).toContain('no-restricted-globals');
  });

  it('shared/ may use tfjs and plain ES', async () => {
    const code = "import * as tf from '@tensorflow/tfjs-core';\nexport const f = (x: number) => tf.scalar(Math.sqrt(x));\n";
    expect(await rulesFired('shared/ok.ts', code)).toEqual([]);
  });

  it('src-renderer/ may not import src-main/ (TypeScript and Svelte files)', async () => {
    expect(await rulesFired('src-renderer/bad.ts', "import { w } from '../src-main/windowOptions';\nexport const x = w;\n")).toContain(
      'no-restricted-imports',
    );
    const svelte = "<script lang=\"ts\">\n  import { windowOptions } from '../src-main/windowOptions';\n  const o = windowOptions('x');\n</script>\n<p>{o.width}</p>\n";
    expect(await rulesFired('src-renderer/Bad.svelte', svelte)).toContain('no-restricted-imports');
    expect(await rulesFired('src-renderer/ok.ts', "import { patchStarts } from '../shared/index';\nexport const s = patchStarts(4, 2, 0);\n")).toEqual([]);
  });

  it('src-main/ may use Node and electron', async () => {
    expect(await rulesFired('src-main/ok.ts', "import { app } from 'electron';\nimport { join } from 'node:path';\nexport const p = join(app.getAppPath(), 'x');\n")).toEqual([]);
  });
});

/** One row of the layer table in eslint.config.js: a file of the layer, imports that must fail and imports that must pass. */
interface LayerCase {
  file: string;
  fail: string[];
  pass: string[];
}

/** Written out by hand (not derived from the table), so a changed row shows up here. */
const LAYER_CASES: Record<string, LayerCase> = {
  shared: { file: 'shared/sweep/probe.ts', fail: ['../../src-node/readJsonFile', '../../src-renderer/app/fileKinds', '../../src-cli/io', '../../test/helpers/sharedData', 'src-node/readJsonFile'], pass: ['./grid', '../util/validate', '@shared/util/validate'] },
  'src-node': { file: 'src-node/app/probe.ts', fail: ['../../src-main/menu', '../../src-server/socketHub', '../../src-cli/io', '../../src-renderer/app/fileKinds', '../../test/helpers/sharedData', '../../scripts/start'], pass: ['../../shared/index', '../readJsonFile'] },
  'src-main': { file: 'src-main/probe.ts', fail: ['../src-server/socketHub', '../src-cli/io', '../src-renderer/app/fileKinds', '../bin/patchlens.mjs'], pass: ['../src-node/readJsonFile', '../shared/index', './menu'] },
  'src-server': { file: 'src-server/probe.ts', fail: ['../src-main/menu', '../src-cli/io', '../src-renderer/app/fileKinds'], pass: ['../src-node/readJsonFile', '../shared/index', './socketHub'] },
  'src-cli': { file: 'src-cli/probe.ts', fail: ['../src-main/menu', '../src-server/socketHub', '../src-renderer/app/fileKinds', '../src-main'], pass: ['../src-node/readJsonFile', '../shared/index', './io'] },
  'src-renderer': { file: 'src-renderer/app/probe.ts', fail: ['../../src-node/readJsonFile', '../../src-main/menu', '../../src-server/socketHub', '../../src-cli/io'], pass: ['../../shared/index', '@shared/util/validate', './fileKinds'] },
  bin: { file: 'bin/probe.mjs', fail: ['../src-main/index.ts', '../src-server/main.ts', '../src-renderer/main.ts'], pass: ['../src-cli/main.ts', '../src-node/readJsonFile.ts', '../shared/index.ts'] },
  examples: { file: 'examples/probe.ts', fail: ['../src-cli/main', '../src-main/menu', '../src-renderer/app/fileKinds'], pass: ['../src-node/readJsonFile', '../shared/index'] },
  scripts: { file: 'scripts/fuzz/probe.ts', fail: ['../../src-main/menu', '../../src-renderer/app/fileKinds', '../../test/helpers/sharedData'], pass: ['../../src-cli/main', '../../src-server/socketHub', '../../src-node/readJsonFile', '../../shared/index'] },
  bench: { file: 'bench/probe.ts', fail: ['../src-cli/main', '../src-main/menu', '../src-renderer/app/fileKinds', '../scripts/start'], pass: ['../test/e2e/appPage', '../src-node/readJsonFile', '../shared/index'] },
  // test/ may import every layer: nothing of the table fails there.
  test: { file: 'test/probe.test.ts', fail: [], pass: ['../shared/index', '../src-node/readJsonFile', '../src-main/menu', '../src-server/socketHub', '../src-cli/io', '../src-renderer/app/fileKinds', '../scripts/start', '../bench/run', '../bin/patchlens.mjs', '../examples/core-example'] },
};

/** A file that imports `from` and uses what it imported (so that only the layer rule can fire). */
const importing = (from: string, typeOnly = false): string =>
  `import ${typeOnly ? 'type ' : ''}* as m from '${from}';\nexport ${typeOnly ? 'type M = typeof m' : 'const n = m'};\n`;

describe('the layer table (eslint.config.js) holds for every row', () => {
  it('every row of the table has its cases here, and every other row forbids what the table forbids', () => {
    expect(Object.keys(LAYER_CASES).sort()).toEqual(Object.keys(LAYERS).sort());
    expect(forbiddenLayers('shared')).toEqual(['src-node', 'src-main', 'src-server', 'src-cli', 'src-renderer', 'bin', 'examples', 'scripts', 'bench', 'test']);
    expect(forbiddenLayers('src-renderer')).toEqual(['src-node', 'src-main', 'src-server', 'src-cli', 'bin', 'examples', 'scripts', 'bench', 'test']);
    expect(forbiddenLayers('test')).toEqual([]);
    expect(() => forbiddenLayers('docs')).toThrow(/forbiddenLayers: 'docs' is not a folder/);
  });

  describe.each(Object.entries(LAYER_CASES))('%s/', (layer, { file, fail, pass }) => {
    it.each(fail.flatMap((from) => [[from, false], [from, true]] as const))(`may not import %s (type-only: %s)`, async (from, typeOnly) => {
      expect(await rulesFired(file, importing(from, typeOnly))).toEqual(['no-restricted-imports']);
    });
    it.each(pass)('may import %s', async (from) => {
      expect(await rulesFired(file, importing(from))).toEqual([]);
    });
    it('names the layer table in its message', async () => {
      if (!fail.length) return;
      const [result] = await eslint.lintText(importing(fail[0]), { filePath: resolve(repoRoot, file) });
      expect(result.messages[0].message).toContain(`${layer}/ may import`);
      expect(result.messages[0].message).toContain('layer table in eslint.config.js');
    });
  });

  it("a type written as import('…').T follows the table too", async () => {
    expect(await rulesFired('src-renderer/app/probe.ts', "export type R = import('../../src-node/readJsonFile').JsonFile;\n")).toEqual(['no-restricted-syntax']);
    expect(await rulesFired('src-renderer/app/probe.ts', "export type S = import('../../shared/index').BlendMode;\n")).toEqual([]);
  });

  it('a Svelte component of src-renderer/ may not import src-node/ either', async () => {
    const svelte = "<script lang=\"ts\">\n  import { readJsonFile } from '../../src-node/readJsonFile';\n  const r = readJsonFile;\n</script>\n<p>{String(r)}</p>\n";
    expect(await rulesFired('src-renderer/app/Bad.svelte', svelte)).toEqual(['no-restricted-imports']);
  });
});
