/** `npm run demo`'s progress (scripts/demo.ts elapsedLines): a line per stage with the time since the start, from the first second. */
import { describe, expect, it } from 'vitest';
import { elapsedLines } from '../../scripts/demo';

describe('elapsedLines', () => {
  it('prefixes each line with the seconds since the start; a partial line waits for its end', () => {
    let t = 0;
    const got: string[] = [];
    const w = elapsedLines((s) => got.push(s), 0, () => t);
    w.write('demo: opening the model\nsweep: 12 conf');
    t = 1500;
    w.write('iguration(s)\n');
    expect(got).toEqual(['[   0.0 s] demo: opening the model\n', '[   1.5 s] sweep: 12 configuration(s)\n']);
  });

  it('a redrawn status line (\\r…) becomes a line at most every 3 s, and once more as it ends', () => {
    let t = 0;
    const got: string[] = [];
    const w = elapsedLines((s) => got.push(s), 0, () => t);
    w.write('sweep: 24 pair(s)\n'); // t = 0
    t = 1000;
    w.write('\rsweep [----] 0/24 a p24 · warmup · 10/441 windows\x1b[K'); // too soon after the last line
    t = 3100;
    w.write('\rsweep [----] 0/24 a p24 · warmup · 90/441 windows\x1b[K');
    t = 4000;
    w.write('\rsweep [#---] 1/24 a p24 · saved\x1b[K');
    t = 5000;
    w.write('\n'); // the status line ends: its last state is shown
    w.write('sweep: 24 pair(s) measured\n');
    expect(got).toEqual([
      '[   0.0 s] sweep: 24 pair(s)\n',
      '[   3.1 s] sweep [----] 0/24 a p24 · warmup · 90/441 windows\n',
      '[   5.0 s] sweep [#---] 1/24 a p24 · saved\n',
      '[   5.0 s] sweep: 24 pair(s) measured\n',
    ]);
  });

  it('flush writes what is left', () => {
    const got: string[] = [];
    const w = elapsedLines((s) => got.push(s), 0, () => 2000);
    w.write('no newline');
    w.flush();
    expect(got).toEqual(['[   2.0 s] no newline\n']);
  });
});
