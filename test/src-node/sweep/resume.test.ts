import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepProgress } from '../../../src-node/sweep/runSweep';
import { readResults, readSweepFile } from '../../../src-node/sweep/sweepFolder';
import { summarizeSweep } from '../../../src-node/sweep/summarizeSweep';
import type { SweepGrid } from '../../../shared/sweep/types';
import { borderModel, fakeSweepModel, tempFolder, writeCase } from '../../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-resume-');
afterAll(() => tmp.cleanup());

const grid: SweepGrid = { patchSizes: [[16]], overlaps: [[0], [0.5]], placements: ['stride'], blends: ['constant', 'gaussian', 'performance-weighted'], mirror: [false] };

/** Every result file with its modification time and bytes. */
function snapshot(dir: string): Map<string, { mtimeMs: number; bytes: string }> {
  const folder = join(dir, 'results');
  return new Map(readdirSync(folder).map((n) => [n, { mtimeMs: statSync(join(folder, n)).mtimeMs, bytes: readFileSync(join(folder, n), 'utf8') }]));
}

describe('runSweep: resume after a killed sweep', () => {
  it('keeps every finished configuration through an abort and a crash, and completes the rest', async () => {
    const cases = [writeCase(tmp.dir, 'one', [32, 32, 32], 1), writeCase(tmp.dir, 'two', [32, 28, 36], 2)];
    const dir = join(tmp.dir, 'sweep');
    const base = { dir, grid, cases, settings: { repeats: 1 }, machine: 'm' };

    // 1. Killed (AbortSignal) after 5 finished pairs.
    const controller = new AbortController();
    let saved = 0;
    const onProgress = (p: SweepProgress) => {
      if (p.stage === 'saved' && ++saved === 5) controller.abort(new Error('killed'));
    };
    await expect(runSweep({ ...base, model: fakeSweepModel(borderModel()), signal: controller.signal, onProgress })).rejects.toThrow('killed');
    const afterKill = snapshot(dir);
    expect(afterKill.size).toBe(5);
    expect([...afterKill.keys()].every((n) => n.endsWith('.json'))).toBe(true); // no temp file left behind
    expect(readSweepFile(dir)!.configs).toHaveLength(6);

    // 2. Crashed (the model throws) a little later: the 5 stay untouched, the new ones are whole.
    await new Promise((r) => setTimeout(r, 20)); // so that a rewrite would show in the mtime
    await expect(runSweep({ ...base, model: fakeSweepModel(borderModel({ failAt: 60 })) })).rejects.toThrow('fake model crashed');
    const afterCrash = snapshot(dir);
    expect(afterCrash.size).toBeGreaterThan(5);
    expect(afterCrash.size).toBeLessThan(12);
    for (const [name, f] of afterKill) expect(afterCrash.get(name)).toEqual(f);
    expect(readResults(dir).unreadable).toEqual([]);

    // 3. Restarted: skips what finished, runs the rest.
    const kinds: Record<string, number> = {};
    const report = await runSweep({ ...base, model: fakeSweepModel(borderModel()), onProgress: (p) => void (kinds[p.stage] = (kinds[p.stage] ?? 0) + 1) });
    expect(report.pairs).toBe(12);
    expect(report.skipped).toBe(afterCrash.size);
    expect(report.ran).toBe(12 - afterCrash.size);
    expect(kinds.skip).toBe(afterCrash.size);
    const done = snapshot(dir);
    expect(done.size).toBe(12);
    for (const [name, f] of afterCrash) expect(done.get(name)).toEqual(f);
    const summary = summarizeSweep(dir);
    expect(summary.missing).toEqual([]);
    expect(summary.configs.every((c) => c.complete && c.cases === 2)).toBe(true);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
    expect(existsSync(join(dir, 'maps', 'p16-o0.5-stride-constant-tta0.npy'))).toBe(true);
    // performance-weighted used the calibration map of its case
    const pw = readResults(dir).results.find((r) => r.result.configId === 'p16-o0-stride-performance-weighted-tta0')!.result;
    expect(pw.weightsFrom).toBe('p16-o0.5-stride-constant-tta0');

    // 4. Nothing left: a rerun runs nothing.
    const again = await runSweep({ ...base, model: fakeSweepModel(borderModel()) });
    expect(again.ran).toBe(0);
    expect(again.skipped).toBe(12);

    // 5. Other settings are another sweep: refused, nothing touched; with force the old sweep is
    // moved aside whole (never deleted) and the new one starts afresh.
    const changedSettings = { ...base, settings: { repeats: 1, measure: 'crossEntropy' as const }, shard: { index: 0, count: 2 } };
    await expect(runSweep({ ...changedSettings, model: fakeSweepModel(borderModel()) })).rejects.toThrow(
      /^runSweep: dir .*sweep holds a sweep of other settings \(measure "absoluteError", now "crossEntropy"\); add force: true to move it aside/,
    );
    expect(snapshot(dir)).toEqual(done);
    let aside = '';
    const changed = await runSweep({ ...changedSettings, model: fakeSweepModel(borderModel()), force: true, onMovedAside: (p) => void (aside = p) });
    expect(changed.ran).toBe(6);
    expect(changed.movedAside).toBe(aside);
    expect(aside).toMatch(/sweep\/replaced-\d{4}-\d\d-\d\dT/);
    expect(snapshot(aside)).toEqual(done); // the 12 old results, byte for byte
    expect(readSweepFile(aside)!.settings.measure).toBe('absoluteError');
    expect(existsSync(join(aside, 'summary.json')) && existsSync(join(aside, 'maps'))).toBe(true);
    expect(snapshot(dir).size).toBe(6);
    const partial = summarizeSweep(dir);
    expect(partial.missing).toHaveLength(6);
  }, 60_000);

  it('names what is wrong with the cases and settings', async () => {
    const c = writeCase(tmp.dir, 'bad', [20, 20, 20], 3);
    const model = fakeSweepModel(borderModel());
    const dir = join(tmp.dir, 'bad-sweep');
    await expect(runSweep({ dir, grid, cases: [{ ...c, id: 'a__b' }], model })).rejects.toThrow(/cases\[0\]\.id must use letters, digits/);
    await expect(runSweep({ dir, grid, cases: [c, c], model })).rejects.toThrow(/cases\[1\]\.id "bad" is used twice/);
    await expect(runSweep({ dir, grid, cases: [{ ...c, label: join(tmp.dir, 'missing.nii') }], model })).rejects.toThrow(/case bad: cannot read the label .*missing.nii: no such file/);
    await expect(runSweep({ dir, grid, cases: [c], model, settings: { repeats: 0 } })).rejects.toThrow(/settings.repeats must be a positive integer/);
    await expect(runSweep({ dir, grid: { ...grid, overlaps: [[1]] }, cases: [c], model })).rejects.toThrow(/expandGrid: overlaps\[0\] must be a number in \[0, 0\.9\]/);
  });
});
