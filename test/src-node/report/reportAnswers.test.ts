/**
 * The report states only what the measurements support (issue 12, items 2, 3, 4, 12, 13): no
 * recommendation without one (and the reason, in its place and in Warnings); savings and
 * "beats" only beyond the measured noise, with median and spread; the time model's measured
 * error in the text; the inputs' SHA-256; the "recommended" label beside its star.
 *
 * Checked against the code before the fix: each `it` below failed there (the report applied its
 * own default rule to a null recommendation, said "beats gaussian in 1 of 1" for +0.0008 Dice,
 * "saves … s" for overlapping timings, printed the time model's error only in a chart caption,
 * "SHA-256 not recorded" when only sweep.json had the hashes, and drew the label over the star).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL_H, LABEL_W, STAR_EXTENT } from '../../../shared/charts/tradeoffMarks';
import { labelBox, placeLabel } from '../../../shared/charts/labelPlacement';
import { loadReportData } from '../../../src-node/report/reportData';
import { renderHtml } from '../../../src-node/report/renderHtml';
import { buildSweepFixture, CASES, INPUT_SHA256 } from './fixtures/buildSweepFixture';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-answers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `case-${n++}`);
const NOW = new Date('2026-11-27T10:00:00.000Z');

/** The fixture sweep with summary.json edited by `edit`. */
function editedFixture(edit: (summary: Record<string, unknown>, sweep: Record<string, unknown>) => void): string {
  const dir = buildSweepFixture(fresh());
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
  edit(summary, sweep);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep));
  return dir;
}

async function reportOf(dir: string): Promise<{ data: Awaited<ReturnType<typeof loadReportData>>; doc: Document; text: string }> {
  const data = await loadReportData(dir, { now: NOW });
  const doc = new JSDOM(renderHtml(data)).window.document;
  return { data, doc, text: doc.body.textContent!.replace(/\s+/g, ' ') };
}

const warningItems = (doc: Document) => Array.from(doc.querySelectorAll('#warnings li')).map((li) => li.textContent!.replace(/\s+/g, ' '));

/** A report-data summary: configurations and per-case rows (timed runs, Dice) only. */
function reportDataFolder(configs: { id: string; blend: string; overlap: number; windows: number; runs: number[][]; dice: number[] }[]): string {
  const dir = fresh();
  mkdirSync(dir);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify({
      format: 'patchlens.report-data',
      version: 1,
      summary: { caseIds: ['c1', 'c2', 'c3'] },
      configs: configs.map((c) => ({ id: c.id, patchSize: [24, 24, 24], overlap: [c.overlap, c.overlap, c.overlap], placement: 'stride', blend: c.blend, mirror: false, windows: c.windows, time: { medianMs: mean(c.runs.map(median)) }, dice: { mean: mean(c.dice) } })),
      cases: configs.flatMap((c) =>
        c.runs.map((runs, i) => ({ caseId: `c${i + 1}`, configId: c.id, windows: c.windows, timing: { medianMs: median(runs), minMs: Math.min(...runs), maxMs: Math.max(...runs), runsMs: runs }, dice: { mean: c.dice[i] } })),
      ),
    }),
  );
  return dir;
}

