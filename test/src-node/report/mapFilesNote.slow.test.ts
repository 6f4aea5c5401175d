/**
 * The report says, under the patch performance map, that the maps are saved as float NIfTI in
 * patch coordinates and why not as a DICOM Parametric Map (issue 15): in the HTML, and in the
 * PDF's text (pdftotext) on the page of section 2.
 *
 * The PDF part needs Debian's Chromium (/usr/bin/chromium, or PATCHLENS_CHROMIUM) and pdftotext
 * (poppler-utils); without them it is skipped with a message saying which one is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM } from '../../../src-node/report/renderPdf';
import { MAP_FILES_NOTE } from '../../../src-node/report/renderHtml';
import { writeReport, type WrittenReport } from '../../../src-node/report/writeReport';
import { chromiumTool, commandTool, requireTools } from '../../helpers/requireTool';
import { buildSweepFixture } from './fixtures/buildSweepFixture';

const chromiumPath = process.env.PATCHLENS_CHROMIUM ?? DEFAULT_CHROMIUM;
const canPdf = requireTools('mapFilesNote.test (the PDF check)', [chromiumTool(chromiumPath), commandTool('pdftotext', 'apt-get install -y poppler-utils')]);

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-map-note-'));
const NOW = new Date('2026-11-27T10:00:00.000Z');
let written: WrittenReport;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  written = await writeReport(buildSweepFixture(join(tmp, 'sweep')), { now: NOW, pdf: canPdf });
}, 60_000);

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the report: why the maps are NIfTI and not a DICOM Parametric Map', () => {
  it('the HTML says it in section 2, after the map and its border profile', () => {
    const doc = new JSDOM(readFileSync(written.html, 'utf8')).window.document;
    const note = doc.querySelector('#performance-map #map-files-note');
    expect(note).not.toBeNull();
    expect(note!.textContent).toBe(MAP_FILES_NOTE);
    expect(MAP_FILES_NOTE).toContain('float NIfTI in patch coordinates');
    expect(MAP_FILES_NOTE).toContain('maps/<calibration>.nii.gz; infer: patch-performance.nii.gz, consistency.nii.gz');
    expect(MAP_FILES_NOTE).toContain('not a DICOM Parametric Map, which must lie in the patient\'s frame of reference');
    // Below the figures of the section, not between them.
    const section = doc.querySelector('#performance-map')!;
    expect(section.lastElementChild).toBe(note);
  });

  it.runIf(canPdf)("the PDF's text holds it whole on the page of section 2 (it does not spill onto a page of its own)", () => {
    const pages = execFileSync('pdftotext', ['-layout', written.pdf!, '-'], { encoding: 'utf8' }).split('\f').map(flat);
    const page = pages.findIndex((p) => p.includes('2. Patch performance'));
    expect(page).toBeGreaterThanOrEqual(0);
    expect(pages[page]).toContain(flat(MAP_FILES_NOTE));
  });
});
