/**
 * A fuzz campaign: for each target, its fixed cases (the reproductions) and then random
 * cases until the target's time or case budget is spent, each run in the worker (`CaseRunner`);
 * counts per target, and every crash, hang, garbage result and suspect written out for replay.
 */
import type { Corpus } from './corpus';
import { CaseRunner } from './caseRunner';
import { fixedCases, type FixedCase } from './fixedCases';
import { GENERATORS } from './generators';
import { writeRepro } from './repro';
import { caseSeed, rngFrom } from './rng';
import type { FuzzCase, TargetName, TimedVerdict } from './types';

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  seed: number;
  targets: readonly TargetName[];
  /** Seconds of random cases per target (default 60 when `cases` is not given either). */
  seconds?: number;
  /** Most random cases per target, or per target by name (a deterministic budget, for tests); with `seconds`, whichever ends first. */
  cases?: number | Partial<Record<TargetName, number>>;
  /** Where findings are written (null: nowhere). */
  outDir: string | null;
  /** Time limit of one case, ms. */
  caseMs: number;
  /** Whether to run the fixed cases first (default true). */
  fixed?: boolean;
  /** Receives each output line (JSON) as it is made. */
  onLine?: (line: string) => void;
  /** Receives problems of the fuzzer itself (a generator that threw). */
  onError?: (message: string) => void;
}

/** The counts of one target (one output line). */
export interface TargetSummary {
  fuzz: TargetName;
  seed: number;
  seconds: number | null;
  cases: number;
  clean: number;
  accepted: number;
  crashes: number;
  hangs: number;
  garbage: number;
  /** Clean refusals of files the oracle would accept (looked at, not failures). */
  suspects: number;
  /** Fixed cases run and those that did not end as expected. */
  fixed: number;
  fixedFailed: string[];
  elapsedS: number;
  /** Reproduction files written. */
  findings: string[];
}

/** One fixed case's result (one output line). */
export interface FixedResult {
  fixed: string;
  target: TargetName;
  pass: boolean;
  outcome: TimedVerdict['outcome'];
  expected: string;
  ms: number;
  message: string;
  stats?: Record<string, number>;
}

/** Why a fixed case's verdict is not what it expects (null when it is). */
export function fixedMismatch(c: FixedCase, v: TimedVerdict): string | null {
  if (v.outcome !== c.expect.outcome) return `ended ${v.outcome}, expected ${c.expect.outcome}`;
  if (c.expect.message && !c.expect.message.test(v.message)) return `message does not match ${c.expect.message}`;
  for (const [k, max] of Object.entries(c.expect.statsAtMost ?? {})) {
    const got = v.stats?.[k];
    if (got === undefined || got > max) return `${k} is ${got}, expected at most ${max}`;
  }
  return null;
}

/** Runs a campaign; never throws for what a case does. */
export async function runCampaign(corpus: Corpus, options: CampaignOptions): Promise<{ summaries: TargetSummary[]; fixed: FixedResult[] }> {
  const runner = new CaseRunner(options.targets, { caseMs: options.caseMs });
  const emit = (o: object) => options.onLine?.(JSON.stringify(o));
  const summaries: TargetSummary[] = [];
  const fixedResults: FixedResult[] = [];
  const budgetS = options.seconds ?? (options.cases === undefined ? 60 : Infinity);
  try {
    for (const target of options.targets) {
      const t0 = performance.now();
      const s: TargetSummary = {
        fuzz: target, seed: options.seed, seconds: Number.isFinite(budgetS) ? budgetS : null, cases: 0, clean: 0, accepted: 0, crashes: 0, hangs: 0, garbage: 0, suspects: 0, fixed: 0, fixedFailed: [], elapsedS: 0, findings: [],
      };
      const record = (c: FuzzCase, v: TimedVerdict) => {
        if ((v.outcome !== 'clean' && v.outcome !== 'accepted') || v.suspect) {
          if (options.outDir) s.findings.push(writeRepro(options.outDir, c, v));
        }
      };
      if (options.fixed !== false) {
        for (const fc of fixedCases(corpus).filter((x) => x.target === target)) {
          const c: FuzzCase = { target, seed: options.seed, index: -1, name: fc.name, input: fc.input };
          const v = await runner.run(c);
          const why = fixedMismatch(fc, v);
          s.fixed++;
          if (why) {
            s.fixedFailed.push(fc.name);
            if (options.outDir) s.findings.push(writeRepro(options.outDir, c, { ...v, message: `${why}: ${v.message}` }));
          }
          const r: FixedResult = { fixed: fc.name, target, pass: why === null, outcome: v.outcome, expected: fc.expect.outcome, ms: v.ms, message: why ? `${why}: ${v.message}` : v.message, ...(v.stats ? { stats: v.stats } : {}) };
          fixedResults.push(r);
          emit(r);
        }
      }
      const tStart = performance.now();
      const most = typeof options.cases === 'object' ? (options.cases[target] ?? 0) : (options.cases ?? Infinity);
      for (let i = 0; i < most && (performance.now() - tStart) / 1000 < budgetS; i++) {
        let made;
        try {
          made = GENERATORS[target](rngFrom(caseSeed(options.seed, target, i)), corpus);
        } catch (e) {
          // A bug of the fuzzer's own generator, not of the code under test: said, and skipped.
          options.onError?.(`fuzz: the ${target} generator failed on case ${i} of seed ${options.seed}: ${(e as Error).stack ?? String(e)}`);
          continue;
        }
        const { name, input } = made;
        const c: FuzzCase = { target, seed: options.seed, index: i, name, input };
        const v = await runner.run(c);
        s.cases++;
        if (v.outcome === 'clean') s.clean++;
        else if (v.outcome === 'accepted') s.accepted++;
        else if (v.outcome === 'crash') s.crashes++;
        else if (v.outcome === 'hang') s.hangs++;
        else s.garbage++;
        if (v.suspect) s.suspects++;
        record(c, v);
      }
      s.elapsedS = Math.round((performance.now() - t0) / 100) / 10;
      summaries.push(s);
      const { findings, ...line } = s;
      emit({ ...line, findings: findings.length });
    }
  } finally {
    await runner.close();
  }
  return { summaries, fixed: fixedResults };
}
