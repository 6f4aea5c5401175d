// The sweep's answers (issue 12, items 2 and 3): no recommendation below the quality floor or
// against a reference that is an image; savings and comparisons only when they exceed the noise.
// Checked against the code before the fix (git stash of shared/sweep): the first test failed with
// a recommendation of Dice 0.0000 ("expected { rule: …, dice: 0 } to be null"), the second and
// third on `summary.findings` being undefined and on `vsMostExpensive.time` being undefined.
import { describe, expect, it } from 'vitest';
import { DICE_FLOOR } from '../../../shared/sweep/findings';
import { buildSummary } from '../../../shared/sweep/summarize';
import type { CaseResult, SweepFile } from '../../../shared/sweep/types';
import { result, sweepOf } from '../../helpers/summaryFixtures';

const byId = (s: SweepFile, id: string) => s.configs.find((c) => c.id === id)!;

describe('the quality floor', () => {
  it('every Dice 0 (the reference is an intensity image): no recommendation, and the cause in words', () => {
    const sweep = sweepOf(['ch2']);
    const results = sweep.configs.map((c, i) => result('ch2', c, [1000 + 500 * i, 1010 + 500 * i, 1020 + 500 * i], 0));
    const { summary } = buildSummary(sweep, results);
    expect(summary.configs.every((c) => c.complete && c.dice === 0)).toBe(true);
    expect(summary.recommendation).toBeNull(); // it recommended the fastest, "Dice 0.0000"
    expect(summary.noRecommendation).toBe(
      `every configuration's Dice is below ${DICE_FLOOR} (best 0.0000, ${sweep.configs[0].id}): the segmentation fails or the reference does not mark what the model segments, so there is no recommendation. ` +
        "Check that each case's label file is its reference segmentation, in the model's labels.",
    );
  });

  it('a configuration below the floor is never recommended, even when it is the fastest', () => {
    const sweep = sweepOf(['a']);
    const [fast, ...rest] = sweep.configs;
    const results = [result('a', fast, [100, 101, 102], 0.05), ...rest.map((c, i) => result('a', c, [1000 + 400 * i, 1001 + 400 * i, 1002 + 400 * i], 0.9))];
    const { summary } = buildSummary(sweep, results);
    expect(summary.recommendation!.configId).toBe(rest[0].id);
    expect(summary.recommendation!.reason).toMatch(/; 1 configuration\(s\) with Dice below 0\.1 were not considered$/);
    expect(summary.noRecommendation).toBeNull();
  });

  it('a case whose reference looks like an image: no recommendation, the reason names the case', () => {
    const sweep = sweepOf(['ch2', 'b']);
    const reason = 'the reference has 249 distinct values (uint8) and only 9 % of neighbouring non-zero voxels share a value (a label map has regions of one value): this looks like an image, not labels';
    const reference = { mode: 'foreground' as const, warning: null, looksLikeImage: true, imageReason: reason };
    const results = sweep.configs.flatMap((c, i) => [
      result('ch2', c, [1000 + 300 * i, 1001 + 300 * i, 1002 + 300 * i], 0.5, { reference }),
      result('b', c, [1000 + 300 * i, 1001 + 300 * i, 1002 + 300 * i], 0.9, { reference: { ...reference, looksLikeImage: false, imageReason: null } }),
    ]);
    const { summary } = buildSummary(sweep, results);
    expect(summary.recommendation).toBeNull();
    expect(summary.noRecommendation).toBe(`case ch2: ${reason}. Dice against an image means nothing, so there is no recommendation: give this case a label map (the reference segmentation) instead.`);
    // results written before `reference` was recorded: the run's warning says the same
    const { summary: old } = buildSummary(sweep, results.map((r) => ({ ...r, reference: undefined, warnings: r.caseId === 'ch2' ? [reason] : [] })));
    expect(old.recommendation).toBeNull();
    expect(old.noRecommendation).toMatch(/^case ch2: the reference has 249 distinct values/);
  });
});

