/**
 * `npm run fuzz -- [--seconds N] [--seed S] [--target name …] [--out dir] [--cases N] [--case-ms N] [--no-fixed]`
 * `npm run fuzz -- --replay out/fuzz/<file>`
 *
 * Fuzzes the NIfTI reader, the gunzip under it, model loading, the CLI's argument parsers and
 * the transport's frames and argument validators, and prints one JSON line per fixed case and
 * one per target with its counts (see `campaign.ts`). Exit code 0 when nothing crashed, hung or
 * returned garbage and every fixed case ended as expected, 1 otherwise, 2 for a usage error.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign';
import { CaseRunner } from './caseRunner';
import { loadCorpus, REPO_ROOT } from './corpus';
import { readRepro } from './repro';
import { TARGETS, type TargetName } from './types';

const HELP = `Usage: npm run fuzz -- [options]
  --seconds <n>     seconds of random cases per target (default 60; with --cases, whichever ends first)
  --cases <n>       most random cases per target
  --seed <s>        campaign seed, a 32-bit integer (default 1)
  --target <name>   ${TARGETS.join(' | ')} (repeatable; default all)
  --out <dir>       where crashes, hangs and garbage are written (default out/fuzz)
  --case-ms <n>     time limit of one case in ms (default 10000)
  --no-fixed        skip the fixed cases (the issue's reproductions)
  --replay <file>   run one written case again and print its verdict and stack
`;

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\n${HELP}`);
  process.exit(2);
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) usage(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        seconds: { type: 'string' },
        cases: { type: 'string' },
        seed: { type: 'string' },
        target: { type: 'string', multiple: true },
        out: { type: 'string' },
        'case-ms': { type: 'string' },
        'no-fixed': { type: 'boolean' },
        replay: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    usage((e as Error).message.split('\n')[0]);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const caseMs = integer('case-ms', v['case-ms'], 10_000, 100, 600_000);
  if (v.replay) {
    const repro = readRepro(resolve(v.replay));
    const c = repro.fuzzCase;
    const runner = new CaseRunner([c.target], { caseMs });
    try {
      const verdict = await runner.run(c);
      const { stack, ...rest } = verdict;
      process.stdout.write(`${JSON.stringify({ replay: v.replay, target: c.target, seed: c.seed, case: c.index, name: c.name, was: repro.verdict.outcome, ...rest })}\n`);
      if (stack) process.stderr.write(`${stack}\n`);
      return verdict.outcome === 'clean' || verdict.outcome === 'accepted' ? 0 : 1;
    } finally {
      await runner.close();
    }
  }
  const targets = (v.target ?? [...TARGETS]).map((t) => (TARGETS as readonly string[]).includes(t) ? (t as TargetName) : usage(`unknown --target ${JSON.stringify(t)}`));
  const seconds = v.seconds === undefined ? undefined : integer('seconds', v.seconds, 60, 0, 86_400);
  const cases = v.cases === undefined ? undefined : integer('cases', v.cases, 0, 0, 1e9);
  const seed = integer('seed', v.seed, 1, 0, 2 ** 32 - 1);
  const { summaries, fixed } = await runCampaign(loadCorpus(), {
    seed,
    targets,
    seconds,
    cases,
    outDir: resolve(REPO_ROOT, v.out ?? 'out/fuzz'),
    caseMs,
    fixed: v['no-fixed'] !== true,
    onLine: (line) => process.stdout.write(`${line}\n`),
    onError: (message) => process.stderr.write(`${message}\n`),
  });
  const bad = summaries.some((s) => s.crashes + s.hangs + s.garbage > 0) || fixed.some((f) => !f.pass);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
