/**
 * Cancellation inside one window (`npm run bench` calls it): brainchop model5_gw_ae on the cpu
 * backend, one whole 128³ pass, then the same pass aborted after its first layer. Prints how long
 * the aborted pass took to reject against the whole pass (test/shared/engine/inference/cancelWithinWindow.slow.test.ts
 * checks that it rejects with the reason and leaks nothing; the times are printed here).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import { prepareModel } from '../shared/engine/prepareModel';
import { readModelFolder } from '../src-node/readModelFolder';

const modelDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'models', 'brainchop', 'model5_gw_ae');
/** The pass: one 128³ window. */
const SIDE = 128;

/** Runs the cancellation line; `emit` prints one JSON object per line. */
export async function cancelBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  if (!existsSync(modelDir)) {
    emit({ bench: 'cancel_within_window', skipped: `needs ${modelDir}` });
    return;
  }
  const p = await prepareModel(await readModelFolder(modelDir), { backend: 'cpu' });
  try {
    const batch = { data: new Float32Array(SIDE ** 3).map((_, i) => (i % 97) / 97), shape: [1, SIDE, SIDE, SIDE, 1] };
    await p.runner.predict(batch, 0); // warm-up
    let t0 = performance.now();
    await p.runner.predict(batch, 0);
    const fullMs = performance.now() - t0;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new Error('cancelled by the bench')), 0);
    t0 = performance.now();
    const outcome = await p.runner.predict(batch, 0, ctl.signal).then(() => 'finished', (e: unknown) => (e instanceof Error ? e.message : String(e)));
    const cancelledMs = performance.now() - t0;
    clearTimeout(timer);
    emit({
      bench: 'cancel_within_window', metric: 'cancelled_ms', value: Math.round(cancelledMs), unit: 'ms',
      full_pass_ms: Math.round(fullMs), fraction_of_full: Math.round((cancelledMs / fullMs) * 1000) / 1000, outcome, backend: 'cpu', window: [SIDE, SIDE, SIDE],
    });
  } finally {
    p.runner.dispose();
  }
}
