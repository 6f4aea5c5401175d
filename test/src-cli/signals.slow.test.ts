/**
 * SIGTERM and SIGINT stop `patchlens infer` and `patchlens sweep` (the real command, in a child
 * process) mid-job and while the model is being read: the process exits with 143 / 130, says why,
 * and leaves nothing that looks like a finished output (infer: no --out folder; sweep: only
 * finished pairs, which a rerun keeps). How long each stop took is printed (a speed number, not
 * judged here); a command that ignored the signal would hang until the test's limit.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndStop } from '../helpers/runAndStop';
import { repoRoot } from '../helpers/sharedData';

const demo = (name: string) => join(repoRoot, 'demo', 'data', name);
const work = mkdtempSync(join(tmpdir(), 'patchlens-signals-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('stopping the command line', () => {
  it('SIGTERM mid-inference: exit 143, nothing written to --out', async () => {
    const out = join(work, 'infer-term');
    const r = await runAndStop(
      ['infer', '--image', demo('ch2-2mm_t1.nii.gz'), '--label', demo('ch2-2mm_brain.nii.gz'), '--model', join(repoRoot, 'demo', 'model'), '--out', out, '--patch', '24', '--overlap', '0.75'],
      'SIGTERM',
      /model: \d+\/\d+ windows/,
    );
    console.log(`signals: infer stopped ${r.stopMs.toFixed(0)} ms after SIGTERM`);
    expect(r.stopMs).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('patchlens: SIGTERM: stopping');
    expect(r.stderr).toContain(`interrupted: nothing was written to ${out}`);
    expect(existsSync(out)).toBe(false);
    // Nothing half-written beside it either (the folder is written only once the run finished).
    expect(readdirSync(work).filter((n) => n.includes('infer-term'))).toEqual([]);
  }, 180_000);

  it('SIGINT while the model is being read: exit 130', async () => {
    const out = join(work, 'infer-int');
    // Sent as soon as the command says it is reading its inputs and checking the model (in its
    // worker); a fixed delay after the start would come before the handlers exist on a busy machine.
    const r = await runAndStop(['infer', '--image', demo('ch2-2mm_t1.nii.gz'), '--model', join(repoRoot, 'demo', 'model'), '--out', out], 'SIGINT', /infer: reading .*checking the model/);
    console.log(`signals: infer stopped ${r.stopMs.toFixed(0)} ms after SIGINT; before it: ${JSON.stringify(r.stderr.split('\n')[0])}`);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('patchlens: SIGINT: stopping');
    expect(r.stderr).not.toMatch(/window\(s\) in/);
    expect(existsSync(out)).toBe(false);
  }, 180_000);

  it('SIGTERM mid-sweep keeps the finished pairs, and the same command resumes from them', async () => {
    const out = join(work, 'sweep');
    const args = [
      'sweep', '--model', join(repoRoot, 'demo', 'model'), '--out', out,
      '--case', `a=${demo('ch2-2mm_t1.nii.gz')}:${demo('ch2-2mm_brain.nii.gz')}`,
      '--patch', '24', '--overlap', '0,0.25,0.5', '--blend', 'constant', '--repeats', '1', '--warmup', 'none',
    ];
    const r = await runAndStop(args, 'SIGTERM', /\[1\/\d+\] a /);
    console.log(`signals: sweep stopped ${r.stopMs.toFixed(0)} ms after SIGTERM`);
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/interrupted: \d+ finished pair\(s\) are kept in .*results; run the same command again to resume/);
    const kept = readdirSync(join(out, 'results')).filter((n) => n.endsWith('.json'));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(3);
    // The rerun keeps them and measures the rest.
    const again = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'patchlens.mjs'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${3 - kept.length} pair(s) measured, ${kept.length} kept from before`);
  }, 300_000);
});
