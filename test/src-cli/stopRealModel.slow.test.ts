/**
 * SIGINT stops `patchlens infer` with a real model mid-run (brainchop model5 on the MRIcron ch2
 * image at patch 64, the README's example, on the cpu backend). Before: this command never ran
 * its SIGINT/SIGTERM handlers (the engine yielded to Node's event loop with a zero-delay timer,
 * and the loop never read the signal; the demo model and `--measure absoluteError` did stop), so
 * it ran on to the end or until SIGKILL. Now the engine yields with setImmediate.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndStop } from '../helpers/runAndStop';
import { sharedDir } from '../helpers/sharedData';

const work = mkdtempSync(join(tmpdir(), 'patchlens-stop-model5-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('stopping a real model', () => {
  it('SIGINT after the first model5 windows at patch 64: exit 130, nothing written', async () => {
    const out = join(work, 'ch2-p64');
    const args = [
      'infer', '--image', resolve(sharedDir, 'data/mricron/ch2.nii.gz'), '--label', resolve(sharedDir, 'data/mricron/ch2bet.nii.gz'),
      '--model', resolve(sharedDir, 'models/brainchop/model5_gw_ae'), '--out', out, '--patch', '64', '--backend', 'cpu',
    ];
    // The whole run takes minutes; the limit only ends a command that ignored the signal.
    const r = await runAndStop(args, 'SIGINT', /model: 1\/\d+ windows/, 150_000);
    console.log(`stopRealModel: model5 infer stopped ${r.stopMs.toFixed(0)} ms after SIGINT`);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('patch 64 < receptive field 93 on every axis');
    expect(r.stderr).toContain('patchlens: SIGINT: stopping');
    expect(r.stderr).toContain(`interrupted: nothing was written to ${out}`);
    expect(existsSync(out)).toBe(false);
  }, 200_000);
});
