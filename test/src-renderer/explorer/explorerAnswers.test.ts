// @vitest-environment jsdom
/**
 * The explorer states only findings (issue 12, items 1, 2, 3, 5, 12): no recommendation below the
 * quality floor (only the explanation), "within noise" / "no difference" instead of "saves" /
 * "better", times as median with spread, the summary's findings listed, a configuration shown on
 * the sweep's own case, the sweep form's model, cases and patch warnings, unique Dice ticks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ExplorerPanel from '../../../src-renderer/explorer/ExplorerPanel.svelte';
import RecommendationCard from '../../../src-renderer/explorer/RecommendationCard.svelte';
import SweepFormPanel from '../../../src-renderer/explorer/SweepFormPanel.svelte';
import { diceTimeChart } from '../../../shared/charts/diceTimeChart';
import { linearTicks } from '../../../shared/charts/linearTicks';
import { overlapTimeChart } from '../../../shared/charts/overlapTimeChart';
import { SCREEN_THEME } from '../../../shared/charts/theme';
import { sweepView } from '../../../shared/view/sweepView';
import { defaultSweepPatch, sweepPatchWarnings } from '../../../src-renderer/explorer/sweepForm';
import type { RunSettings, SweepPlanInfo, SweepRecord } from '../../../shared/api/contract';
import { compareDice, compareTimes } from '../../../shared/sweep/noise';
import type { Saving, SweepSummary } from '../../../shared/sweep/types';
import { demoImage, demoModel, fakeApi, makeSession } from '../fakeApi';

afterEach(cleanup);

/** A real summary: demo model on the mirrored demo case, p24, overlaps 0 and 0.5, constant + gaussian, 1 repeat. */
const base = JSON.parse(readFileSync(resolve(process.cwd(), 'test/fixtures/summary.json'), 'utf8')) as SweepSummary;
const sweep: SweepRecord = { id: 's1', createdAt: '2025-01-01T00:00:00.000Z', configs: 4, cases: 1, complete: true, dir: '/p/sweeps/s1' };
const clone = (): SweepSummary => structuredClone(base);

/** The fixture's recommendation with a saving carrying the given verdicts. */
function withSaving(time: Saving['time'], dice: Saving['diceComparison']): SweepSummary {
  const s = clone();
  s.recommendation!.vsMostExpensive = { ...s.recommendation!.vsMostExpensive!, time, diceComparison: dice };
  return s;
}

describe('RecommendationCard', () => {
  it('shows no recommendation, only the explanation, when the summary has none (Dice floor)', () => {
    const s = clone();
    s.recommendation = null;
    s.noRecommendation = "every configuration's Dice is below 0.1 (best 0.0000): the reference of case ch2 has 312 distinct values: this looks like an image, not labels.";
    render(RecommendationCard, { summary: s });
    expect(screen.getByTestId('recommendation-none').textContent).toBe(s.noRecommendation);
    expect(screen.getByTestId('recommendation').textContent).toContain('No recommendation');
    expect(screen.getByTestId('recommendation').textContent).not.toMatch(/saves|recommended:/i);
    expect(screen.queryByTestId('recommendation-saving')).toBeNull();
    expect(screen.queryByTestId('recommendation-config')).toBeNull();
  });

  it('says "within noise" and claims no saving when the time comparison is within noise', () => {
    const time = compareTimes([[740, 800, 940]], [[780, 850, 900]]);
    const dice = compareDice([0.9410, 0.9390, 0.9402], [0.9400, 0.9395, 0.9391]);
    expect(time.verdict).toBe('within noise');
    expect(dice.verdict).toBe('no difference');
    render(RecommendationCard, { summary: withSaving(time, dice) });
    const text = screen.getByTestId('recommendation-saving').textContent!;
    expect(screen.getByTestId('recommendation-saving').dataset.verdict).toBe('within noise');
    expect(text).toContain('Against the most expensive, p24-o0.5-stride-constant-tta0: within noise (740–940 ms vs 780–900 ms): no saving is claimed.');
    expect(text).toContain('Dice +0.0005, no difference (95 % CI');
    expect(text).not.toMatch(/saves/i);
  });

  it('states the saving with both ranges when it is faster beyond the noise', () => {
    const time = compareTimes([[7600, 7710, 7750]], [[8200, 8300, 8400]]);
    expect(time.verdict).toBe('faster');
    const s = withSaving(time, compareDice([0.9507], [0.9470]));
    s.recommendation!.vsMostExpensive = { ...s.recommendation!.vsMostExpensive!, ms: 590, fraction: 590 / 8300 };
    render(RecommendationCard, { summary: s });
    const text = screen.getByTestId('recommendation-saving').textContent!;
    expect(screen.getByTestId('recommendation-saving').dataset.verdict).toBe('faster');
    expect(text).toMatch(/^Saves 0\.59 s \(7\.1 %\) and 0 windows per case against the most expensive, p24-o0\.5-stride-constant-tta0: /);
    expect(text).toContain('faster by 590 ms (7.60–7.75 s vs 8.20–8.40 s)');
    expect(text).toContain('Dice +0.0037, no difference (1 case; below 0.005)');
  });

  it('shows the time per case as median with its spread', () => {
    const s = clone();
    const rec = s.configs.find((c) => c.config.id === s.recommendation!.configId)!;
    rec.timing.minMs = 7520;
    rec.timing.maxMs = 8030;
    render(RecommendationCard, { summary: s });
    expect(screen.getByTestId('recommendation-time').textContent).toBe('7.71 s (7.52–8.03 s)');
  });
});

