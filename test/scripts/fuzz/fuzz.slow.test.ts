// The fuzzer's short fixed-seed pass (issue 11): every target, plus every fixed case (the issue's
// reproductions of items 1, 2, 7 and 8), must end with 0 crashes, 0 hangs and 0 garbage successes.
// The counts are printed. Budgets are case counts, not seconds, so the pass is the same on every
// machine (about 40 s here on two cores, most of it the model target on tfjs-cpu).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaign, type FixedResult, type TargetSummary } from '../../../scripts/fuzz/campaign';
import { CaseRunner } from '../../../scripts/fuzz/caseRunner';
import { loadCorpus, type Corpus } from '../../../scripts/fuzz/corpus';
import { fixedCases } from '../../../scripts/fuzz/fixedCases';
import { GENERATORS } from '../../../scripts/fuzz/generators';
import { inputToJson, readRepro, writeRepro } from '../../../scripts/fuzz/repro';
import { caseSeed, rngFrom } from '../../../scripts/fuzz/rng';
import { TARGETS } from '../../../scripts/fuzz/types';

const CASES = { nifti: 3000, gzip: 3000, model: 2000, cli: 5000, frames: 5000 };

let corpus: Corpus;
let out: string;
let summaries: TargetSummary[] = [];
let fixed: FixedResult[] = [];
const generatorErrors: string[] = [];

beforeAll(async () => {
  corpus = loadCorpus();
  out = mkdtempSync(join(tmpdir(), 'patchlens-fuzz-test-'));
  const lines: string[] = [];
  ({ summaries, fixed } = await runCampaign(corpus, { seed: 1, targets: TARGETS, cases: CASES, outDir: out, caseMs: 20_000, onLine: (l) => lines.push(l), onError: (m) => generatorErrors.push(m) }));
  console.log(lines.join('\n'));
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run fuzz: a short fixed-seed pass', () => {
  it.each(TARGETS)('%s: every case ran and none crashed, hung or returned garbage', (target) => {
    const s = summaries.find((x) => x.fuzz === target)!;
    expect(generatorErrors.filter((m) => m.includes(` ${target} generator`))).toEqual([]);
    expect(s.cases).toBe(CASES[target]);
    expect(s.clean + s.accepted + s.crashes + s.hangs + s.garbage).toBe(s.cases);
    // Both ways out are exercised: the mutants are not all refused, nor all accepted.
    expect(s.clean).toBeGreaterThan(0);
    expect(s.accepted).toBeGreaterThan(0);
    expect({ target, crashes: s.crashes, hangs: s.hangs, garbage: s.garbage, findings: s.findings.filter((f) => !f.endsWith('-clean.json')) }).toEqual({ target, crashes: 0, hangs: 0, garbage: 0, findings: [] });
  });

  it('runs every fixed case first and each ends as the issue requires', () => {
    const names = fixedCases(corpus).map((c) => c.name);
    expect(fixed.map((f) => f.fixed)).toEqual(names);
    expect(fixed.filter((f) => !f.pass).map((f) => `${f.fixed}: ${f.message}`)).toEqual([]);
    // Item 7: the 1024³ bomb is refused from its header, and reading it barely moves the peak RSS.
    const bomb = fixed.find((f) => f.fixed.startsWith('nii-gz-bomb-1024cubed'))!;
    expect(bomb.message).toMatch(/^readNifti: the header declares a 1024×1024×1024 float32 image: 4 GiB of voxel data/);
    expect(bomb.stats!.peakRssGrowthMb).toBeLessThanOrEqual(64);
  });
});

describe('fuzz cases are reproducible', () => {
  it('case n of a seed is the same input whenever it is made', () => {
    for (const target of TARGETS) {
      for (const n of [0, 7, 123]) {
        const a = GENERATORS[target](rngFrom(caseSeed(5, target, n)), corpus);
        const b = GENERATORS[target](rngFrom(caseSeed(5, target, n)), corpus);
        expect(inputToJson(b.input)).toBe(inputToJson(a.input));
        expect(b.name).toBe(a.name);
      }
      const other = GENERATORS[target](rngFrom(caseSeed(6, target, 0)), corpus);
      expect(inputToJson(other.input)).not.toBe(inputToJson(GENERATORS[target](rngFrom(caseSeed(5, target, 0)), corpus).input));
    }
  });

  it('a written case replays to the same verdict', async () => {
    const fc = fixedCases(corpus).find((c) => c.name.startsWith('model-cycle ('))!;
    const c = { target: fc.target, seed: 1, index: -1, name: fc.name, input: fc.input };
    const runner = new CaseRunner([c.target], { caseMs: 20_000 });
    try {
      const first = await runner.run(c);
      const file = writeRepro(out, c, first);
      const repro = readRepro(file);
      expect(inputToJson(repro.fuzzCase.input)).toBe(inputToJson(c.input));
      const again = await runner.run(repro.fuzzCase);
      expect([again.outcome, again.message]).toEqual([first.outcome, first.message]);
      expect(first.message).toMatch(/^loadModel: model\.json's layer graph has a cycle/);
    } finally {
      await runner.close();
    }
  }, 120_000);
});
