// The CLI's printed sweep summary (issue 12, items 2 and 3): "no recommendation" with its cause,
// the verdicts' words, and never "saves" for a saving within noise. Before the fix formatSummary
// printed "saves 0.120 s (12 %)" for the within-noise case and nothing at all for a summary
// without a recommendation (checked against the code before the fix: both tests failed).
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../shared/sweep/summarize';
import type { CaseResult } from '../../shared/sweep/types';
import { formatSummary } from '../../src-cli/sweepCommand';
import { result, sweepOf } from '../helpers/summaryFixtures';

describe('patchlens sweep: the printed summary', () => {
  it('every Dice 0: "no recommendation:" and why, no "recommended"', () => {
    const sweep = sweepOf(['ch2']);
    const { summary } = buildSummary(sweep, sweep.configs.map((c, i) => result('ch2', c, [1000 + 500 * i, 1010 + 500 * i, 1020 + 500 * i], 0)));
    const text = formatSummary(summary, '/out');
    expect(text).not.toMatch(/recommended/);
    expect(text).toContain(`\nno recommendation: every configuration's Dice is below 0.1 (best 0.0000, ${sweep.configs[0].id}): the segmentation fails`);
  });

  it('a saving within noise says "within noise", never "saves"; a real one says "saves"; findings are listed', () => {
    const sweep = sweepOf(['a', 'b', 'c']);
    const results: CaseResult[] = [];
    for (const c of sweep.configs)
      for (const k of ['a', 'b', 'c']) {
        const slow = c.overlap[0] > 0;
        results.push(result(k, c, slow ? [900, 1000, 1300] : [800, 880, 1000], slow ? 0.9 : 0.899));
      }
    const noisy = formatSummary(buildSummary(sweep, results).summary, '/out');
    const rec = buildSummary(sweep, results).summary.recommendation!;
    expect(noisy).toContain(`  vs the most expensive ${rec.vsMostExpensive!.configId}: time within noise (0.80–1.00 s vs 0.90–1.30 s); 19 fewer windows per case; Dice −0.0010, no difference (95 % CI −0.0010…−0.0010 over 3 cases; below 0.005)`);
    expect(noisy).not.toMatch(/saves/);
    expect(noisy).toMatch(/\nnot findings \(within noise \/ no difference\):\n {2}- the recommendation \(\S+\) against the most expensive configuration \(\S+\): time within noise .*; no saving is claimed\n/);

    // the same sweep with the expensive configurations clearly slower
    const clear = results.map((r) => (r.config.overlap[0] > 0 ? result(r.caseId, r.config, [2400, 2500, 2600], r.dice.mean) : r));
    const text = formatSummary(buildSummary(sweep, clear).summary, '/out');
    expect(text).toMatch(/ {2}vs the most expensive \S+: saves 1\.620 s \(65 %\): faster by 1\.62 s \(0\.80–1\.00 s vs 2\.40–2\.60 s\); 19 fewer windows per case; Dice −0\.0010, no difference/);
  });
});