describe('ExplorerPanel: findings, the sweep record, the sweep\'s own case', () => {
  function setup(summary: SweepSummary) {
    const shown: RunSettings[] = [];
    const session = makeSession({ image: { ...demoImage, name: 'aal.nii.gz' }, label: null, model: { ...demoModel, name: 'other-model' }, sweeps: [sweep] });
    const order: string[] = [];
    const api = fakeApi({
      'sweep:summary': () => summary,
      'sweep:map': () => ({ shape: [2, 2, 2], data: new Float32Array(8), measure: 'absoluteError', count: 1, source: 'sweep s1 calibration' }),
      'model:trainingMap': () => null,
      'sweep:plan': ({ cases }) => ({ which: cases, model: demoModel, cases: [], grid: null }),
      'sweep:openCase': () => (order.push('openCase'), session),
    });
    render(ExplorerPanel, { api, session, onShowConfig: (s: RunSettings) => (order.push('show'), shown.push(s)) });
    return { api, shown, order };
  }

  it('lists the summary\'s findings under the card', async () => {
    const s = clone();
    s.findings = ['p24-o0-stride-gaussian-tta0 vs p24-o0-stride-constant-tta0: within noise (1.54–1.54 s vs 1.66–1.66 s)', 'performance-weighted vs gaussian at overlap 0: Dice +0.0008, no difference (…)'];
    setup(s);
    await waitFor(() => expect(screen.getByTestId('summary-findings')).toBeTruthy());
    expect([...screen.getByTestId('summary-findings').querySelectorAll('li')].map((li) => li.textContent)).toEqual(s.findings);
  });

  it('shows the sweep\'s model, cases and settings', async () => {
    setup(clone());
    await waitFor(() => expect(screen.getByTestId('sweep-facts-model')).toBeTruthy());
    expect(screen.getByTestId('sweep-facts-model').textContent).toContain(base.model.name);
    expect(screen.getByTestId('sweep-facts-cases').textContent).toBe('ch2-2mm-mirrored_t1: ch2-2mm-mirrored_t1.nii.gz with labels ch2-2mm-mirrored_brain.nii.gz');
    expect(screen.getByTestId('sweep-facts-settings').textContent).toContain(`${base.settings.repeats} timed run`);
    expect(screen.getByTestId('sweep-facts-grid').textContent).toContain('patch 24 · overlap 0, 0.5');
  });

  it('shows a clicked configuration on the sweep\'s own case with its model, not on the open image, and says it runs again', async () => {
    const { api, shown, order } = setup(clone());
    await waitFor(() => expect(screen.getAllByTestId('config-row')).toHaveLength(4));
    await fireEvent.click(screen.getAllByTestId('config-row').find((r) => r.dataset.configId === 'p24-o0.5-stride-gaussian-tta0')!);
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(api.calls.filter((c) => c.channel === 'sweep:openCase').map((c) => c.args)).toEqual([{ sweepId: 's1', caseId: 'ch2-2mm-mirrored_t1' }]);
    expect(order).toEqual(['openCase', 'show']);
    expect(shown[0]).toEqual({ patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: base.settings.measure });
    expect(screen.getByTestId('show-config-note').textContent).toContain(`p24-o0.5-stride-gaussian-tta0 on case ch2-2mm-mirrored_t1 of sweep s1, with the sweep's model ${base.model.name}: the sweep keeps no segmentation, so the configuration runs again`);
  });
});

