/**
 * Issue 12, items 8 and 9: the CLI refuses what it can see will fail before any work, and every
 * error names the option the user typed. (Item 1, the patch warning, is in patchWarning.slow.test.ts.)
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src-cli/main';
import type { Io } from '../../src-cli/io';
import { repoRoot } from '../helpers/sharedData';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-traps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const demoModel = resolve(repoRoot, 'demo/model');
const demoImage = resolve(repoRoot, 'demo/data/ch2-2mm_t1.nii.gz');
const demoLabel = resolve(repoRoot, 'demo/data/ch2-2mm_brain.nii.gz');

/** Runs the CLI in-process, capturing its output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A regular file: nothing can be created under it, not even by root (tests may run as root). */
const aFile = join(tmp, 'a-file');
writeFileSync(aFile, 'not a folder');

describe('--out is checked before any work (item 8)', () => {
  const cases: [string, string, RegExp][] = [
    // Node's recursive mkdir spun at 100 % CPU under /proc: the run hung after all its work.
    ['/proc/patchlens-test', '/proc/patchlens-test', /is not writable: a file cannot be created in \/proc \(ENOENT: no such file or directory\)$/],
    [join(aFile, 'out'), join(aFile, 'out'), new RegExp(`is not writable: ${aFile} is a file, not a folder$`)],
    [aFile, aFile, /is a file, not a folder$/],
  ];
  for (const [out, shown, why] of cases) {
    it(`infer --out ${out}: exit 2, one line naming --out, nothing read or run`, async () => {
      // The image does not exist: the probe comes first, so the error is about --out.
      const r = await cli('infer', '--image', join(tmp, 'missing.nii.gz'), '--model', demoModel, '--out', out, '--backend', 'cpu');
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith(`patchlens: error: infer: --out ${shown} `)).toBe(true);
      expect(lines[0]).toMatch(why);
    });
  }

  it('sweep --out and report --out are checked the same way, first', async () => {
    const s = await cli('sweep', '--model', join(tmp, 'no-model'), '--case', `${demoImage}:${demoLabel}`, '--out', '/proc/patchlens-test');
    expect(s.code).toBe(2);
    expect(s.err).toBe('patchlens: error: sweep: --out /proc/patchlens-test is not writable: a file cannot be created in /proc (ENOENT: no such file or directory)\n');
    const sweepDir = join(tmp, 'a-sweep');
    mkdirSync(sweepDir);
    const r = await cli('report', sweepDir, '--out', join(aFile, 'report'), '--no-pdf');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`patchlens: error: report: --out ${join(aFile, 'report')} is not writable: ${aFile} is a file, not a folder\n`);
  });
});

describe('errors name what the user typed (item 9)', () => {
  it('no command: the usage on stderr, exit 2', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^Usage: patchlens <command>/);
  });

  it('--backend webgl is a --backend error (Node has no WebGL), exit 2, for infer and sweep', async () => {
    const i = await cli('infer', '--image', demoImage, '--model', demoModel, '--out', join(tmp, 'w'), '--backend', 'webgl');
    expect(i.code).toBe(2);
    expect(i.err).toBe('patchlens: error: infer: --backend must be one of auto, wasm, cpu; got "webgl" (WebGL needs a browser window: Node has none; the app runs webgl)\n');
    const s = await cli('sweep', '--model', demoModel, '--case', `${demoImage}:${demoLabel}`, '--out', join(tmp, 'w'), '--backend', 'webgl');
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/^patchlens: error: sweep: --backend must be one of auto, wasm, cpu; got "webgl"/);
    expect(existsSync(join(tmp, 'w'))).toBe(false);
  });

  it('a backend that cannot start while the model is prepared is a --backend error, not a --model one', async () => {
    const { prepareCliModel } = await import('../../src-cli/inferCommand');
    const { readModelFolder } = await import('../../src-node/readModelFolder');
    const artifacts = await readModelFolder(demoModel);
    // webgl passed as the API allows it (the CLI's parser already refuses it): it was labelled `--model:`.
    await expect(prepareCliModel(artifacts, 'webgl')).rejects.toThrow(/^--backend webgl: the webgl backend cannot start here: /);
  });

  it('infer --help and sweep --help offer only the backends the CLI can run', async () => {
    for (const command of ['infer', 'sweep']) {
      const r = await cli(command, '--help');
      expect(r.out).toMatch(/--backend <b> +auto \| wasm \| cpu \(default auto/);
    }
  });
});

describe('grid mistakes are named by their option', () => {
  it('sweep --patch 24,24x24x24 (the same size twice) is a --patch error, not the grid\'s patchSizes[1]', async () => {
    const r = await cli('sweep', '--model', demoModel, '--case', `${demoImage}:${demoLabel}`, '--out', join(tmp, 'dup'), '--patch', '24,24x24x24');
    expect(r.code).toBe(2);
    expect(r.err).toBe('patchlens: error: sweep: --patch lists a value twice: "24" and "24x24x24"\n');
    const o = await cli('sweep', '--model', demoModel, '--case', `${demoImage}:${demoLabel}`, '--out', join(tmp, 'dup'), '--overlap', '0.5,0.5');
    expect(o.err).toBe('patchlens: error: sweep: --overlap lists a value twice: "0.5" and "0.5"\n');
  });
});
