import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PerformanceMap } from '../../../shared/performance/PerformanceMap';
import { runSweep } from '../../../src-node/sweep/runSweep';
import { readResults } from '../../../src-node/sweep/sweepFolder';
import { mergeSweeps, summarizeSweep } from '../../../src-node/sweep/summarizeSweep';
import type { CaseResult, SweepGrid } from '../../../shared/sweep/types';
import { borderModel, fakeSweepModel, tempFolder, writeCase } from '../../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-merge-');
afterAll(() => tmp.cleanup());

const grid: SweepGrid = { patchSizes: [[16], [20]], overlaps: [[0], [0.5]], placements: ['stride'], blends: ['gaussian', 'performance-weighted'], mirror: [false] };

/** Per configuration, the results' maps merged over the cases (in case order). */
function mergedMaps(results: CaseResult[], caseIds: string[]): Map<string, PerformanceMap> {
  const out = new Map<string, PerformanceMap>();
  for (const caseId of caseIds)
    for (const r of results.filter((x) => x.caseId === caseId)) {
      const m = PerformanceMap.fromJSON(r.performance!);
      out.set(r.configId, out.has(r.configId) ? out.get(r.configId)!.merge(m) : m);
    }
  return out;
}

describe('mergeSweeps', () => {
  it('two shards merged equal one run: same configurations, Dice, windows and map sums', async () => {
    const cases = [writeCase(tmp.dir, 'one', [32, 32, 32], 1), writeCase(tmp.dir, 'two', [28, 32, 30], 2)];
    const run = (dir: string, machine: string, shard?: { index: number; count: number }) =>
      runSweep({ dir: join(tmp.dir, dir), grid, cases, model: fakeSweepModel(borderModel()), settings: { repeats: 1, warmup: 'none' }, machine, shard });
    const [a, b, whole] = [await run('a', 'mA', { index: 0, count: 2 }), await run('b', 'mB', { index: 1, count: 2 }), await run('whole', 'mC')];
    // 10 configurations (2 patch sizes × 2 overlaps × 2 blends + 2 added calibrations) × 2 cases
    expect(whole.pairs).toBe(2 * (8 + 2));
    expect(a.pairs + b.pairs).toBe(whole.pairs);
    expect(a.sweep.configs).toEqual(whole.sweep.configs);

    const merged = mergeSweeps([join(tmp.dir, 'a'), join(tmp.dir, 'b')], { out: join(tmp.dir, 'merged') });
    const single = summarizeSweep(join(tmp.dir, 'whole'));
    expect(merged.missing).toEqual([]);
    expect(merged.configs.map((c) => c.config.id)).toEqual(single.configs.map((c) => c.config.id));
    merged.configs.forEach((c, i) => {
      const s = single.configs[i];
      expect(c.dice).toBe(s.dice);
      expect(c.perClassDice).toEqual(s.perClassDice);
      expect(c.windows).toBe(s.windows);
      expect(c.performanceCount).toBe(s.performanceCount);
      expect(c.complete).toBe(true);
    });
    // the maps: identical float64 sums, per configuration merged over the cases
    const caseIds = cases.map((c) => c.id);
    const mm = mergedMaps(readResults(join(tmp.dir, 'merged')).results.map((r) => r.result), caseIds);
    const sm = mergedMaps(readResults(join(tmp.dir, 'whole')).results.map((r) => r.result), caseIds);
    expect([...mm.keys()].sort()).toEqual([...sm.keys()].sort());
    for (const [id, m] of mm) {
      expect(m.count).toBe(sm.get(id)!.count);
      expect(Array.from(m.sum)).toEqual(Array.from(sm.get(id)!.sum));
    }
    for (const id of ['p16-o0.5-stride-constant-tta0', 'p20-o0.5-stride-constant-tta0']) {
      expect(readFileSync(join(tmp.dir, 'merged', 'maps', `${id}.npy`))).toEqual(readFileSync(join(tmp.dir, 'whole', 'maps', `${id}.npy`)));
    }
    expect(merged.margins.map((m) => m.recommendation)).toEqual(single.margins.map((m) => m.recommendation));
    // timings per machine: each shard's machine measured half the pairs; the headline uses mA's where it has them
    expect(merged.machines.map((m) => [m.id, m.results])).toEqual([
      ['mA', 10],
      ['mB', 10],
    ]);
    expect(merged.timingMachine).toBe('mA');
    expect(merged.warnings.join('\n')).toMatch(/10 \(case, configuration\) pair\(s\) were not measured on mA/);
    expect(merged.sources).toEqual([join(tmp.dir, 'a'), join(tmp.dir, 'b')]);
    expect(merged.recommendation).not.toBeNull();
    // the merged folder summarizes to the same numbers again
    expect(summarizeSweep(join(tmp.dir, 'merged')).configs.map((c) => c.dice)).toEqual(merged.configs.map((c) => c.dice));

    // The same pairs measured on two machines: both timings kept, the chosen machine's headline.
    const both = mergeSweeps([join(tmp.dir, 'whole'), join(tmp.dir, 'a')], { out: join(tmp.dir, 'both'), machine: 'mA' });
    expect(both.timingMachine).toBe('mA');
    const twice = both.configs.find((c) => c.byMachine.length === 2)!;
    expect(twice.byMachine.map((m) => m.machine)).toEqual(['mA', 'mC']);
    expect(readResults(join(tmp.dir, 'both')).results.filter((r) => r.path.includes('@mA')).length).toBe(10);
    expect(both.configs.map((c) => c.dice)).toEqual(single.configs.map((c) => c.dice));
  }, 60_000);

  it('refuses folders of another model, or that are no sweep', () => {
    const other = join(tmp.dir, 'other-model');
    cpSync(join(tmp.dir, 'whole'), other, { recursive: true });
    const sweep = JSON.parse(readFileSync(join(other, 'sweep.json'), 'utf8'));
    sweep.model.sha256 = '0'.repeat(64);
    writeFileSync(join(other, 'sweep.json'), JSON.stringify(sweep));
    expect(() => mergeSweeps([join(tmp.dir, 'whole'), other])).toThrow(/mergeSweeps: .*other-model ran another model/);
    expect(() => mergeSweeps([tmp.dir])).toThrow(/is not a sweep folder \(no sweep.json\)/);
    expect(() => mergeSweeps([])).toThrow(/at least one sweep folder/);
  });
});
