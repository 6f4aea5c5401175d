/**
 * The report's Findings section: the rows of a findings file, the thumbnails (real PNGs of the
 * right slice, the finding drawn where it is, the label overlay), the HTML section and its
 * numbering, the JSON sidecar, and the section without an image.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportData } from '../../../src-node/report/reportData';
import type { ReportData, ReportFindingThumbnail } from '../../../src-node/report/reportTypes';
import { renderHtml } from '../../../src-node/report/renderHtml';
import { FINDING_MARK, LABEL_COLOURS, OVERLAY_ALPHA, userFindings } from '../../../src-node/report/userFindings';
import { writeReport } from '../../../src-node/report/writeReport';
import { externalRefs } from './externalRefs';
import { buildSweepFixture } from './fixtures/buildSweepFixture';
import { SHAPE, testFindings, testImage, testLabels } from './fixtures/findingsFixture';
import { decodePng } from './pngStats';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-user-findings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NOW = new Date('2026-11-27T10:00:00.000Z');

/** The RGB of pixel (x, y) of a thumbnail. */
function pixel(t: ReportFindingThumbnail, x: number, y: number): number[] {
  const png = decodePng(Buffer.from(t.png.split(',')[1], 'base64'));
  expect(png.channels).toBe(3);
  expect([png.width, png.height]).toEqual([t.width, t.height]);
  const i = (y * png.width + x) * 3;
  return [...png.pixels.subarray(i, i + 3)];
}
/** The centre pixel of voxel (u, v) of a thumbnail. */
const at = (t: ReportFindingThumbnail, u: number, v: number) => pixel(t, v * t.scale + (t.scale >> 1), u * t.scale + (t.scale >> 1));
const grey = (value: number, lo: number, hi: number) => Math.round((255 * (value - lo)) / (hi - lo));

