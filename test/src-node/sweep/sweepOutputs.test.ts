/**
 * A sweep folder is never written over: another sweep in it (another model, other settings) is
 * refused, or with force moved aside into a dated subfolder; --no-resume keeps every old result
 * until its new one replaces it; a merge into a folder holding another sweep is refused; the
 * folder may not be an input; every case's labels are checked before it runs.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepProgress } from '../../../src-node/sweep/runSweep';
import { mergeSweeps } from '../../../src-node/sweep/summarizeSweep';
import { readSweepFile } from '../../../src-node/sweep/sweepFolder';
import { writeNifti } from '../../../shared/io/nifti';
import type { SweepGrid } from '../../../shared/sweep/types';
import { borderModel, fakeSweepModel, tempFolder, writeCase } from '../../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-outputs-');
afterAll(() => tmp.cleanup());
const grid: SweepGrid = { patchSizes: [[8]], overlaps: [[0], [0.5]], placements: ['stride'], blends: ['constant'], mirror: [false] };
const otherModel = () => ({ ...fakeSweepModel(borderModel()), info: { name: 'other-model', sha256: 'e'.repeat(64) } });
const results = (dir: string) => Object.fromEntries(readdirSync(join(dir, 'results')).sort().map((n) => [n, `${readFileSync(join(dir, 'results', n), 'utf8').length} ${statSync(join(dir, 'results', n)).mtimeMs}`]));

describe('runSweep into an existing folder', () => {
  const cases = [writeCase(tmp.dir, 'one', [12, 12, 12], 1)];
  const base = { grid, cases, settings: { repeats: 1 }, machine: 'm' };

  it('another model’s sweep is refused and left as it was; with force it is moved aside, never deleted', async () => {
    const dir = join(tmp.dir, 'sweep-a');
    await runSweep({ ...base, dir, model: fakeSweepModel(borderModel()) });
    const before = results(dir);
    expect(Object.keys(before)).toHaveLength(2);
    const sweepJson = readFileSync(join(dir, 'sweep.json'), 'utf8');
    await expect(runSweep({ ...base, dir, model: otherModel() })).rejects.toThrow(
      `runSweep: dir ${dir} holds a sweep of another model (fake-border-model, sha256 ffffffffffff…; now other-model, eeeeeeeeeeee…); add force: true to move it aside into ${join(dir, 'replaced-<date>')} (nothing is deleted), or choose another dir`,
    );
    expect(results(dir)).toEqual(before); // it used to rerun every pair and replace these
    expect(readFileSync(join(dir, 'sweep.json'), 'utf8')).toBe(sweepJson);

    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const moved: string[] = [];
    const report = await runSweep({ ...base, dir, model: otherModel(), force: true, onMovedAside: (p) => moved.push(p) });
    expect(moved).toEqual([report.movedAside]);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', report.movedAside!.slice(dir.length + 1), 'results', 'sweep.json'].sort());
    expect(results(report.movedAside!)).toEqual(before);
    expect(readFileSync(join(report.movedAside!, 'sweep.json'), 'utf8')).toBe(sweepJson);
    expect(readSweepFile(dir)!.model.name).toBe('other-model');
    expect(report.ran).toBe(2);
  });

  it('--no-resume keeps every old result until its new one replaces it (it used to delete them all first)', async () => {
    const dir = join(tmp.dir, 'sweep-b');
    await runSweep({ ...base, dir, model: fakeSweepModel(borderModel()) });
    // Mark the old results, to tell them from rewritten ones.
    const names = readdirSync(join(dir, 'results')).sort();
    for (const n of names) {
      const path = join(dir, 'results', n);
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), oldMarker: true }));
    }
    const controller = new AbortController();
    const onProgress = (p: SweepProgress) => {
      if (p.stage === 'saved') controller.abort(new Error('killed'));
    };
    await expect(runSweep({ ...base, dir, model: fakeSweepModel(borderModel()), resume: false, signal: controller.signal, onProgress })).rejects.toThrow('killed');
    expect(readdirSync(join(dir, 'results')).sort()).toEqual(names);
    const old = names.filter((n) => JSON.parse(readFileSync(join(dir, 'results', n), 'utf8')).oldMarker === true);
    expect(old).toHaveLength(1); // the pair that finished again is new; the other is still the old one
  });

  it('refuses a folder inside the model folder and a label map that is not integer class ids', async () => {
    const modelDir = join(tmp.dir, 'model-folder');
    const model = { ...fakeSweepModel(borderModel()), info: { name: 'm', sha256: 'a'.repeat(64), path: modelDir } };
    await expect(runSweep({ ...base, dir: join(modelDir, 'sweep'), model })).rejects.toThrow(`runSweep: dir ${join(modelDir, 'sweep')} is inside the model folder ${modelDir}; choose another dir`);
    const c = writeCase(tmp.dir, 'half', [12, 12, 12], 2);
    const labels = new Float32Array(12 ** 3).fill(1);
    labels[7] = 0.5;
    writeFileSync(c.label, writeNifti({ data: labels, shape: [12, 12, 12], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }));
    await expect(runSweep({ ...base, cases: [c], dir: join(tmp.dir, 'sweep-half'), model: fakeSweepModel(borderModel()) })).rejects.toThrow(new RegExp(`^case half label ${c.label}: `));
  });

  it('a merge into a folder holding another sweep is refused; with force that sweep is moved aside first', async () => {
    const a = join(tmp.dir, 'merge-a');
    await runSweep({ ...base, dir: a, model: fakeSweepModel(borderModel()) });
    const out = join(tmp.dir, 'merge-out');
    await runSweep({ ...base, dir: out, model: otherModel() });
    const before = results(out);
    expect(() => mergeSweeps([a], { out })).toThrow(/^mergeSweeps: out .*merge-out holds a sweep of another model \(other-model/);
    expect(results(out)).toEqual(before);
    let aside = '';
    mergeSweeps([a], { out, force: true, onMovedAside: (p) => void (aside = p) });
    expect(results(aside)).toEqual(before);
    expect(readSweepFile(out)!.model.name).toBe('fake-border-model');
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    // Merging the same folders again into it is fine (the same sweep).
    expect(() => mergeSweeps([a], { out })).not.toThrow();
  });
});
