/**
 * The printed report's page layout (issue 12, item 12): no page holds a single row of a table.
 * The demo-like sweep (12 configurations × 2 cases) left the per-case table's last row alone on a
 * page before the fix (page 7 of 8: 23 rows, then 1). Each page's text (pdftotext) is searched for
 * the table rows; a page with table rows has at least 2 of them (or the whole table).
 *
 * Needs Debian's Chromium (/usr/bin/chromium, or PATCHLENS_CHROMIUM) and pdftotext
 * (poppler-utils); without them it is skipped with a message saying which one is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORT_CSS } from '../../../src-node/report/reportStyles';
import { DEFAULT_CHROMIUM } from '../../../src-node/report/renderPdf';
import { writeReport } from '../../../src-node/report/writeReport';
import { chromiumTool, commandTool, requireTools } from '../../helpers/requireTool';
import { buildManyRowsSweep, MANY_ROWS_CASES } from './fixtures/buildManyRowsSweep';

const chromiumPath = process.env.PATCHLENS_CHROMIUM ?? DEFAULT_CHROMIUM;
function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const pdftotext = which('pdftotext');
const canPdf = requireTools('pdfLayout.test (the PDF checks)', [chromiumTool(chromiumPath), commandTool('pdftotext', 'apt-get install -y poppler-utils')]);

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the printed report', () => {
  it('keeps the first and last rows of every table, and each case of the per-case table, together (CSS)', () => {
    expect(REPORT_CSS).toMatch(/tbody\.lead, tbody\.tail, tbody\.group \{ break-inside: avoid;/);
    expect(REPORT_CSS).toMatch(/tr, td, th \{ break-inside: avoid;/);
    expect(REPORT_CSS).toMatch(/\.keep \{ break-inside: avoid;/);
    expect(REPORT_CSS).toMatch(/h2, h3 \{ break-after: avoid;/);
  });

  it.runIf(canPdf)('has no page with a single row of a table (12 configurations × 2 cases)', async () => {
    const dir = buildManyRowsSweep(join(tmp, 'sweep'));
    const written = await writeReport(dir, { now: new Date('2026-11-27T10:00:00.000Z') });
    const pages = (await PDFDocument.load(readFileSync(written.pdf!), { updateMetadata: false })).getPageCount();
    const caseRow = new RegExp(`^\\s*(${MANY_ROWS_CASES.join('|')})\\s+p24-`);
    const configRow = /^\s*p24-o/;
    const counts: { page: number; caseRows: number; configRows: number }[] = [];
    for (let page = 1; page <= pages; page++) {
      const lines = execFileSync(pdftotext!, ['-f', String(page), '-l', String(page), '-layout', written.pdf!, '-'], { encoding: 'utf8' }).split('\n');
      counts.push({ page, caseRows: lines.filter((l) => caseRow.test(l)).length, configRows: lines.filter((l) => configRow.test(l)).length });
    }
    // Every row is printed once…
    expect(counts.reduce((a, c) => a + c.caseRows, 0)).toBe(24);
    expect(counts.reduce((a, c) => a + c.configRows, 0)).toBe(12);
    // …and no page holds just one of them.
    for (const c of counts) {
      expect(c.caseRows, `page ${c.page} of ${pages}: ${c.caseRows} per-case row(s)`).not.toBe(1);
      expect(c.configRows, `page ${c.page} of ${pages}: ${c.configRows} configuration row(s)`).not.toBe(1);
    }
  }, 120_000);
});
