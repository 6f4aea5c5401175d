import type { InferenceProgress } from '../shared/engine/inference/runOnGrid';

/**
 * Progress reporting: a redrawn bar on a terminal, plain lines (at most one per 10 % and phase)
 * when the output is a file or a pipe.
 */
export function progressPrinter(write: (s: string) => void, isTTY: boolean): { update: (p: InferenceProgress) => void; done: () => void } {
  let lastPhase = '';
  let lastTenth = -1;
  let drawn = false;
  const eta = (ms: number | null) => (ms === null ? '' : `, about ${Math.ceil(ms / 1000)} s left`);
  return {
    update(p) {
      if (isTTY) {
        const width = 30;
        const filled = p.total > 0 ? Math.round((width * p.done) / p.total) : 0;
        const label = p.phase === 'model' ? `${p.done}/${p.total} windows${eta(p.etaMs)}` : p.phase;
        write(`\r${p.phase.padEnd(11)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${label}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 0;
      if (p.phase === lastPhase && tenth === lastTenth) return;
      lastPhase = p.phase;
      lastTenth = tenth;
      write(p.phase === 'model' ? `model: ${p.done}/${p.total} windows${eta(p.etaMs)}\n` : `${p.phase}\n`);
    },
    done() {
      if (drawn) write('\n');
    },
  };
}