describe('noise-aware savings and findings', () => {
  // o0 gaussian (8 windows) vs o0.5 gaussian (27 windows) and the performance-weighted twins.
  const sweep = sweepOf(['a', 'b', 'c']);
  const ids = sweep.configs.map((c) => c.id);
  const o0g = ids.find((id) => id.includes('o0-') && id.endsWith('gaussian-tta0'))!;
  const o0w = ids.find((id) => id.includes('o0-') && id.includes('performance-weighted'))!;
  const o5g = ids.find((id) => id.includes('o0.5') && id.endsWith('gaussian-tta0'))!;
  const o5w = ids.find((id) => id.includes('o0.5') && id.includes('performance-weighted'))!;

  it('the ids are the grid\'s', () => {
    expect([o0g, o0w, o5g, o5w].every((x) => x !== undefined)).toBe(true);
  });

  it('+0.0008 Dice over 3 cases is "no difference"; overlapping times are "within noise"; a clear gap stays "faster"', () => {
    const results: CaseResult[] = [];
    const dice: Record<string, number[]> = {
      [o0g]: [0.9291, 0.9022, 0.9211],
      [o0w]: [0.9312, 0.9015, 0.9221], // +0.0008 on average, signs disagree
      [o5g]: [0.9301, 0.903, 0.922],
      [o5w]: [0.93, 0.9031, 0.9219],
    };
    const runs: Record<string, number[]> = {
      [o0g]: [741, 812, 943], // the demo: the same 80 windows, 0.741–0.943 s
      [o0w]: [760, 790, 905],
      [o5g]: [2400, 2500, 2600],
      [o5w]: [2450, 2520, 2610],
    };
    for (const id of [o0g, o0w, o5g, o5w]) for (const [k, c] of ['a', 'b', 'c'].entries()) results.push(result(c, byId(sweep, id), runs[id].map((t) => t + 10 * k), dice[id][k]));
    const { summary } = buildSummary(sweep, results);
    const rec = summary.recommendation!;
    expect(rec.configId).toBe(o0w); // the fastest median within 0.5 % of the best Dice
    expect(rec.reason).not.toMatch(/saves/);
    // against the most expensive (o0.5 weighted): a real saving, and no Dice difference
    expect(rec.vsMostExpensive!.configId).toBe(o5w);
    expect(rec.vsMostExpensive!.time!.verdict).toBe('faster');
    expect(rec.vsMostExpensive!.diceComparison!.verdict).toBe('no difference');
    expect(summary.findings).toContain(
      `the recommendation (${o0w}) against the most expensive configuration (${o5w}): Dice −0.0001, no difference (95 % CI −0.0036…+0.0035 over 3 cases; below 0.005)`,
    );
    expect(summary.findings!.some((f) => f.includes('no saving is claimed'))).toBe(false);
    // the demo report's "beats": weighted vs gaussian at overlap 0
    expect(summary.findings).toContain(
      'performance-weighted vs gaussian blending (patch 64 · overlap 0 · stride): Dice +0.0008, no difference (95 % CI −0.0027…+0.0043 over 3 cases; below 0.005); time within noise (760–925 ms vs 741–963 ms): not a finding',
    );
    expect(summary.findings).toContain(
      'performance-weighted vs gaussian blending (patch 64 · overlap 0.5 · stride): Dice 0.0000, no difference (95 % CI −0.0003…+0.0003 over 3 cases; below 0.005); time within noise (2.45–2.63 s vs 2.40–2.62 s): not a finding',
    );
    expect(summary.findings).toHaveLength(4);
    // o0 gaussian ties with the recommendation
    expect(summary.findings).toContain(`${o0g} against the recommendation (${o0w}): time within noise (741–963 ms vs 760–925 ms), Dice −0.0008, no difference (95 % CI −0.0043…+0.0027 over 3 cases; below 0.005): either is as good`);
  });

  it('a saving within noise is not claimed: the verdict says so and findings lists it', () => {
    const results: CaseResult[] = [];
    for (const id of [o0g, o0w, o5g, o5w])
      for (const c of ['a', 'b', 'c']) {
        const slow = id === o5w || id === o5g;
        results.push(result(c, byId(sweep, id), slow ? [900, 950, 1300] : [800, 880, 1000], slow ? 0.9 : 0.899));
      }
    const { summary } = buildSummary(sweep, results);
    const rec = summary.recommendation!;
    expect(rec.vsMostExpensive!.time!.verdict).toBe('within noise');
    expect(rec.vsMostExpensive!.ms).toBeGreaterThan(0); // the medians still differ
    expect(summary.findings!.filter((f) => f.endsWith('no saving is claimed'))).toEqual([
      `the recommendation (${rec.configId}) against the most expensive configuration (${rec.vsMostExpensive!.configId}): time within noise (0.80–1.00 s vs 0.90–1.30 s); no saving is claimed`,
    ]);
  });
});
