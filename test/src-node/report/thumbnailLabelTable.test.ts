/**
 * The Findings thumbnails draw the labels in the annotation's label table's colours, hidden
 * labels left out (as the viewer shows the edited reference), and in the report's palette without
 * a table: pixels decoded from the thumbnail PNG of a tiny synthetic case.
 */
import { describe, expect, it } from 'vitest';
import type { LabelTableJSON } from '../../../shared/annotation/labelTable';
import type { FindingsDocument } from '../../../shared/findings';
import type { Volume } from '../../../shared/io/volume';
import { blendOverGrey, labelColourOf, LABEL_COLOURS, OVERLAY_ALPHA } from '../../../src-node/report/labelColours';
import type { ReportData, ReportFindingThumbnail } from '../../../src-node/report/reportTypes';
import { userFindingsSection } from '../../../src-node/report/userFindingsSection';
import { FINDING_MARK, userFindings } from '../../../src-node/report/userFindings';
import { decodePng } from './pngStats';

/** One slice of 8 × 8 voxels with intensities 10·(y·8 + x): grey 0 at (0, 0) up to 255 at (7, 7). */
const SHAPE = [1, 8, 8];
const at = (y: number, x: number) => y * 8 + x;
const image: Volume = {
  data: Float32Array.from({ length: 64 }, (_, k) => 10 * k),
  shape: [...SHAPE],
  spacing: [1, 1, 1],
  affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
};
/** Label 1 on (1, 1) and (1, 2), label 2 on (3, 1) and (3, 2), label 3 (not in the table) on (2, 4). */
const labels: Volume = { ...image, data: new Uint8Array(64) };
for (const [y, x, v] of [[1, 1, 1], [1, 2, 1], [3, 1, 2], [3, 2, 2], [2, 4, 3]]) labels.data[at(y, x)] = v;

/** Label 1 pure blue, label 2 red but hidden. */
const table: LabelTableJSON = {
  datatype: 'uint8',
  labels: [
    { value: 0, name: 'background', colour: [0, 0, 0], locked: false, visible: true },
    { value: 1, name: 'vessel', colour: [0, 0, 255], locked: false, visible: true },
    { value: 2, name: 'tumour', colour: [255, 0, 0], locked: true, visible: false },
  ],
};

/** A point finding in the far corner (its ring stays off the labelled voxels). */
const doc: FindingsDocument = {
  format: 'patchlens.findings',
  version: 1,
  image: { name: 'tiny.nii.gz', shape: [...SHAPE] },
  findings: [{ id: 'p', shape: { kind: 'point', voxel: [0, 7, 7] }, category: 'reference error', severity: 2, note: '', author: 'ana', time: '2026-12-07T14:30:00.000Z', patch: null }],
};

/** The decoded RGB of the centre pixel of voxel (y, x). */
function voxelPixel(t: ReportFindingThumbnail, y: number, x: number): number[] {
  const png = decodePng(Buffer.from(t.png.split(',')[1], 'base64'));
  expect([png.width, png.height, png.channels]).toEqual([t.width, t.height, 3]);
  const i = ((y * t.scale + (t.scale >> 1)) * png.width + x * t.scale + (t.scale >> 1)) * 3;
  return [...png.pixels.subarray(i, i + 3)];
}
/** The grey level of voxel (y, x): the slice runs from 0 to 630, so 255·10·k/630. */
const grey = (y: number, x: number) => Math.round((255 * 10 * at(y, x)) / 630);
const blend = (g: number, c: readonly number[]) => c.map((k) => Math.round((1 - OVERLAY_ALPHA) * g + OVERLAY_ALPHA * k));

describe('Findings thumbnails with a label table', () => {
  it("draws label 1 blended toward the table's pure blue and label 2 (hidden) as the grey image only", () => {
    const section = userFindings(doc, { image, labels, table });
    expect(section.labelsOverlay).toBe(true);
    expect(section.labelTable).toBe(true);
    const t = section.findings[0].thumbnail!;
    expect(t).toMatchObject({ axis: 0, slice: 0, rowAxis: 1, colAxis: 2, width: 240, height: 240, scale: 30 });
    for (const [y, x] of [[1, 1], [1, 2]]) {
      const g = grey(y, x);
      const px = voxelPixel(t, y, x);
      expect(px).toEqual(blend(g, [0, 0, 255]));
      // Toward blue: red and green darkened, blue lifted (60 % grey + 40 % of 255).
      expect(px[0]).toBe(px[1]);
      expect(px[0]).toBeLessThan(g);
      expect(px[2]).toBeGreaterThan(g);
    }
    // Written out: grey(1, 1) = round(255·90/630) = 36; 0.6·36 = 21.6 → 22, 21.6 + 0.4·255 = 123.6 → 124.
    expect(voxelPixel(t, 1, 1)).toEqual([22, 22, 124]);
    for (const [y, x] of [[3, 1], [3, 2]]) expect(voxelPixel(t, y, x)).toEqual([grey(y, x), grey(y, x), grey(y, x)]);
    // A value the table has no label for keeps the palette colour; unlabelled voxels are grey; the finding is cyan.
    expect(voxelPixel(t, 2, 4)).toEqual(blend(grey(2, 4), LABEL_COLOURS[2]));
    expect(voxelPixel(t, 0, 0)).toEqual([0, 0, 0]);
    expect(voxelPixel(t, 7, 7)).toEqual([...FINDING_MARK]);
  });

  it("without a table: today's palette (label 1 red, label 2 green), and the section says which colours", () => {
    const section = userFindings(doc, { image, labels });
    expect(section.labelTable).toBe(false);
    const t = section.findings[0].thumbnail!;
    expect(voxelPixel(t, 1, 1)).toEqual(blend(grey(1, 1), LABEL_COLOURS[0]));
    expect(voxelPixel(t, 3, 1)).toEqual(blend(grey(3, 1), LABEL_COLOURS[1]));
    const html = (uf: typeof section) => userFindingsSection({ userFindings: uf } as ReportData, 6);
    expect(html(section)).toContain(', the labels blended over it, and the finding drawn in cyan.');
    expect(html(userFindings(doc, { image, labels, table }))).toContain(", the labels blended over it in the annotation's label colours (hidden labels left out, as the viewer shows them), and the finding drawn in cyan.");
    // A table without labels to draw says nothing about colours.
    expect(userFindings(doc, { image, labels: null, table }).labelTable).toBe(false);
  });

  it('labelColourOf: background never drawn, hidden labels null, a table that does not validate is refused by name', () => {
    const of = labelColourOf(table);
    expect([of(0), of(1), of(2), of(3)]).toEqual([null, [0, 0, 255], null, LABEL_COLOURS[2]]);
    expect(labelColourOf(null)(7)).toEqual(LABEL_COLOURS[0]);
    expect(blendOverGrey(100, null)).toEqual([100, 100, 100]);
    const bad = { datatype: 'uint8', labels: [{ value: 1, name: 'vessel', colour: [0, 0, 256], locked: false, visible: true }] } as LabelTableJSON;
    expect(() => userFindings(doc, { image, labels, table: bad })).toThrow(new RangeError('userFindings: the label table: LabelTable: a colour must be three integers [r, g, b] in [0, 255], got [0, 0, 256]'));
  });
});
