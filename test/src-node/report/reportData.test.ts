/** loadReportData on complete, partial and broken sweep folders; the map slicing; the HTML's robustness; helpers. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, describe, expect, it } from 'vitest';
import { colourBarSvg, heatmapFigure, VECTOR_CELL_LIMIT } from '../../../src-node/report/heatmap';
import { describeRule } from '../../../shared/format/text';
import { esc } from '../../../src-node/report/html';
import { mapReport } from '../../../src-node/report/mapReport';
import { paretoFront } from '../../../shared/sweep/pareto';
import { loadReportData } from '../../../src-node/report/reportData';
import { renderHtml } from '../../../src-node/report/renderHtml';
import { externalRefs } from './externalRefs';
import { buildSweepFixture, fixtureMap, FIXTURE_WARNINGS, PATCH } from './fixtures/buildSweepFixture';
import { pngStats } from './pngStats';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `case-${n++}`);
const NOW = new Date('2026-11-27T10:00:00.000Z');

/** Renders and returns the parsed document, checking it stays self-contained. */
function render(data: Awaited<ReturnType<typeof loadReportData>>): Document {
  const html = renderHtml(data);
  expect(externalRefs(html)).toEqual([]);
  return new JSDOM(html).window.document;
}

describe('loadReportData', () => {
  it('reads a complete sweep folder: summary, results, calibration map, time model, provenance', async () => {
    const data = await loadReportData(buildSweepFixture(fresh()), { now: NOW, generator: { name: 'PatchLens', version: '9.9.9' } });
    expect(data.summary).toMatchObject({ modelName: 'model5_gw_ae', caseIds: ['colin-a', 'colin-b'], configCount: 8, runCount: 16, measure: 'crossEntropy', diceMode: 'classes' });
    expect(data.performanceMap!.source).toContain('calibration run p16-o0-stride-constant-tta0');
    expect(data.performanceMap!.count).toBe(128);
    expect(data.timePredictions).toHaveLength(16);
    expect(data.timePredictions.filter((t) => !t.heldOut)).toHaveLength(2);
    expect(data.configs.find((c) => c.calibration)!.id).toBe('p16-o0-stride-constant-tta0');
    const c = data.configs.find((x) => x.id === 'p16-o0.5-stride-gaussian-tta0')!;
    expect(c.time.minMs).toBeLessThan(c.time.medianMs);
    expect(c.time.maxMs).toBeGreaterThan(c.time.medianMs);
    expect(c.dice.perClass.map((k) => k.name)).toEqual(['white matter', 'gray matter']);
    expect(data.recommendation!.savings.map((s) => s.label)).toEqual(['the most expensive configuration', 'the configuration whose overlap discards the map’s recommended margin']);
    expect(data.provenance).toMatchObject({ tfjsVersion: '4.22.0', backend: 'wasm', reportGeneratedAt: NOW.toISOString(), reportGenerator: { name: 'PatchLens', version: '9.9.9' } });
    expect(data.provenance.inputs).toHaveLength(4);
    expect(data.warnings).toEqual(FIXTURE_WARNINGS);
  });

  it('names what is missing: the folder, summary.json, or valid JSON in it', async () => {
    await expect(loadReportData(join(tmp, 'nowhere'))).rejects.toThrow(/loadReportData: the sweep folder .*nowhere does not exist/);
    const noSummary = buildSweepFixture(fresh(), { omit: ['summary'] });
    await expect(loadReportData(noSummary)).rejects.toThrow(new RegExp(`${noSummary}/summary\\.json is missing`));
    const broken = fresh();
    mkdirSync(broken);
    writeFileSync(join(broken, 'summary.json'), '{"format": "patchlens.sweep-summary", ');
    await expect(loadReportData(broken)).rejects.toThrow(/summary\.json is not valid JSON/);
    writeFileSync(join(broken, 'summary.json'), '[1, 2]');
    await expect(loadReportData(broken)).rejects.toThrow(/summary\.json must hold a JSON object/);
    writeFileSync(join(broken, 'summary.json'), '{}');
    await expect(loadReportData(broken)).rejects.toThrow(/no configurations and results\/ holds no readable case results/);
  });

  it('falls back to the results’ maps when the calibration .npy is missing, and says so', async () => {
    const data = await loadReportData(buildSweepFixture(fresh(), { omit: ['maps'] }), { now: NOW });
    expect(data.performanceMap!.source).toMatch(/merged over 16 runs/);
    expect(data.performanceMap!.shape).toEqual([PATCH, PATCH, PATCH]);
    expect(data.warnings.some((w) => w.includes('maps/p16-o0-stride-constant-tta0.npy could not be read'))).toBe(true);
    // The same map either way (float32 .npy vs float64 sums).
    const full = await loadReportData(buildSweepFixture(fresh()), { now: NOW });
    full.performanceMap!.slices[2].values.forEach((v, i) => expect(data.performanceMap!.slices[2].values[i]).toBeCloseTo(v, 5));
  });

  it('renders a folder with no results, no maps, no time model, no recommendation and no warnings', async () => {
    const data = await loadReportData(buildSweepFixture(fresh(), { omit: ['results', 'maps', 'timeModels', 'recommendation', 'warnings', 'sweep'] }), { now: NOW });
    expect(data.performanceMap).toBeNull();
    expect(data.borderProfile).toBeNull();
    expect(data.cases).toEqual([]);
    // A sweep summary that made no recommendation gets none from the report either (issue 12, item 2).
    expect(data.recommendation).toBeNull();
    expect(data.noRecommendation).toBe('The sweep made no recommendation; its summary gives no reason (see the warnings below).');
    const doc = render(data);
    expect(doc.querySelector('#summary #no-recommendation')!.textContent).toContain('its summary gives no reason');
    expect(doc.querySelector('#performance-map .missing')!.textContent).toContain('No patch performance map');
    expect(doc.querySelector('#cases .missing')!.textContent).toContain('No per-case results');
    expect(doc.querySelector('#tradeoff')!.textContent).toContain('Predicted against measured time');
    expect(doc.querySelectorAll('#config-table tbody tr')).toHaveLength(8);
  });

  it('reads a minimal report-data summary (configurations only) and fills the rest with defaults', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const cfg = (id: string, overlap: number, medianMs: number, dice: number) => ({ id, patchSize: [32, 32], overlap: [overlap, overlap], placement: 'stride', blend: 'gaussian', mirror: false, windows: 9, time: { medianMs }, dice: { mean: dice } });
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({ format: 'patchlens.report-data', version: 1, configs: [cfg('a', 0, 1000, 0.8), cfg('b', 0.25, 1500, 0.85), cfg('c', 0.5, 3000, 0.852), cfg('d', 0.5, 3500, 0.84)] }),
    );
    const data = await loadReportData(dir, { now: NOW });
    expect(data.configs.map((c) => c.onParetoFront)).toEqual([true, true, true, false]);
    expect(data.recommendation!.configId).toBe('b');
    expect(data.recommendation!.savings[0]).toMatchObject({ configId: 'd', savingMs: 2000 });
    expect(data.provenance.model).toBeNull();
    const doc = render(data);
    expect(doc.querySelector('#provenance')!.textContent).toContain('not recorded');
    expect(doc.querySelector('#tradeoff .missing')!.textContent).toContain('No time predictions');
  });

  it('accepts a report-data summary whose map is a PerformanceMapJSON accumulator, and skips unreadable results', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'results'), { recursive: true });
    const shape = [12, 20];
    const mean = Array.from({ length: 240 }, (_, i) => 0.1 + (Math.min(Math.floor(i / 20), 11 - Math.floor(i / 20), i % 20, 19 - (i % 20)) === 0 ? 0.5 : 0));
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({
        format: 'patchlens.report-data',
        configs: [{ id: 'x', patchSize: shape, overlap: [0.5, 0.5], placement: 'stride', blend: 'constant', mirror: false, windows: 4, time: { medianMs: 10 }, dice: { mean: 0.9 } }],
        performanceMap: { format: 'patchlens.performance-map', version: 1, shape, count: 10, measure: 'absoluteError', sum: mean.map((v) => v * 10) },
      }),
    );
    writeFileSync(join(dir, 'results', 'junk.json'), '{"not": "a result"}');
    writeFileSync(join(dir, 'results', 'broken.json'), '{');
    const data = await loadReportData(dir, { now: NOW });
    expect(data.performanceMap!.slices).toHaveLength(1);
    expect(data.performanceMap!.slices[0]).toMatchObject({ rows: 12, cols: 20, fixedAxis: null });
    expect(data.recommendation!.margin!.margin).toEqual([1, 1]);
    expect(data.warnings.some((w) => w.startsWith('results/broken.json was skipped'))).toBe(true);
    expect(data.warnings.some((w) => w.includes('not a readable case result'))).toBe(true);
    const doc = render(data);
    expect(doc.querySelectorAll('#fig-heatmap .panel')).toHaveLength(1);
  });
});

