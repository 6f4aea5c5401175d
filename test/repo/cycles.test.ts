import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/sharedData';

/** The cycle check as `npm run check:cycles` runs it (package.json), split into its words. */
const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const words = script['check:cycles'].split(/\s+/);
const depcruise = join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Runs dependency-cruise with `args`; resolves with its exit code and output (a found cycle is a non-zero exit, not a rejection). */
async function cruise(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [depcruise, ...args], { cwd: repoRoot, maxBuffer: 16 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The options of `check:cycles` (everything before its folder list), with the fixtures no longer excluded. */
const fixtureOptions = (): string[] => [...words.slice(1, words.indexOf('--output-type') + 2), '--exclude', '(^|/)node_modules/'];

describe('the cycle check (npm run check:cycles, part of npm test)', () => {
  it('is dependency-cruiser with the repository config, over every code folder, and npm test runs it', () => {
    expect(words.slice(0, 3)).toEqual(['depcruise', '--config', '.dependency-cruiser.cjs']);
    expect(words.slice(5).sort()).toEqual(['bench', 'bin', 'examples', 'scripts', 'shared', 'src-cli', 'src-main', 'src-node', 'src-renderer', 'src-server', 'test']);
    expect(script.test).toContain('npm run check:cycles');
  });

  it('reports each planted cycle with its kind: run-time (.ts and .svelte) and through an import type', async () => {
    const { code, out } = await cruise([...fixtureOptions(), 'test/fixtures/cycles']);
    expect(code).toBe(3);
    expect(out).toMatch(/error no-runtime-cycle: test\/fixtures\/cycles\/runtime\/(left|right)\.ts/);
    expect(out).toMatch(/error no-runtime-cycle: test\/fixtures\/cycles\/svelte\/(Card\.svelte|cardTitle\.ts)/);
    expect(out).toMatch(/error no-type-cycle: test\/fixtures\/cycles\/typeOnly\/(area|shape)\.ts/);
    expect(out).not.toContain('acyclic');
  }, 120_000);

  it('passes on a folder without a cycle', async () => {
    const { code, out } = await cruise([...fixtureOptions(), 'test/fixtures/cycles/acyclic']);
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: expect.stringContaining('no dependency violations found (3 modules, 3 dependencies cruised)') });
  }, 120_000);

  it('passes on the repository', async () => {
    const { code, out } = await cruise(words.slice(1));
    expect(out).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 300_000);
});
