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

/** A file whose one import is `import('from')`. */
const loading = (from: string): string => `export const load = () => import('${from}');\n`;

describe('the layer table holds for import() too (no-restricted-imports sees static imports only)', () => {
  it.each([
    ['shared/sweep/probe.ts', '../../src-node/readJsonFile'],
    ['src-renderer/app/probe.ts', '../../src-node/readJsonFile'],
    ['src-cli/probe.ts', '../src-main/menu'],
    ['src-server/probe.ts', '../src-cli/io'],
    ['bin/probe.mjs', '../src-server/main.ts'],
  ])('%s may not import(%s)', async (file, from) => {
    expect(await rulesFired(file, loading(from))).toEqual(['no-restricted-syntax']);
  });

  it('names the layer table in its message', async () => {
    const [result] = await eslint.lintText(loading('../src-main/menu'), { filePath: resolve(repoRoot, 'src-cli/probe.ts') });
    expect(result.messages[0].message).toBe(
      'src-cli/ may import src-node/, shared/ only, not src-main/: the CLI is one face: it uses src-node/ and shared/, never another face (layer table in eslint.config.js).',
    );
  });

  it.each([
    ['src-cli/probe.ts', '../src-node/report/writeReport'],
    ['src-server/probe.ts', '../src-node/app/createServiceHost'],
    ['bin/probe.mjs', '../src-cli/main.ts'],
    ['src-cli/probe.ts', './inferCommand'],
    ['test/probe.test.ts', '../src-main/menu'],
  ])('%s may import(%s)', async (file, from) => {
    expect(await rulesFired(file, loading(from))).toEqual([]);
  });
});
