/**
 * `npm run demo`: the whole product on the bundled demo, offline. Trains nothing: runs a sweep
 * of the demo model (demo/model, trained by scripts/train-demo-model.ts) over the demo cases
 * (demo/data, derived from MRIcron's ch2 by scripts/make-demo-data.ts), then writes the report
 * (HTML, PDF, JSON). Its last line is the HTML report's absolute path.
 *
 * The sweep folder is out/demo (git-ignored); it is started afresh each time (`--resume` would
 * keep finished configurations): the demo's own earlier output is removed first, and only when
 * the folder holds nothing else (a folder with other files is refused, never emptied).
 *
 * Progress goes to stderr from the first second, one line per stage with the time since the
 * start (`[  12.3 s] …`): opening the model, each case, each measured configuration k/N, the report.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src-cli/main';
import type { Io } from '../src-cli/io';
import { isTempName } from '../src-node/fs/atomicWrite';
import { SWEEP_OUTPUTS } from '../src-node/sweep/sweepGuard';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The sweep the demo runs: small enough for two CPU cores in under two minutes. */
export const DEMO_SWEEP = {
  patch: '24',
  overlap: '0,0.25,0.5',
  placement: 'stride',
  blend: 'constant,gaussian,crop,performance-weighted',
  repeats: '2',
};

/**
 * A writer that starts every line with the seconds since `start` (`[  12.3 s] case a`). A status
 * line that a terminal would redraw in place (`\r…`, the sweep's progress bar) becomes a line of
 * its own at most every `everyMs` (and once more, as it ended), so that a long run is never
 * silent yet does not print every window. A partial line waits for its end (`flush` writes it).
 * @param write where the prefixed lines go
 * @param clock milliseconds now (default `performance.now`)
 */
export function elapsedLines(write: (s: string) => void, start: number, clock: () => number = () => performance.now(), everyMs = 3000): { write: (s: string) => void; flush: () => void } {
  let pending = '';
  let status: string | null = null;
  let statusShown = false;
  let last = -Infinity;
  const line = (l: string) => {
    last = clock();
    write(`[${((last - start) / 1000).toFixed(1).padStart(6)} s] ${l}\n`);
  };
  // eslint-disable-next-line no-control-regex
  const clean = (l: string) => l.replace(/\x1b\[K/g, '').trim();
  const endStatus = () => {
    if (status && !statusShown) line(status);
    status = null;
  };
  return {
    write(s) {
      pending += s;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const seg = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (seg.includes('\r')) {
          status = clean(seg.slice(seg.lastIndexOf('\r') + 1));
          statusShown = false;
        }
        if (seg.includes('\r') || seg === '') endStatus();
        else {
          endStatus();
          line(seg);
        }
      }
      if (pending.includes('\r')) {
        const next = clean(pending.slice(pending.lastIndexOf('\r') + 1));
        pending = '';
        if (next !== status) {
          status = next;
          statusShown = false;
        }
        if (!statusShown && clock() - last >= everyMs) {
          line(status);
          statusShown = true;
        }
      }
    },
    flush() {
      endStatus();
      if (pending) line(pending);
      pending = '';
    },
  };
}

/** Runs the demo into `out`; resolves to the exit code. `io` defaults to the process's streams. */
export async function runDemo(out = join(repo, 'out', 'demo'), extra: string[] = [], io?: Io): Promise<number> {
  const start = performance.now();
  const dataDir = join(repo, 'demo', 'data');
  const modelDir = join(repo, 'demo', 'model');
  if (!existsSync(join(dataDir, 'cases.json')) || !existsSync(join(modelDir, 'model.json'))) {
    (io?.err ?? ((m: string) => process.stderr.write(m)))(`demo: the bundled demo is missing (${dataDir}, ${modelDir})\n`);
    return 1;
  }
  const cases = (JSON.parse(readFileSync(join(dataDir, 'cases.json'), 'utf8')) as { cases: { name: string; image: string; label: string }[] }).cases;
  // Only the demo's own earlier output (sweep files, report, folders --force moved aside) is removed.
  const entries = existsSync(out) ? readdirSync(out) : [];
  const ours = (n: string) => SWEEP_OUTPUTS.includes(n) || isTempName(n) || /^replaced-/.test(n);
  const foreign = entries.filter((n) => !ours(n));
  if (foreign.length > 0) {
    (io?.err ?? ((m: string) => process.stderr.write(m)))(`demo: ${out} holds files the demo did not write (${foreign.join(', ')}); it is never emptied: move them or pass another folder\n`);
    return 1;
  }
  for (const n of entries) rmSync(join(out, n), { recursive: true, force: true });
  // Progress lines, each with the time since the start: the sweep draws its terminal status line
  // (pair, run, windows, time left), and elapsedLines turns it into a line every few seconds.
  const stderr = elapsedLines(io?.err ?? ((m: string) => process.stderr.write(m)), start);
  const demoIo: Io = { out: io?.out ?? ((m: string) => process.stdout.write(m)), err: stderr.write, isTTY: true, signal: io?.signal };
  const sweepArgs = ['sweep', '--model', modelDir, '--out', out];
  for (const c of cases) sweepArgs.push('--case', `${c.name}=${join(dataDir, c.image)}:${join(dataDir, c.label)}`);
  for (const [flag, value] of Object.entries(DEMO_SWEEP)) sweepArgs.push(`--${flag}`, value);
  stderr.write(`demo: opening the model ${modelDir} for a sweep over ${cases.length} demo case(s) into ${out}\n`);
  try {
    const code = await main([...sweepArgs, ...extra], demoIo);
    if (code !== 0) return code;
    stderr.write('demo: writing the report (HTML, PDF, JSON)\n');
    return await main(['report', out], demoIo);
  } finally {
    stderr.flush();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDemo().then((code) => {
    process.exitCode = code;
  });
}
