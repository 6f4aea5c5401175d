/**
 * `patchlens report --findings <project folder> --image …`: with a label table saved beside the
 * labels (`labelTable.json`), the thumbnails draw the saved labels in its colours and leave its
 * hidden labels out, as the app's viewer shows the edited reference; `--labels` (other labels)
 * keeps the report's palette; a table that is not one is an error naming the file. The folder,
 * table included, is written by the app's saveAnnotation on the report fixture's small image.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelTable } from '../../shared/annotation/labelTable';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import { openAnnotation, saveAnnotation, type AnnotatedImage } from '../../src-node/annotation/annotationFiles';
import { ANNOTATION_FILES } from '../../src-node/annotation/annotationFolder';
import { writeFileAtomic, writeJsonAtomic } from '../../src-node/fs/atomicWrite';
import { sha256Hex } from '../../src-node/fs/sha256';
import { LABEL_COLOURS, OVERLAY_ALPHA } from '../../src-node/report/labelColours';
import type { ReportData, ReportFindingThumbnail } from '../../src-node/report/reportTypes';
import { InputError } from '../../src-cli/usageError';
import { buildSweepFixture } from '../src-node/report/fixtures/buildSweepFixture';
import { testFindings, testImage, testLabels } from '../src-node/report/fixtures/findingsFixture';
import { decodePng } from '../src-node/report/pngStats';
import { runReport } from './runReport';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-table-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sweep = buildSweepFixture(join(tmp, 'sweep'));

// The fixture's image as a file (20 × 24 slices of 6; slice 3 runs from 3000 to 3479) and its annotation saved as the app saves it.
const imagePath = join(tmp, 'case.nii.gz');
writeFileAtomic(imagePath, writeNifti(testImage()));
const bytes = readFileSync(imagePath);
const image: AnnotatedImage = { path: imagePath, header: readNifti(bytes).header, sha256: sha256Hex(bytes) };
/** Label 1 pure blue, label 2 hidden: what the label list shows after the user recoloured and hid them. */
const table = new LabelTable('uint8', [
  { value: 1, name: 'vessel', colour: [0, 0, 255] },
  { value: 2, name: 'tumour', colour: [250, 200, 0], visible: false },
]);
const project = join(tmp, 'project');
saveAnnotation(project, image, openAnnotation(project, image).versions, {
  labels: testLabels().data as Uint8Array,
  findings: { ...testFindings(), image: { ...testFindings().image, sha256: image.sha256 } },
  table: table.toJSON(),
});
const annotationDir = join(project, 'annotations', image.sha256.slice(0, 16));
const tablePath = join(annotationDir, ANNOTATION_FILES.labelTable);

/** The RGB of the centre pixel of voxel (u, v) of a thumbnail, decoded from its PNG. */
function voxelPixel(t: ReportFindingThumbnail, u: number, v: number): number[] {
  const png = decodePng(Buffer.from(t.png.split(',')[1], 'base64'));
  const i = ((u * t.scale + (t.scale >> 1)) * png.width + v * t.scale + (t.scale >> 1)) * 3;
  return [...png.pixels.subarray(i, i + 3)];
}
/** Grey of voxel (y, x) on slice 3 of axis 0 (values 3000 + 24·y + x, min–max 3000–3479). */
const grey = (y: number, x: number) => Math.round((255 * (24 * y + x)) / 479);
const blend = (g: number, c: readonly number[]) => c.map((k) => Math.round((1 - OVERLAY_ALPHA) * g + OVERLAY_ALPHA * k));
const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportData;

describe('patchlens report --findings <project folder> with a saved label table', () => {
  it("draws the saved labels in the table's colours: label 1 toward blue, hidden label 2 the grey image only", async () => {
    const out = join(tmp, 'out-table');
    const r = await runReport([sweep, '--no-pdf', '--out', out, '--findings', project, '--image', imagePath]);
    expect(r.error).toBeNull();
    expect(r.err.split('\n').filter((l) => l.startsWith('report: thumbnails') || l.startsWith('report: in the'))).toEqual([
      `report: thumbnails drawn over the saved labels ${join(annotationDir, 'labels.nii.gz')} (the project's edited reference; --labels <labels.nii.gz> draws others)`,
      `report: in the colours of the saved label table ${tablePath}, hidden labels left out: tumour (2)`,
    ]);
    const uf = json(out).userFindings!;
    expect([uf.labelsOverlay, uf.labelTable]).toEqual([true, true]);
    // f1: the point [3, 10, 12], axis 0 slice 3; label 1 on y, x in [2, 7), label 2 on y, x in [14, 18).
    const t = uf.findings[0].thumbnail!;
    expect(t).toMatchObject({ axis: 0, slice: 3, scale: 10 });
    const g = grey(4, 4);
    expect(voxelPixel(t, 4, 4)).toEqual(blend(g, [0, 0, 255]));
    expect(voxelPixel(t, 4, 4)[2]).toBeGreaterThan(g);
    expect(voxelPixel(t, 4, 4)[0]).toBeLessThan(g);
    expect(voxelPixel(t, 15, 15)).toEqual([grey(15, 15), grey(15, 15), grey(15, 15)]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain("the labels blended over it in the annotation's label colours (hidden labels left out, as the viewer shows them)");
  });

  it("--labels draws other labels in the report's palette (the saved table describes the saved labels only)", async () => {
    const labelsPath = join(tmp, 'other-labels.nii.gz');
    writeFileAtomic(labelsPath, writeNifti(testLabels()));
    const out = join(tmp, 'out-labels');
    const r = await runReport([sweep, '--no-pdf', '--out', out, '--findings', project, '--image', imagePath, '--labels', labelsPath]);
    expect(r.error).toBeNull();
    expect(r.err).not.toContain('label table');
    const uf = json(out).userFindings!;
    expect([uf.labelsOverlay, uf.labelTable]).toEqual([true, false]);
    const t = uf.findings[0].thumbnail!;
    expect(voxelPixel(t, 4, 4)).toEqual(blend(grey(4, 4), LABEL_COLOURS[0]));
    expect(voxelPixel(t, 15, 15)).toEqual(blend(grey(15, 15), LABEL_COLOURS[1]));
  });

  it('a saved table that is not a label table: an error naming the file and what is wrong', async () => {
    const broken = join(tmp, 'project-broken');
    saveAnnotation(broken, image, openAnnotation(broken, image).versions, { labels: testLabels().data as Uint8Array, findings: testFindings() });
    const brokenTable = join(broken, 'annotations', image.sha256.slice(0, 16), ANNOTATION_FILES.labelTable);
    writeJsonAtomic(brokenTable, { format: 'patchlens.labelTable', version: 1, datatype: 'uint8', labels: [{ value: 1, name: '', colour: [0, 0, 255] }] });
    const r = await runReport([sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', broken, '--image', imagePath]);
    expect(r.error).toBeInstanceOf(InputError);
    expect(r.error!.message).toBe(`report: the saved label table ${brokenTable} is not a label table: LabelTable: a label name must be a non-empty string, got ""`);
    writeJsonAtomic(brokenTable, table.toJSON());
    const bare = await runReport([sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', broken, '--image', imagePath]);
    expect(bare.error!.message).toBe(`report: the saved label table ${brokenTable} is not a PatchLens label table: format undefined version undefined, expected patchlens.labelTable version 1`);
    writeFileAtomic(brokenTable, '{ not json');
    const notJson = await runReport([sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', broken, '--image', imagePath]);
    expect(notJson.error!.message).toMatch(new RegExp(`^report: the saved label table ${brokenTable.replace(/[.]/g, '\\.')} is not valid JSON: `));
  });
});
