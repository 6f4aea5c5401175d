/**
 * `npm run demo`: the whole product on the bundled demo, offline. Trains nothing: runs a sweep
 * of the demo model (demo/model, trained by scripts/train-demo-model.ts) over the demo cases
 * (demo/data, derived from MRIcron's ch2 by scripts/make-demo-data.ts), then writes the report
 * (HTML, PDF, JSON). Its last line is the HTML report's absolute path.
 *
 * The sweep folder is out/demo (git-ignored); it is started afresh each time (`--resume` would
 * keep finished configurations): the demo's own earlier output is removed first, and only when
 * the folder holds nothing else (a folder with other files is refused, never emptied).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type Io } from '../src-cli/main';
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

/** Runs the demo into `out`; resolves to the exit code. `io` defaults to the process's streams. */
export async function runDemo(out = join(repo, 'out', 'demo'), extra: string[] = [], io?: Io): Promise<number> {
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
  const sweepArgs = ['sweep', '--model', modelDir, '--out', out, '--quiet'];
  for (const c of cases) sweepArgs.push('--case', `${c.name}=${join(dataDir, c.image)}:${join(dataDir, c.label)}`);
  for (const [flag, value] of Object.entries(DEMO_SWEEP)) sweepArgs.push(`--${flag}`, value);
  const code = await main([...sweepArgs, ...extra], io);
  if (code !== 0) return code;
  return main(['report', out], io);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDemo().then((code) => {
    process.exitCode = code;
  });
}