describe('userFindings', () => {
  const section = userFindings(testFindings(), { image: testImage(), labels: testLabels() });

  it('has one row per finding: category, severity, note, author, time, where, the patch sentence', () => {
    expect(section.image).toEqual({ name: 'case.nii.gz', sha256: null, shape: SHAPE });
    expect(section.noThumbnails).toBeNull();
    expect(section.labelsOverlay).toBe(true);
    expect(section.findings.map(({ thumbnail, ...row }) => (expect(thumbnail).not.toBeNull(), row))).toEqual([
      {
        id: 'f1',
        category: 'border artefact',
        severity: 3,
        note: 'seam <at> the window edge',
        author: 'ana',
        time: '2026-12-07T14:30:00.000Z',
        edited: null,
        where: 'point at voxel [3, 10, 12]',
        patch: 'window 4 at [0, 8, 8], patch position [3, 2, 4], 2 voxels from the patch border; 1 window covers it',
        patchRun: 'r1',
      },
      { id: 'f2', category: 'missed structure', severity: 1, note: '', author: 'ben', time: '2026-12-07T15:00:00.000Z', edited: '2026-12-08T09:00:00.000Z', where: 'polygon of 4 points on slice 5 of axis 1', patch: null, patchRun: null },
      { id: 'f3', category: 'reference error', severity: 2, note: 'label slipped', author: 'ana', time: '2026-12-07T16:00:00.000Z', edited: null, where: '2 voxels', patch: null, patchRun: null },
    ]);
  });

  it("a point's thumbnail: axis 0 through the point, the grey slice, the overlay and the point with its ring in cyan", () => {
    const t = section.findings[0].thumbnail!;
    // 20 × 24 voxels, scale floor(240 / 24) = 10.
    expect(t).toMatchObject({ axis: 0, slice: 3, rowAxis: 1, colAxis: 2, width: 240, height: 200, scale: 10 });
    expect(at(t, 10, 12)).toEqual([...FINDING_MARK]);
    expect(at(t, 12, 12)).toEqual([...FINDING_MARK]); // the ring, two voxels out
    expect(at(t, 8, 14)).toEqual([...FINDING_MARK]);
    // Between the point and its ring: the image (slice 3 runs from 3000 to 3479).
    const g = grey(3000 + 11 * 24 + 12, 3000, 3479);
    expect(at(t, 11, 12)).toEqual([g, g, g]);
    expect(at(t, 19, 0)).toEqual([grey(3000 + 19 * 24, 3000, 3479), grey(3000 + 19 * 24, 3000, 3479), grey(3000 + 19 * 24, 3000, 3479)]);
    // Label 1 at (4, 4) and label 2 at (15, 15): the label colours blended over the grey.
    const blend = (value: number, c: readonly number[]) => c.map((k) => Math.round((1 - OVERLAY_ALPHA) * grey(value, 3000, 3479) + OVERLAY_ALPHA * k));
    expect(at(t, 4, 4)).toEqual(blend(3000 + 4 * 24 + 4, LABEL_COLOURS[0]));
    expect(at(t, 15, 15)).toEqual(blend(3000 + 15 * 24 + 15, LABEL_COLOURS[1]));
  });

  it("a polygon's thumbnail: its own slice (axis 1, slice 5) with its outline; voxels: theirs on the anchor's slice", () => {
    const t = section.findings[1].thumbnail!;
    // Rows along axis 0 (6), columns along axis 2 (24): 240 × 60.
    expect(t).toMatchObject({ axis: 1, slice: 5, rowAxis: 0, colAxis: 2, width: 240, height: 60, scale: 10 });
    // The edge [1, 2] → [1, 18] runs along pixel row (1 + 0.5)·10 = 15; the edge [1, 18] → [4, 18] along pixel column 185.
    expect(pixel(t, 105, 15)).toEqual([...FINDING_MARK]);
    expect(pixel(t, 185, 30)).toEqual([...FINDING_MARK]);
    // Inside the polygon: the image, not the mark (slice 5 of axis 1: values z·1000 + 120 + x).
    const g = grey(2 * 1000 + 120 + 10, 120, 5000 + 120 + 23);
    expect(at(t, 2, 10)).toEqual([g, g, g]);

    const v = section.findings[2].thumbnail!;
    expect(v).toMatchObject({ axis: 0, slice: 2, width: 240, height: 200 });
    expect(at(v, 3, 4)).toEqual([...FINDING_MARK]);
    expect(at(v, 3, 5)).toEqual([...FINDING_MARK]);
    expect(at(v, 3, 6)).not.toEqual([...FINDING_MARK]);
  });

  it('without an image: the rows and no thumbnails, saying why; an image of another shape is refused', () => {
    const bare = userFindings(testFindings(), null);
    expect(bare.findings.map((f) => f.thumbnail)).toEqual([null, null, null]);
    expect(bare.noThumbnails).toMatch(/no image was given for the thumbnails \(patchlens report --image/);
    const small = { ...testImage(), shape: [6, 20, 23], data: new Float32Array(6 * 20 * 23) };
    expect(() => userFindings(testFindings(), { image: small, labels: null })).toThrow('userFindings: the image has shape [6,20,23] but the findings are on case.nii.gz of shape [6,20,24]');
    expect(() => userFindings(testFindings(), { image: testImage(), labels: small })).toThrow(/the labels have shape \[6,20,23\]/);
  });
});

describe('the Findings section of the report', () => {
  let data: ReportData;
  beforeAll(async () => {
    data = await loadReportData(buildSweepFixture(join(tmp, 'sweep')), { now: NOW, generator: null });
  });

  it('renders the table and the thumbnails as section 6, provenance and warnings after it; self-contained', () => {
    const uf = userFindings(testFindings(), { image: testImage(), labels: testLabels() });
    const html = renderHtml({ ...data, userFindings: uf });
    expect(externalRefs(html)).toEqual([]);
    const doc = new JSDOM(html).window.document;
    expect([...doc.querySelectorAll('h2')].map((h) => h.textContent).slice(-3)).toEqual(['6. Findings', '7. Provenance', '8. Warnings']);
    const rows = [...doc.querySelectorAll('#user-findings-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['f1', 'border artefact', '3 severe', 'seam <at> the window edge', 'ana', '2026-12-07T14:30:00.000Z', 'point at voxel [3, 10, 12]', 'window 4 at [0, 8, 8], patch position [3, 2, 4], 2 voxels from the patch border; 1 window covers it (run r1)'],
      ['f2', 'missed structure', '1 minor', '—', 'ben', '2026-12-07T15:00:00.000Zedited 2026-12-08T09:00:00.000Z', 'polygon of 4 points on slice 5 of axis 1', "no run's patch grid"],
      ['f3', 'reference error', '2 notable', 'label slipped', 'ana', '2026-12-07T16:00:00.000Z', '2 voxels', "no run's patch grid"],
    ]);
    const imgs = [...doc.querySelectorAll('#user-findings figure.finding-thumb img')] as HTMLImageElement[];
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(uf.findings.map((f) => f.thumbnail!.png));
    expect(imgs.map((i) => [i.getAttribute('width'), i.getAttribute('height')])).toEqual([['240', '200'], ['240', '60'], ['240', '200']]);
    expect(doc.querySelector('#no-thumbnails')).toBeNull();
  });

  it('without findings: no section, the old numbering; without an image: the table and the reason', () => {
    const plain = new JSDOM(renderHtml(data)).window.document;
    expect(plain.querySelector('#user-findings')).toBeNull();
    expect([...plain.querySelectorAll('h2')].map((h) => h.textContent).slice(-2)).toEqual(['6. Provenance', '7. Warnings']);
    const bare = new JSDOM(renderHtml({ ...data, userFindings: userFindings(testFindings(), null) })).window.document;
    expect(bare.querySelectorAll('#user-findings-table tbody tr')).toHaveLength(3);
    expect(bare.querySelectorAll('#user-findings img')).toHaveLength(0);
    expect(bare.querySelector('#no-thumbnails')?.textContent).toMatch(/^No thumbnails: no image was given for the thumbnails/);
  });

  it('writeReport puts the section in report.json and in the HTML the PDF is printed from', async () => {
    const uf = userFindings(testFindings(), { image: testImage(), labels: null });
    let printed = '';
    const out = join(tmp, 'out');
    const written = await writeReport(join(tmp, 'sweep'), {
      outDir: out,
      now: NOW,
      generator: null,
      userFindings: uf,
      printToPdf: async (html) => {
        printed = html;
        const pdf = await PDFDocument.create();
        pdf.addPage();
        return pdf.save();
      },
    });
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as ReportData;
    expect(json.userFindings).toEqual(uf);
    expect(json.userFindings!.labelsOverlay).toBe(false);
    expect(printed).toContain('<h2>6. Findings</h2>');
    expect(printed).toContain(uf.findings[0].thumbnail!.png);
    expect(readFileSync(written.html, 'utf8')).toContain('id="user-findings-table"');
  });
});
