import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { SweepSummary } from '../../../shared/sweep/types';
import { formatDuration, formatElapsed, formatEta } from '../../../src-renderer/jobs/formatEta';
import { settingsLabel } from '../../../src-renderer/jobs/settingsLabel';
import { defaultRunForm, validateRunForm } from '../../../src-renderer/jobs/runSettingsForm';
import { defaultSweepForm, validateSweepForm } from '../../../src-renderer/explorer/sweepForm';
import { settingsFromConfig } from '../../../src-renderer/explorer/settingsFromConfig';
import { centralLineProfile, faceDistanceProfile } from '../../../shared/view/borderProfile';
import { centreIndex } from '../../../shared/view/centreIndex';
import { mapRange } from '../../../shared/view/mapArray';
import { mapPlane } from '../../../shared/view/mapSlice';
import { mapSources } from '../../../src-renderer/explorer/mapSources';
import { sweepView } from '../../../shared/view/sweepView';
import { demoModel } from '../fakeApi';

const summary = JSON.parse(readFileSync(new URL('../../fixtures/summary.json', import.meta.url), 'utf8')) as SweepSummary;

/** A map whose value at each position is its distance to the nearest face. */
function distanceMap(shape: number[]): { shape: number[]; data: Float32Array } {
  const n = shape.reduce((p, s) => p * s, 1);
  const data = new Float32Array(n);
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    data[i] = Math.min(...shape.map((s, a) => Math.min(idx[a], s - 1 - idx[a])));
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { shape, data };
}

describe('formatEta', () => {
  it('formats durations and time left', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatEta(12_000)).toBe('12 s left');
    expect(formatEta(400)).toBe('less than 1 s left');
    expect(formatEta(null)).toBe('estimating…');
    expect(() => formatDuration(-1)).toThrow(/formatDuration/);
  });
  it('formats elapsed time between ISO dates', () => {
    expect(formatElapsed('2025-01-01T00:00:00.000Z', '2025-01-01T00:01:30.000Z')).toBe('1 min 30 s');
    expect(formatElapsed('2025-01-01T00:00:00.000Z', null, Date.parse('2025-01-01T00:00:07.000Z'))).toBe('7 s');
    expect(formatElapsed(null, null)).toBe('');
  });
});