describe('mapReport', () => {
  it('slices a 3-D map through the patch centre (plane n/2 for an even size, centreIndex)', () => {
    const r = mapReport({ shape: [PATCH, PATCH, PATCH], data: fixtureMap(), measure: 'crossEntropy', count: 7 });
    expect(r.performanceMap.slices.map((s) => [s.fixedAxis, s.rowAxis, s.colAxis, s.rows, s.cols, s.position])).toEqual([
      [0, 1, 2, 16, 16, 8],
      [1, 0, 2, 16, 16, 8],
      [2, 0, 1, 16, 16, 8],
    ]);
    expect(r.performanceMap.slices[0].label).toBe('axis 0 at the patch centre (plane 8)');
    const m = fixtureMap();
    const at = (z: number, y: number, x: number) => m[(z * 16 + y) * 16 + x];
    expect(r.performanceMap.slices[0].values[3 * 16 + 5]).toBeCloseTo(at(8, 3, 5), 5);
    expect(r.performanceMap.slices[2].values[3 * 16 + 5]).toBeCloseTo(at(3, 5, 8), 5);
    expect(r.margin).toMatchObject({ margin: [2, 2, 2], overlap: [0.25, 0.25, 0.25] });
    expect(r.borderProfile.perAxis[2].mean[0]).toBeGreaterThan(r.borderProfile.perAxis[0].mean[0]);
  });

  it('takes the central plane of an odd size, drops size-1 axes and averages a 4th axis away', () => {
    const r = mapReport({ shape: [5, 1, 4, 3], data: Array.from({ length: 60 }, (_, i) => i), axisNames: ['z', 'c', 'y', 'x'] });
    expect(r.performanceMap.shape).toEqual([5, 4, 3]);
    expect(r.performanceMap.axisNames).toEqual(['z', 'y', 'x']);
    expect(r.performanceMap.slices[0]).toMatchObject({ position: 2, label: 'z at the patch centre (plane 2)', rows: 4, cols: 3 });
    expect(r.performanceMap.slices[0].values[0]).toBe(24);
    const four = mapReport({ shape: [2, 2, 2, 2], data: Array.from({ length: 16 }, (_, i) => i) });
    expect(four.performanceMap.shape).toEqual([2, 2, 2]);
    expect(four.performanceMap.source).toContain('averaged over axis 3');
    expect(() => mapReport({ shape: [2, 2], data: [1, 2, 3] })).toThrow(/mapReport: the map has 3 values but shape \[2, 2\] needs 4/);
    expect(() => mapReport({ shape: [2], data: [1, NaN] })).toThrow(/not finite/);
  });

  it('draws large slices as a PNG data URI (one pixel per position) and small ones as vector cells', () => {
    const doc = new JSDOM('').window.document;
    const big = mapReport({ shape: [96, 96], data: Array.from({ length: 96 * 96 }, (_, i) => Math.sin(i / 50)) });
    expect(96 * 96).toBeGreaterThan(VECTOR_CELL_LIMIT);
    const html = heatmapFigure(doc, big.performanceMap, big.margin);
    const uri = /href="(data:image\/png;base64,[^"]+)"/.exec(html)![1];
    const png = pngStats(Buffer.from(uri.split(',')[1], 'base64'));
    expect([png.width, png.height]).toEqual([96, 96]);
    expect(png.levels).toBeGreaterThan(4);
    expect(externalRefs(html)).toEqual([]);
    const small = mapReport({ shape: [8, 8], data: Array.from({ length: 64 }, (_, i) => i) });
    const smallHtml = heatmapFigure(doc, small.performanceMap, null);
    expect(smallHtml).not.toContain('data:image/png');
    expect(new JSDOM(smallHtml).window.document.querySelectorAll('.panel svg rect').length).toBeGreaterThanOrEqual(64);
    // A flat map still gets a colour bar.
    const flat = mapReport({ shape: [4, 4], data: new Array(16).fill(0.25) });
    expect(colourBarSvg(doc, flat.performanceMap)).toContain('<svg');
  });
});