describe('the sweep form', () => {
  const plan = (p: Partial<SweepPlanInfo>): SweepPlanInfo => ({ which: 'demo', model: demoModel, cases: [], grid: [91, 109, 91], ...p });

  it('says which model and cases a sweep of the demo cases uses (the demo model, not the open one), and warns per small patch size', async () => {
    const demo = { ...demoModel, name: 'PatchLens demo brain mask', receptiveField: [21, 21, 21] };
    const api = fakeApi({
      'sweep:plan': ({ cases }) =>
        cases === 'demo'
          ? plan({ model: demo, cases: [{ id: 'ch2-2mm', image: 'ch2-2mm_t1.nii.gz', label: 'ch2-2mm_brain.nii.gz' }, { id: 'ch2-2mm-mirrored', image: 'ch2-2mm-mirrored_t1.nii.gz', label: 'ch2-2mm-mirrored_brain.nii.gz' }] })
          : plan({ which: 'current', model: { ...demoModel, name: 'other-model' } }),
    });
    const session = makeSession({ image: demoImage, label: { ...demoImage, name: 'brain.nii.gz' }, model: { ...demoModel, name: 'other-model' } });
    render(SweepFormPanel, { api, session });
    await fireEvent.change(screen.getByTestId('sweep-cases'), { target: { value: 'demo' } });
    await waitFor(() => expect(screen.getByTestId('sweep-plan-model').textContent).toContain('PatchLens demo brain mask'));
    expect(screen.getByTestId('sweep-plan-model').textContent).toContain('the demo cases always run with it, whatever model is open');
    expect(screen.getByTestId('sweep-plan-cases').textContent).toBe('Cases: ch2-2mm (ch2-2mm_t1.nii.gz with labels ch2-2mm_brain.nii.gz); ch2-2mm-mirrored (ch2-2mm-mirrored_t1.nii.gz with labels ch2-2mm-mirrored_brain.nii.gz)');
    await fireEvent.input(screen.getByTestId('sweep-patches'), { target: { value: '16, 24, 20' } });
    const lines = screen.getAllByTestId('sweep-patch-warning').map((p) => p.textContent);
    expect(lines).toEqual([
      '⚠ patch 16 < receptive field 21 on every axis: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better',
      '⚠ patch 20 < receptive field 21 on every axis: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better',
    ]);
  });

  it('warns per patch size only when it is smaller than the receptive field; the default patch is never one it warns about', () => {
    expect(sweepPatchWarnings('24, 32', plan({ model: { ...demoModel, receptiveField: [21, 21, 21] } }))).toEqual([]);
    expect(sweepPatchWarnings('64', plan({ model: { ...demoModel, receptiveField: [93, 93, 93] }, grid: [160, 192, 160] }))).toEqual([
      'patch 64 < receptive field 93 on every axis: expect border errors; the whole volume (160×192×160) fits in memory and is expected to be better',
    ]);
    expect(sweepPatchWarnings('64', plan({ model: { ...demoModel, receptiveField: null } }))).toEqual([]);
    expect(defaultSweepPatch([64, 64, 64], [93, 93, 93], [160, 192, 160])).toBe(96);
    expect(defaultSweepPatch([24, 24, 24], [21, 21, 21], [91, 109, 91])).toBe(24);
    expect(defaultSweepPatch([64, 64, 64], [93, 93, 93], null)).toBe(96);
  });
});

describe('Dice axis ticks', () => {
  it('are unique on a tiny range', () => {
    const t = linearTicks(0.9318, 0.9352, 5);
    const labels = t.values.map(t.format);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(['0.932', '0.933', '0.934', '0.935']);
    const tiny = linearTicks(0.9349, 0.9356, 5);
    expect(tiny.values.map(tiny.format)).toEqual(['0.9350', '0.9352', '0.9354', '0.9356']);
    expect(linearTicks(0, 1, 5).values.map(linearTicks(0, 1, 5).format)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(() => linearTicks(1, 0)).toThrow('linearTicks: need finite lo ≤ hi, got [1, 0]');
  });

  it('label the chart\'s Dice axis without duplicates when every Dice is within 0.0004', () => {
    const s = clone();
    s.configs.forEach((c, i) => (c.dice = 0.9351 + i * 0.0001));
    const svg = diceTimeChart(document, sweepView(s), SCREEN_THEME);
    const yTicks = [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
    expect(yTicks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(yTicks).size).toBe(yTicks.length);
  });

  it('label a sweep of one overlap with short overlap ticks (not "0.000000")', () => {
    const s = clone();
    s.configs.forEach((c) => (c.config = { ...c.config, overlap: c.config.overlap.map(() => 0) }));
    const svg = overlapTimeChart(document, sweepView(s), SCREEN_THEME);
    const xTicks = [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    expect(xTicks).toEqual(['0.00', '0.02', '0.04', '0.06', '0.08', '0.10']);
  });
});