describe('run settings', () => {
  it('labels settings', () => {
    expect(settingsLabel({ patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' })).toBe('p24 ov0.5 gaussian');
    expect(settingsLabel({ patchSize: [32, 32, 16], overlap: 0.25, placement: 'spread', blend: 'constant', measure: 'absoluteError' })).toBe('p32x32x16 ov0.25 constant spread');
  });
  it('defaults to the trained patch size and validates', () => {
    const form = defaultRunForm(demoModel);
    expect(form.patch).toEqual(['24', '24', '24']);
    expect(defaultRunForm(null).patch).toEqual(['64', '64', '64']);
    const ok = validateRunForm({ ...form, patch: [24, '24', ' 16 '], overlap: 0.25 });
    expect(ok).toEqual({ ok: true, settings: { patchSize: [24, 24, 16], overlap: 0.25, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' } });
    const bad = validateRunForm({ ...form, patch: ['24', '2.5', '24'], overlap: '0.95' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.patch).toBe('Patch size, axis 1: "2.5" is not a whole number.');
      expect(bad.errors.overlap).toBe('Overlap: 0.95 is outside 0–0.9.');
    }
    const empty = validateRunForm({ ...form, patch: [null, '24', '24'], overlap: null });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(Object.keys(empty.errors).sort()).toEqual(['overlap', 'patch']);
    const large = validateRunForm({ ...form, patch: ['1025', '24', '24'] });
    expect(!large.ok && large.errors.patch).toBe('Patch size, axis 0: 1025 is outside 1–1024.');
  });
});

describe('sweep form', () => {
  it('builds a request from lists', () => {
    const form = { ...defaultSweepForm([24, 24, 24], true), overlaps: '0, 0.5 0.5', repeats: 1 };
    expect(validateSweepForm(form)).toEqual({
      ok: true,
      request: { patchSizes: [24], overlaps: [0, 0.5], blends: ['constant', 'gaussian'], placements: ['stride'], repeats: 1, cases: 'current' },
    });
    expect(defaultSweepForm(null, false).cases).toBe('demo');
  });
  it('names every invalid field', () => {
    const r = validateSweepForm({ patchSizes: '24, x', overlaps: '1', blends: [], placements: [], repeats: '9', cases: 'demo' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual({
        patchSizes: 'Patch sizes: "x" is not a number.',
        overlaps: 'Overlaps: 1 is outside 0–0.9.',
        blends: 'Blends: choose at least one.',
        placements: 'Placements: choose at least one.',
        repeats: 'Repeats: "9" is not a whole number in 1–5.',
      });
    }
  });
});

describe('settingsFromConfig', () => {
  it('carries a sweep configuration over', () => {
    const rec = summary.recommendation!;
    expect(settingsFromConfig(rec.config)).toEqual({ settings: { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' }, note: null });
  });
  it('maps performance-weighted to gaussian with a note', () => {
    const r = settingsFromConfig({ id: 'p32-o0.25x0.5', patchSize: [32, 32], overlap: [0.25, 0.5], placement: 'spread', blend: 'performance-weighted', mirror: false });
    expect(r.settings).toEqual({ patchSize: [32, 32], overlap: 0.25, placement: 'spread', blend: 'gaussian', measure: 'absoluteError' });
    expect(r.note).toMatch(/performance-weighted.*gaussian/);
    expect(r.note).toMatch(/0.25 × 0.5/);
  });
});

describe('border profiles', () => {
  it('recovers the distance of a 3-D map whose value is its distance to the face', () => {
    const p = faceDistanceProfile(distanceMap([7, 8, 9]));
    expect(p.x).toEqual([0, 1, 2, 3]);
    expect(p.mean).toEqual([0, 1, 2, 3]);
  });
  it('averages a 2-D map per distance', () => {
    // 4×5: value = row index; distance 0 is the outer ring (rows 0..3 on the sides, all of rows 0 and 3).
    const data = Float32Array.from({ length: 20 }, (_, i) => Math.floor(i / 5));
    const p = faceDistanceProfile({ shape: [4, 5], data });
    // Ring: row 0 (5×0) + row 3 (5×3) + rows 1, 2 at columns 0 and 4 (2×1 + 2×2) = 21 over 14 cells.
    expect(p.x).toEqual([0, 1]);
    expect(p.mean[0]).toBeCloseTo(21 / 14, 12);
    // Inside: rows 1, 2 at columns 1..3 = (3×1 + 3×2) / 6 = 1.5.
    expect(p.mean[1]).toBeCloseTo(1.5, 12);
  });
  it('takes the central line along each axis (plane n/2 for even sizes, centreIndex)', () => {
    const shape = [3, 4, 5];
    const data = Float32Array.from({ length: 60 }, (_, i) => i);
    // Along axis 2 with k = 1 and j = 2: 20 + 10 + i = 30 + i.
    expect(centralLineProfile({ shape, data }, 2)).toEqual({ x: [0, 1, 2, 3, 4], mean: [30, 31, 32, 33, 34] });
    // Along axis 0 with j = 2 and i = 2: 20k + 10 + 2 = 20k + 12.
    expect(centralLineProfile({ shape, data }, 0).mean).toEqual([12, 32, 52]);
    expect(() => centralLineProfile({ shape, data }, 3)).toThrow(/axis/);
    expect(() => faceDistanceProfile({ shape, data: new Float32Array(5) })).toThrow(/needs 60/);
  });
});

describe('map slices and sources', () => {
  it('cuts planes of 2-D and 3-D maps', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(mapPlane({ shape: [2, 3, 4], data }, 1)).toEqual({ rows: 3, cols: 4, values: Float64Array.from({ length: 12 }, (_, i) => 12 + i) });
    expect(mapPlane({ shape: [4, 6], data }).rows).toBe(4);
    expect(() => mapPlane({ shape: [2, 3, 4], data }, 2)).toThrow(/index/);
    expect(mapRange({ shape: [24], data })).toEqual([0, 23]);
    expect(centreIndex(24)).toBe(12);
    expect(centreIndex(7)).toBe(3);
    expect(centreIndex(1)).toBe(0);
    expect(() => centreIndex(0)).toThrow('centreIndex: size must be a positive integer, got 0');
    // Any axis of a 3-D map can be held fixed: axis 2 at 1 gives rows axis 0, columns axis 1.
    expect(mapPlane({ shape: [2, 3, 4], data }, 1, 2)).toEqual({ rows: 2, cols: 3, values: Float64Array.from([1, 5, 9, 13, 17, 21]) });
  });
  it('lists the sweep calibration, training and run maps', () => {
    const run = { id: 'r1', imageName: 'a.nii', hasPerformance: true, hasConsistency: true } as never;
    const keys = mapSources({ hasTrainingMap: true, runs: [run], sweepId: 's1', margins: summary.margins }).map((s) => s.key);
    expect(keys).toEqual(['sweep:s1:p24-o0.5-stride-constant-tta0', 'training', 'run:r1:performance', 'run:r1:consistency']);
  });
});

describe('chart data', () => {
  it('has one point per configuration and marks the front and the recommendation', () => {
    const view = sweepView(summary);
    const pts = view.points;
    expect(pts.map((p) => p.id).sort()).toEqual(summary.configs.map((c) => c.config.id).sort());
    expect(pts.filter((p) => p.front).map((p) => p.id).sort()).toEqual([...summary.pareto].sort());
    expect(pts.filter((p) => p.recommended).map((p) => p.id)).toEqual([summary.recommendation!.configId]);
    const pred = view.predictions;
    expect(pred).toHaveLength(summary.timeModels.flatMap((m) => m.predictions).length);
    expect(pred.filter((p) => p.kind === 'fitted on (calibration)').map((p) => p.id)).toEqual(['p24-o0.5-stride-constant-tta0']);
  });
});
