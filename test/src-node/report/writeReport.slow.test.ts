/**
 * End to end: a hand-made sweep folder → writeReport → report.html, report.json, report.pdf.
 * The HTML is parsed (jsdom) and checked figure by figure and for any external reference; the
 * PDF is read back (title, attachment), then rendered with pdftoppm and every page decoded to
 * prove it has ink. With UPDATE_SCREENSHOT=1, page 1 is saved as docs/report-page1.png.
 *
 * The PDF parts need Debian's Chromium (/usr/bin/chromium, or PATCHLENS_CHROMIUM) and pdftoppm
 * (poppler-utils); without them they are skipped with a message saying which one is missing.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../helpers/sharedData';
import { JSDOM } from 'jsdom';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPdfAttachments } from '../../helpers/readPdfAttachments';
import { DEFAULT_CHROMIUM } from '../../../src-node/report/renderPdf';
import { writeReport, type WrittenReport } from '../../../src-node/report/writeReport';
import { chromiumTool, commandTool, requireTools } from '../../helpers/requireTool';
import { externalRefs } from './externalRefs';
import { buildSweepFixture, CASES, FIXTURE_CONFIG_IDS, FIXTURE_WARNINGS, INPUT_SHA256, MODEL_SHA256 } from './fixtures/buildSweepFixture';
import { pngStats } from './pngStats';

const chromiumPath = process.env.PATCHLENS_CHROMIUM ?? DEFAULT_CHROMIUM;
function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const pdftoppm = which('pdftoppm');
const poppler = 'apt-get install -y poppler-utils';
const canPdf = requireTools('writeReport.test (the PDF checks)', [chromiumTool(chromiumPath), commandTool('pdftoppm', poppler), commandTool('pdftotext', poppler)]);

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-'));
const NOW = new Date('2026-11-27T10:00:00.000Z');
let written: WrittenReport;
let html = '';
let doc: Document;

beforeAll(async () => {
  const dir = buildSweepFixture(join(tmp, 'sweep'));
  written = await writeReport(dir, { now: NOW, pdf: canPdf });
  html = readFileSync(written.html, 'utf8');
  doc = new JSDOM(html).window.document;
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('writeReport', () => {
  it('writes report.html, report.json (and report.pdf) into the sweep folder and returns absolute paths', () => {
    expect(written.html).toBe(resolve(tmp, 'sweep', 'report.html'));
    expect(written.json).toBe(resolve(tmp, 'sweep', 'report.json'));
    expect(existsSync(written.html) && existsSync(written.json)).toBe(true);
    if (canPdf) expect(written.pdf).toBe(resolve(tmp, 'sweep', 'report.pdf'));
    const json = JSON.parse(readFileSync(written.json, 'utf8'));
    expect(json.format).toBe('patchlens.report-data');
    expect(json.configs).toHaveLength(8);
    expect(json).toEqual(JSON.parse(JSON.stringify(written.data)));
  });

  it('parses as one HTML document with the sections in reading order, summary first', () => {
    expect(doc.title).toBe('PatchLens report: model5_gw_ae');
    const ids = Array.from(doc.querySelectorAll('main > section')).map((s) => s.id);
    expect(ids).toEqual(['summary', 'performance-map', 'tradeoff', 'configurations', 'cases', 'provenance', 'warnings']);
    expect(doc.querySelectorAll('svg').length).toBeGreaterThanOrEqual(8);
  });

  it('leads with the recommendation: configuration, Dice, time, saving in seconds and windows, the rule, map margin beside it', () => {
    const rec = written.data.recommendation!;
    expect(rec.configId).toBe('p16-o0.25-stride-crop-tta0');
    const callout = doc.querySelector('#summary #recommendation')!.textContent!;
    expect(callout).toContain('patch 16³ · overlap 0.25 · stride · crop');
    expect(callout).toContain(rec.dice.toFixed(4));
    expect(callout).toMatch(/saves \d+(\.\d+)? s per case \(\d+ %\)/);
    expect(callout).toContain('within 0.5 % of the best (fastest-within:0.5%)');
    const saving = doc.querySelector('#summary table.savings')!.textContent!;
    expect(saving).toContain('the most expensive configuration');
    const side = doc.querySelector('#summary table.side')!.textContent!;
    expect(side).toContain('from the map (recommendMargin)');
    expect(rec.margin).toMatchObject({ margin: [2, 2, 2], overlap: [0.25, 0.25, 0.25], configId: 'p16-o0.25-stride-crop-tta0' });
  });

  it('shows the 3-D map as three 16×16 slices through the patch centre with a colour bar and the colormap named', () => {
    const fig = doc.querySelector('#fig-heatmap')!;
    const panels = fig.querySelectorAll('.panel');
    expect(panels).toHaveLength(3);
    for (const p of Array.from(panels)) {
      // 256 cells + the dashed crop outline (+ the frame is a rect too).
      expect(p.querySelectorAll('svg rect').length).toBeGreaterThanOrEqual(256);
      expect(p.textContent).toMatch(/at the patch centre \(plane 8\)/);
    }
    expect(fig.querySelector('.colourbar svg')).not.toBeNull();
    expect(fig.querySelector('.colourbar')!.textContent).toMatch(/Colormap: viridis/);
    expect(fig.querySelector('.colourbar svg')!.textContent).toContain('crossEntropy');
    // The border effect: the corner of the central slice is brighter (higher error) than its centre.
    const slice = written.data.performanceMap!.slices[0];
    expect(slice.values[0]).toBeGreaterThan(slice.values[8 * 16 + 8] * 2);
  });

  it('draws the border profile per axis and to the nearest border', () => {
    const fig = doc.querySelector('#fig-border-profile')!;
    expect(fig.querySelector('svg')).not.toBeNull();
    const legend = fig.textContent!;
    for (const name of ['along axis 0', 'along axis 1', 'along axis 2', 'to the nearest border']) expect(legend).toContain(name);
    const p = written.data.borderProfile!;
    expect(p.perAxis).toHaveLength(3);
    expect(p.nearest.distance).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(p.nearest.mean[0]).toBeGreaterThan(p.nearest.mean[7]);
  });

  it('draws overlap against time and Dice against time with the Pareto front ringed and the recommendation marked', () => {
    const front = written.data.configs.filter((c) => c.onParetoFront).length;
    expect(front).toBe(5);
    for (const id of ['#fig-overlap-time', '#fig-dice-time']) {
      const fig = doc.querySelector(id)!;
      // The chart's own SVG (the legend swatches are small SVGs too).
      const svg = Array.from(fig.querySelectorAll('svg')).find((s) => Number(s.getAttribute('width')) > 600)!;
      expect(svg.querySelectorAll('.pareto-ring circle'), id).toHaveLength(front);
      expect(svg.querySelectorAll('.recommended-star path'), id).toHaveLength(1);
      expect(svg.textContent).toContain('recommended');
      for (const b of ['constant', 'gaussian', 'crop']) expect(fig.textContent, id).toContain(b);
      expect(fig.querySelector('figcaption')!.textContent).toContain('Pareto front');
    }
    // The front as a step line in the Dice chart.
    const d = doc.querySelector('#fig-dice-time .pareto-front path')!.getAttribute('d')!;
    expect(d.match(/[ML]/g)).toHaveLength(1 + 2 * (front - 1));
    expect(doc.querySelector('#fig-predicted-measured svg')).not.toBeNull();
  });

  it('lists every configuration and every case × configuration row', () => {
    const rows = doc.querySelectorAll('#config-table tbody tr');
    expect(rows).toHaveLength(8);
    const table = doc.querySelector('#config-table')!.textContent!;
    for (const id of FIXTURE_CONFIG_IDS) expect(table).toContain(id);
    expect(doc.querySelectorAll('#config-table tbody tr.rec')).toHaveLength(1);
    for (const h of ['Dice white matter', 'Dice gray matter', 'mean Dice', 'Dice/s']) expect(doc.querySelector('#config-table thead')!.textContent).toContain(h);
    const caseRows = Array.from(doc.querySelectorAll('#case-table tbody tr')).map((r) => `${r.children[0].textContent} ${r.children[1].textContent}`);
    expect(caseRows).toHaveLength(16);
    for (const c of CASES) for (const id of FIXTURE_CONFIG_IDS) expect(caseRows).toContain(`${c} ${id}`);
  });

  it('records provenance (model hash, input hashes, versions, backend, GPU renderer) and the warnings', () => {
    const prov = doc.querySelector('#provenance')!.textContent!;
    expect(prov).toContain(MODEL_SHA256);
    for (const c of CASES) {
      expect(prov).toContain(INPUT_SHA256[c].image);
      expect(prov).toContain(INPUT_SHA256[c].label);
    }
    for (const s of ['PatchLens 0.1.0', '4.22.0', 'wasm', 'SwiftShader', 'model5_gw_ae', '2026-11-27T10:00:00.000Z', 'ws-01']) expect(prov).toContain(s);
    const warnings = Array.from(doc.querySelectorAll('#warnings li')).map((li) => li.textContent);
    for (const w of FIXTURE_WARNINGS) expect(warnings).toContain(w);
    expect(doc.querySelector('#summary .warnbox')!.textContent).toContain(`${warnings.length} warnings`);
  });

  it('is self-contained: no external URL, import or loading element anywhere', () => {
    expect(externalRefs(html)).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(doc.querySelectorAll('script, link, iframe, object, embed, img[src^="http"]')).toHaveLength(0);
    for (const el of Array.from(doc.querySelectorAll('[src], [href]'))) {
      const v = el.getAttribute('src') ?? el.getAttribute('href')!;
      expect(v.startsWith('data:') || v.startsWith('#'), v).toBe(true);
    }
  });

  it.runIf(canPdf)('writes an A4 PDF with its Title set and report.json attached', async () => {
    const bytes = readFileSync(written.pdf!);
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getTitle()).toBe('PatchLens report: model5_gw_ae');
    expect(pdf.getAuthor()).toMatch(/^PatchLens /);
    expect(pdf.getCreator()).toMatch(/^PatchLens /);
    expect(pdf.getSubject()).toContain('8 configurations on 2 case(s)');
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(2);
    const { width, height } = pdf.getPage(0).getSize();
    // A4: 595.3 × 841.9 pt (Chromium rounds to 8.27 × 11.7 in).
    expect(Math.abs(width - 595.3)).toBeLessThan(1.5);
    expect(Math.abs(height - 841.9)).toBeLessThan(1.5);
    const attachments = await readPdfAttachments(bytes);
    expect(attachments.map((a) => a.name)).toEqual(['report.json']);
    expect(new TextDecoder().decode(attachments[0].bytes)).toBe(readFileSync(written.json, 'utf8'));
    expect(attachments[0].description).toContain('patchlens.report-data');
  });

  it.runIf(canPdf)('renders: pdftoppm gives at least 2 pages, each with ink, page 1 the summary', () => {
    const out = join(tmp, 'pages');
    mkdirSync(out);
    execFileSync(pdftoppm!, ['-png', '-r', '50', written.pdf!, join(out, 'page')]);
    const pages = readdirSync(out).filter((f) => f.endsWith('.png')).sort();
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const p of pages) {
      const s = pngStats(readFileSync(join(out, p)));
      // A4 (210 × 297 mm) at 50 dpi is about 413 × 585 pixels.
      expect(Math.abs(s.width - 413), `${p} width ${s.width}`).toBeLessThanOrEqual(2);
      expect(Math.abs(s.height - 585), `${p} height ${s.height}`).toBeLessThanOrEqual(2);
      expect(s.inkFraction, `${p} is blank`).toBeGreaterThan(0.01);
      expect(s.levels, p).toBeGreaterThan(2);
    }
    // Page 1 is the summary (its text is real text, not an image), the page numbers are printed.
    const pdftotext = which('pdftotext');
    if (pdftotext) {
      const page1 = execFileSync(pdftotext, ['-f', '1', '-l', '1', '-layout', written.pdf!, '-'], { encoding: 'utf8' });
      expect(page1).toContain('1. Summary and recommendation');
      expect(page1).toContain('Recommended: patch 16³ · overlap 0.25 · stride · crop');
      expect(page1).toMatch(new RegExp(`page 1 of ${pages.length}`));
    }
    // The heatmap page holds colour: a lot more ink than a text page.
    const inks = pages.map((p) => pngStats(readFileSync(join(out, p))).inkFraction);
    expect(Math.max(...inks)).toBeGreaterThan(0.05);
    if (process.env.UPDATE_SCREENSHOT === '1') {
      const docs = resolve(repoRoot, 'docs');
      mkdirSync(docs, { recursive: true });
      execFileSync(pdftoppm!, ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', written.pdf!, join(out, 'shot')]);
      copyFileSync(join(out, 'shot.png'), join(docs, 'report-page1.png'));
      console.log(`writeReport.test: saved ${join(docs, 'report-page1.png')}`);
    }
  });
});
