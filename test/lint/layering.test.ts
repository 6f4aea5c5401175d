import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { repoRoot } from '../helpers/sharedData';

const eslint = new ESLint({ cwd: repoRoot });

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
