/**
 * End-to-end: the viewer's patient header (issue 15: patient identifiers are shown in the
 * viewer's header). The demo's T1 written as a DICOM series of a patient with distinctive
 * identifiers (test/helpers/patientSeries.ts' TEST_PATIENT) and picked with the DICOM… button
 * over the browser transport: the header above the views shows the patient's name, ID, birth
 * date, sex, the study date, the modality and the series; the demo NIfTI opened after it has no
 * header, nor has the demo the app opens with. Screenshots at 1280×800 and 1920×1080. A sweep
 * of the series exported from the explorer holds no identifier until "Include patient
 * identifiers" is ticked (it starts unticked); then the report shows the patient block.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNifti } from '../../shared/io/nifti';
import { chromium } from '../helpers/enginePage';
import { TEST_PATIENT } from '../helpers/patientSeries';
import { requireTools } from '../helpers/requireTool';
import { writeDicomSeries } from '../helpers/writeDicomSeries';
import type { SessionState } from '../../shared/api/contract';
import { identifiersIn } from '../helpers/patientSeries';
import { callOn, docsScreenshotDir, JOB_WAIT_MS, openApp, repo, shareSession, startSweepFromForm, waitRendered, waitUntil, type AppPage } from './appPage';

const shots = docsScreenshotDir();
const DEMO_T1 = resolve(repo, 'demo/data/ch2-2mm_t1.nii.gz');

describe.skipIf(!requireTools('dicomPatient.e2e', [chromium]))("the viewer's patient header (browser transport, real services)", { timeout: 300_000 }, () => {
  let app: AppPage | undefined;
  let tmp: string | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** The demo's T1 as a series of TEST_PATIENT (number 3) in a fresh folder, and the app at 1280×800 on the demo; the series' folder. */
  async function seriesAndApp(): Promise<string> {
    tmp = mkdtempSync(join(tmpdir(), 'patchlens-e2e-dicom-patient-'));
    const series = join(tmp, 'mr-series');
    writeDicomSeries(readNifti(readFileSync(DEMO_T1)), series, { ...TEST_PATIENT, seriesNumber: 3 });
    app = await openApp({ width: 1280, height: 800 });
    await waitRendered(app.page);
    return series;
  }

  it('shows the patient of a DICOM series, and nothing for a NIfTI image', async () => {
    const series = await seriesAndApp();
    const { page } = app!;
    // The demo the app opens with is a NIfTI: no patient header.
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toContain('ch2-2mm_t1.nii.gz');
    expect(await page.getByTestId('patient-header').count()).toBe(0);

    await page.getByTestId('upload-dicom').setInputFiles(series);
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toMatch(/series-3-ch2-as-DICOM-[0-9a-f]{8}\.nii/);
    await waitRendered(page);
    const header = page.getByTestId('patient-header');
    await expect.poll(() => header.count(), { timeout: 30_000 }).toBe(1);
    const text = (id: string) => header.getByTestId(id).textContent();
    expect(await text('patient-name')).toBe('Doe Jane');
    expect(await text('patient-id')).toBe('PL-TEST-0042');
    expect(await text('patient-birth-date')).toBe('1971-02-03');
    expect(await text('patient-sex')).toBe('F');
    expect(await text('study-date')).toBe('2026-12-07');
    expect(await text('series-modality')).toBe('MR');
    expect(await text('series-text')).toBe('Series 3: ch2 as DICOM');
    // Above the views, on one line at 1280 px, and the views keep their size.
    const box = (await header.boundingBox())!;
    const grid = (await page.getByTestId('mpr-grid').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(grid.y);
    expect(box.height).toBeLessThan(30);
    expect(grid.height).toBeGreaterThan(300);
    await page.screenshot({ path: join(shots, 'dicom-patient-1280x800.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await waitRendered(page);
    await page.screenshot({ path: join(shots, 'dicom-patient-1920x1080.png') });

    // The demo's NIfTI again: the header goes.
    await page.getByTestId('upload-image').setInputFiles(DEMO_T1);
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toContain('ch2-2mm_t1.nii.gz');
    await expect.poll(() => page.getByTestId('patient-header').count(), { timeout: 30_000 }).toBe(0);
    await waitRendered(page);
    await page.screenshot({ path: join(shots, 'dicom-patient-nifti-1920x1080.png') });
  });

  it("exports a DICOM sweep's report without identifiers by default, with them when ticked", async () => {
    const series = await seriesAndApp();
    const { page } = app!;
    await page.getByTestId('upload-dicom').setInputFiles(series);
    await expect.poll(() => page.getByTestId('patient-header').count(), { timeout: 60_000 }).toBe(1);
    // The demo's brain labels are on the same grid as the series (it is the demo's T1).
    await page.getByTestId('upload-label').setInputFiles(resolve(repo, 'demo/data/ch2-2mm_brain.nii.gz'));
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toContain('ch2-2mm_brain.nii.gz');
    await startSweepFromForm(page, '24', '0');
    const call = callOn(await shareSession(app!.services, page));
    await waitUntil('the sweep of the series', async () => (await call<SessionState>('session:get', {})).sweeps.length === 1, JOB_WAIT_MS, 1000);

    const box = page.getByTestId('export-include-patient');
    await box.waitFor({ timeout: 60_000 });
    expect(await box.isChecked()).toBe(false);
    await page.getByTestId('export-report').click();
    await page.waitForSelector('[data-testid="export-html"]', { timeout: 180_000 });
    const html = await page.getByTestId('export-html').innerText();
    expect(identifiersIn(readFileSync(html, 'utf8'))).toEqual([]);
    expect(identifiersIn(readFileSync(await page.getByTestId('export-json').innerText(), 'utf8'))).toEqual([]);

    await box.check();
    await page.getByTestId('export-report').click();
    // The browser transport writes into the sweep folder: the second export asks before replacing.
    await page.getByTestId('export-replace').click({ timeout: 60_000 });
    await expect.poll(async () => readFileSync(html, 'utf8').includes('PL-TEST-0042'), { timeout: 180_000 }).toBe(true);
    await page.waitForSelector('[data-testid="export-html"]', { timeout: 180_000 });
    expect(readFileSync(html, 'utf8')).toContain('Doe Jane');
    await page.getByTestId('export-include-patient').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'dicom-patient-export-1280x800.png') });
  });
});