describe('helpers', () => {
  it('paretoFront keeps the points nothing dominates', () => {
    expect(paretoFront([{ timeMs: 1, dice: 0.8 }, { timeMs: 2, dice: 0.9 }, { timeMs: 2, dice: 0.85 }, { timeMs: 3, dice: 0.9 }, { timeMs: 1, dice: 0.8 }])).toEqual([true, true, false, false, true]);
  });

  it('esc escapes markup and never leaves an address in text', () => {
    expect(esc('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(esc('see https://example.org/x')).toBe('see https&#58;//example.org/x');
    expect(externalRefs(`<p>${esc('https://example.org')}</p>`)).toEqual([]);
  });

  it('describeRule puts the sweep rule syntax in words', () => {
    expect(describeRule('fastest-within:0.5%')).toBe('the fastest configuration whose mean Dice is within 0.5 % of the best (fastest-within:0.5%)');
    expect(describeRule('fastest-above:0.9')).toBe('the fastest configuration with a mean Dice of at least 0.9 (fastest-above:0.9)');
    expect(describeRule('max-efficiency')).toContain('most Dice per second');
    expect(describeRule('my own rule')).toBe('my own rule');
  });

  it('externalRefs catches every way out of the file', () => {
    const bad = [
      '<img src="https://x.org/a.png">',
      '<img src="//cdn.x.org/a.png">',
      '<a href="files/x.pdf">',
      '<image xlink:href="pic.png"/>',
      '<style>@import "x.css";</style>',
      '<div style="background:url(pic.png)">',
      "<style>a{background:url('//x.org/p.png')}</style>",
      '<script src="a.js"></script>',
      '<link rel="stylesheet" href="a.css">',
      '<iframe></iframe>',
    ];
    for (const b of bad) expect(externalRefs(b).length, b).toBeGreaterThan(0);
    const good = ['<a href="#warnings">', '<img src="data:image/png;base64,AAAA">', '<g clip-path="url(#plot-clip-1)">', '<p>1 // 2</p>', '<style>a{b:url(data:image/png;base64,AA)}</style>'];
    for (const g of good) expect(externalRefs(g), g).toEqual([]);
  });
});