describe('the report of a sweep that made no recommendation (item 2)', () => {
  it('shows the explanation in place of the recommendation, no "recommended" or "saves", and lists it in Warnings', async () => {
    const why = "every configuration's Dice is below 0.1 (best 0.0003, p16-o0-stride-constant-tta0): the segmentation fails or the reference does not mark what the model segments, so there is no recommendation.";
    const dir = editedFixture((s) => {
      s.recommendation = null;
      s.noRecommendation = why;
      s.findings = [];
    });
    const { data, doc, text } = await reportOf(dir);
    expect(data.recommendation).toBeNull();
    expect(data.noRecommendation).toBe(why);
    expect(doc.querySelector('#recommendation')).toBeNull();
    // Shown as a sentence (capital first letter).
    const shown = `E${why.slice(1)}`;
    expect(doc.querySelector('#summary #no-recommendation')!.textContent).toContain(shown);
    expect(doc.querySelector('#summary table.savings')).toBeNull();
    expect(text).not.toMatch(/Recommended:|★ recommended|\bsaves\b/);
    expect(doc.querySelectorAll('.recommended-star, .recommended-label')).toHaveLength(0);
    expect(Array.from(doc.querySelectorAll('svg text')).some((t) => t.textContent === 'recommended')).toBe(false);
    expect(doc.querySelectorAll('#config-table tr.rec')).toHaveLength(0);
    expect(warningItems(doc)[0]).toBe(`No recommendation. ${shown}`);
    expect(doc.querySelector('#summary .warnbox')!.textContent).toContain(`${warningItems(doc).length} warnings`);
  });

  it('never shows an older summary’s recommendation whose Dice is below the quality floor (0.1)', async () => {
    const dir = editedFixture((s) => {
      for (const c of s.configs as { dice: number }[]) c.dice = 0.0002;
      (s.recommendation as { dice: number }).dice = 0.0002;
    });
    const { data, doc, text } = await reportOf(dir);
    expect(data.recommendation).toBeNull();
    expect(data.noRecommendation).toMatch(/^every configuration's Dice is below 0\.1 \(best 0\.0002, p16-o0-stride-constant-tta0\)/);
    expect(text).not.toMatch(/Recommended:|\bsaves\b/);
    expect(warningItems(doc)[0]).toContain("No recommendation. Every configuration's Dice is below 0.1");
  });
});

describe('comparisons beyond the noise only (item 3)', () => {
  // The case: performance-weighted "beats" gaussian by +0.0008 Dice at overlap 0, with the same 80 windows.
  const blendDir = () =>
    reportDataFolder([
      { id: 'p24-o0-stride-gaussian-tta0', blend: 'gaussian', overlap: 0, windows: 80, runs: [[741, 812, 943], [760, 801, 905], [770, 830, 911]], dice: [0.9301, 0.9352, 0.9327] },
      { id: 'p24-o0-stride-performance-weighted-tta0', blend: 'performance-weighted', overlap: 0, windows: 80, runs: [[752, 790, 921], [748, 799, 933], [781, 815, 899]], dice: [0.9311, 0.9358, 0.9335] },
      { id: 'p24-o0.5-stride-gaussian-tta0', blend: 'gaussian', overlap: 0.5, windows: 441, runs: [[9100, 9300, 9500], [9000, 9200, 9600], [9150, 9350, 9400]], dice: [0.948, 0.951, 0.949] },
    ]);

  it('calls +0.0008 Dice of performance-weighted against gaussian "no difference", not "beats", and lists it in Warnings', async () => {
    const { data, doc } = await reportOf(blendDir());
    const row = doc.querySelector('table.blend tbody tr')!.textContent!;
    expect(row).toContain('+0.0008');
    expect(row).toContain('no difference');
    expect(row).toContain('within noise (748–933 ms vs 741–943 ms)');
    const para = doc.querySelector('#weighted-vs-gaussian')!.nextElementSibling!.textContent!;
    expect(para).toContain('better than gaussian in 0 of 1 setting(s), worse in 0, and shows no difference in 1');
    expect(doc.body.textContent).not.toMatch(/\bbeats gaussian in 1\b/);
    const finding = data.findings.find((f) => f.startsWith('performance-weighted vs gaussian blending (patch 24 · overlap 0 · stride)'))!;
    expect(finding).toMatch(/Dice \+0\.0008, no difference \(95 % CI [−+]0\.\d{4}…\+0\.\d{4} over 3 cases; below 0\.005\); time within noise/);
    expect(warningItems(doc)).toContain(finding);
    expect(doc.querySelector('#warnings')!.textContent).not.toContain('None.');
  });

  it('says "within noise" with both ranges instead of "saves" when the recommendation’s timed runs overlap the other’s', async () => {
    // Recommended: the quicker median (1.00 s) but its runs overlap the other's (0.95–1.08 s).
    const dir = reportDataFolder([
      { id: 'p24-o0-stride-constant-tta0', blend: 'constant', overlap: 0, windows: 80, runs: [[900, 1000, 1100], [910, 1000, 1090], [920, 1000, 1080]], dice: [0.93, 0.94, 0.935] },
      { id: 'p24-o0-stride-crop-tta0', blend: 'crop', overlap: 0, windows: 80, runs: [[950, 1040, 1080], [960, 1030, 1070], [955, 1050, 1075]], dice: [0.931, 0.939, 0.936] },
    ]);
    const { data, doc } = await reportOf(dir);
    expect(data.recommendation!.configId).toBe('p24-o0-stride-constant-tta0');
    const s = data.recommendation!.savings[0];
    expect(s.time!.verdict).toBe('within noise');
    expect(s.time!.a).toEqual({ medianMs: 1000, minMs: 900, maxMs: 1100 });
    const callout = doc.querySelector('#recommendation')!.textContent!.replace(/\s+/g, ' ');
    expect(callout).not.toMatch(/\bsaves\b/);
    expect(callout).toContain('It takes the same time, within noise (0.90–1.10 s vs 0.95–1.08 s), with the same number of windows (no saving is claimed)');
    expect(callout).toMatch(/no difference in Dice \(Dice −0\.0003, no difference/);
    expect(doc.querySelector('table.savings tbody')!.textContent).toContain('within noise');
    expect(warningItems(doc).some((w) => w.includes('time within noise (0.90–1.10 s vs 0.95–1.08 s); no saving is claimed'))).toBe(true);
  });

  it('keeps "saves" for a saving beyond the noise, with the ranges beside it', async () => {
    const { data, doc } = await reportOf(buildSweepFixture(fresh()));
    const s = data.recommendation!.savings[0];
    expect(s.time!.verdict).toBe('faster');
    const callout = doc.querySelector('#recommendation')!.textContent!.replace(/\s+/g, ' ');
    expect(callout).toMatch(/saves \d+(\.\d+)? s per case \(\d+ %\)/);
    expect(callout).toContain('saves 16.3 s per case (86 %) with the same number of windows (faster by 16.3 s (2.47–2.88 s vs 17.8–20.6 s))');
  });
});

describe('the time model’s measured error in the text (item 4)', () => {
  it('prints the held-out mean and worst error per case and machine, in the summary and beside the chart', async () => {
    const dir = buildSweepFixture(fresh());
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const { data, doc } = await reportOf(dir);
    expect(data.timeModelErrors.map((e) => [e.caseId, e.machine, e.heldOut])).toEqual([
      ['colin-a', 'ws-01', 7],
      ['colin-b', 'ws-01', 7],
    ]);
    expect(data.timeModelErrors[0].meanAbsErrorPct).toBe(summary.timeModels[0].meanAbsErrorPct);
    const text = doc.querySelector('#time-model-error')!.textContent!;
    const [a, b] = summary.timeModels as { meanAbsErrorPct: number; maxAbsErrorPct: number }[];
    expect(text).toContain('over the 14 held-out configuration runs it was not fitted on');
    expect(text).toContain(`colin-a on ws-01: mean ${a.meanAbsErrorPct.toFixed(1)} %, worst ${a.maxAbsErrorPct.toFixed(1)} % over 7`);
    expect(text).toContain(`colin-b on ws-01: mean ${b.meanAbsErrorPct.toFixed(1)} %, worst ${b.maxAbsErrorPct.toFixed(1)} % over 7`);
    expect(text).toContain(`worst ${Math.max(a.maxAbsErrorPct, b.maxAbsErrorPct).toFixed(1)} %`);
    expect(doc.querySelector('#time-model-error-summary')!.textContent).toBe(text);
  });
});

describe('input files with their SHA-256 (item 13)', () => {
  it('shows the hashes sweep.json records when the summary’s cases lack them', async () => {
    const dir = editedFixture((s) => {
      for (const c of s.cases as Record<string, unknown>[]) {
        delete c.imageSha256;
        delete c.labelSha256;
      }
    });
    const { data, doc } = await reportOf(dir);
    expect(data.provenance.inputs.map((i) => i.sha256)).toEqual(CASES.flatMap((c) => [INPUT_SHA256[c].image, INPUT_SHA256[c].label]));
    const table = doc.querySelector('#provenance table.inputs')!.textContent!;
    for (const c of CASES) expect(table).toContain(INPUT_SHA256[c].label);
    expect(table).not.toContain('not recorded');
  });
});

describe('the "recommended" label (item 12)', () => {
  /** Pixel centres of a chart's marks of a class ('' for the plain dots), from Plot's translate()s. */
  function centres(svg: Element, selector: string): { x: number; y: number }[] {
    const out: { x: number; y: number }[] = [];
    for (const g of Array.from(svg.querySelectorAll(selector))) {
      const gdx = Number(/translate\(([-\d.]+),/.exec(g.getAttribute('transform') ?? '')?.[1] ?? 0);
      for (const el of Array.from(g.children)) {
        const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(el.getAttribute('transform') ?? '');
        if (m) out.push({ x: Number(m[1]) + gdx, y: Number(m[2]) });
      }
    }
    return out;
  }

  it('sits beside its star, clear of the star and of every other marker, in both trade-off charts', async () => {
    const { doc } = await reportOf(buildSweepFixture(fresh()));
    for (const id of ['#fig-overlap-time', '#fig-dice-time']) {
      const svg = Array.from(doc.querySelectorAll(`${id} svg`)).find((s) => Number(s.getAttribute('width')) > 600)!;
      const [star] = centres(svg, '.recommended-star');
      const label = svg.querySelector('.recommended-label')!;
      const [at] = centres(svg, '.recommended-label');
      const anchor = label.getAttribute('text-anchor') as 'start' | 'middle' | 'end';
      const box = labelBox({ x: at.x, y: at.y }, { dx: 0, dy: 0, textAnchor: anchor ?? 'middle' }, LABEL_W, LABEL_H);
      const inBox = (p: { x: number; y: number }, r: number) => p.x + r > box[0] && p.x - r < box[2] && p.y + r > box[1] && p.y - r < box[3];
      expect(inBox(star, STAR_EXTENT), `${id}: the label overlaps its star`).toBe(false);
      const dots = centres(svg, 'g[aria-label="dot"]:not(.recommended-star):not(.pareto-ring)').filter((p) => Math.hypot(p.x - star.x, p.y - star.y) > 1);
      expect(dots.length).toBeGreaterThan(0);
      for (const d of dots) expect(inBox(d, 4.5), `${id}: a marker at ${d.x},${d.y} is under the label`).toBe(false);
      // Drawn last: no marker is painted over it.
      expect(svg.lastElementChild!.getAttribute('class')).toBe('recommended-label');
    }
  });

  it('placeLabel takes the first free side, in order right, left, above, below, inside the frame', () => {
    const frame: [number, number, number, number] = [0, 0, 600, 300];
    expect(placeLabel({ x: 100, y: 100 }, 22, [], frame, 84, 14)).toEqual({ dx: 25, dy: 0, textAnchor: 'start' });
    expect(placeLabel({ x: 200, y: 100 }, 22, [{ x: 250, y: 100, r: 5 }], frame, 84, 14)).toEqual({ dx: -25, dy: 0, textAnchor: 'end' });
    // Too close to the left edge for the left side: above.
    expect(placeLabel({ x: 100, y: 100 }, 22, [{ x: 150, y: 100, r: 5 }], frame, 84, 14)).toEqual({ dx: 0, dy: -32, textAnchor: 'middle' });
    // Near the right edge (right, above and below leave the frame) with a neighbour on the left: up and to the left.
    expect(placeLabel({ x: 560, y: 100 }, 22, [{ x: 500, y: 100, r: 5 }], frame, 84, 14)).toEqual({ dx: -25, dy: -25, textAnchor: 'end' });
  });
});
