/**
 * End-to-end: a DICOM SEG exported from the app over the browser transport (issue 15, "Output").
 * The demo's NIfTI image: its reference labels' Export DICOM SEG… dialog says there is no DICOM
 * series and offers no button that writes. The demo's T1 written as a DICOM series
 * (test/helpers/writeDicomSeries.ts) is opened with the DICOM… button and run on from the panel
 * (the whole volume as one window); the selected run's Export DICOM SEG… button opens the dialog (AUTOMATIC, the model's
 * classes), Export writes it and offers a download, and the downloaded file read back with
 * readDicomSeg is exactly the run's labels.nii.gz; a second export asks Replace / Keep.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/api/contract';
import { readNifti } from '../../shared/io/nifti';
import { readDicomSource } from '../../src-node/app/dicomSource';
import { readDicomSeg } from '../../src-node/dicom/seg';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { writeDicomSeries } from '../helpers/writeDicomSeries';
import { docsScreenshotDir, openApp, repo, runFromPanel, waitRendered, type AppPage } from './appPage';

const shots = docsScreenshotDir();

describe.skipIf(!requireTools('dicomSeg.e2e', [chromium]))('exporting a DICOM SEG in the app (browser transport, real services)', { timeout: 600_000 }, () => {
  let app: AppPage | undefined;
  let tmp: string | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a NIfTI image has no DICOM series: the dialog says so and writes nothing', async () => {
    app = await openApp({ width: 1280, height: 800 });
    const { page } = app;
    await waitRendered(page);
    await page.getByTestId('export-reference-seg').click();
    const dialog = page.getByTestId('seg-dialog');
    await expect.poll(async () => (await page.getByTestId('seg-problem').textContent({ timeout: 30_000 })) ?? '').toContain('was opened from NIfTI: there is no DICOM series for a SEG to reference');
    expect(await page.getByTestId('seg-nifti-hint').textContent()).toContain('An image opened from a NIfTI file has no such images');
    expect(await dialog.getByTestId('seg-export').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'dicom-seg-nifti.png') });
    await page.getByTestId('seg-close').click();
    expect(await dialog.count()).toBe(0);
  });

  it('exports a run on a DICOM series as a SEG whose voxels are exactly the run\'s labels', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'patchlens-e2e-dicom-seg-'));
    const series = join(tmp, 'ch2-2mm-dicom');
    writeDicomSeries(readNifti(readFileSync(resolve(repo, 'demo/data/ch2-2mm_t1.nii.gz'))), series, { seriesNumber: 3 });
    app = await openApp({ width: 1280, height: 800 });
    const { page } = app;
    await waitRendered(page);
    await page.getByTestId('upload-dicom').setInputFiles(series);
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toMatch(/series-3-ch2-as-DICOM-[0-9a-f]{8}\.nii/);
    const state = await app.call<SessionState>('session:get', {});
    expect(state.dicom?.series.images).toBe(91);
    // The whole volume as one window: one model pass.
    const grid = state.inferenceGrid ?? (await (async () => {
      await expect.poll(async () => (await app!.call<SessionState>('session:get', {})).inferenceGrid ?? null, { timeout: 60_000 }).not.toBeNull();
      return (await app!.call<SessionState>('session:get', {})).inferenceGrid!;
    })());
    for (let a = 0; a < 3; a++) await page.getByTestId(`run-patch-${a}`).fill(String(grid[a]));
    const { run } = await runFromPanel(app);

    // The selected run offers the export, inside the side bar.
    await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).click();
    const button = page.getByTestId('export-run-seg');
    const aside = (await page.locator('aside').first().boundingBox())!;
    const box = (await button.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(aside.x + aside.width);
    await page.screenshot({ path: join(shots, 'dicom-seg-run-list.png'), clip: { x: aside.x, y: box.y - 90, width: aside.width, height: 160 } });
    await button.click();
    const dialog = page.getByTestId('seg-dialog');
    await expect.poll(async () => (await dialog.getByTestId('seg-algorithm').getAttribute('data-type', { timeout: 30_000 })) ?? '').toBe('AUTOMATIC');
    expect(await dialog.getByTestId('seg-algorithm').textContent()).toContain(state.model!.name);
    expect(await dialog.getByTestId('seg-series').textContent()).toContain('91 images');
    expect(await dialog.getByTestId('seg-segment').count()).toBe(state.model!.classes.length - 1);
    await page.screenshot({ path: join(shots, 'dicom-seg-run.png') });

    await dialog.getByTestId('seg-export').click();
    await dialog.getByTestId('seg-download').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('seg-download').click()]);
    const saved = join(tmp, 'downloaded.seg.dcm');
    await download.saveAs(saved);
    const written = (await dialog.getByTestId('seg-path').textContent())!;
    expect(readFileSync(saved).equals(readFileSync(written))).toBe(true);

    const record = readDicomSource(state.image!.path!, state.image!.sha256)!;
    const read = readDicomSeg(saved, record.source);
    const labels = readNifti(readFileSync(join(run.dir, 'labels.nii.gz')));
    // Segment n holds class n (the model's foreground classes, numbered as the classes).
    expect(Array.from(read.labels.data)).toEqual(Array.from(labels.data));
    expect(read.segments.map((s) => s.algorithmType)).toEqual(state.model!.classes.slice(1).map(() => 'AUTOMATIC'));

    // Exporting again asks before the file is replaced.
    await dialog.getByTestId('seg-export').click();
    await dialog.getByTestId('seg-confirm').waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId('seg-confirm').textContent()).toContain('exporting replaces it');
    await page.screenshot({ path: join(shots, 'dicom-seg-replace.png') });
    await dialog.getByTestId('seg-keep').click();
    expect(readFileSync(written).equals(readFileSync(saved))).toBe(true);
    await dialog.getByTestId('seg-export').click();
    await dialog.getByTestId('seg-replace').click();
    await dialog.getByTestId('seg-written').waitFor({ timeout: 30_000 });
    expect(readFileSync(written).equals(readFileSync(saved))).toBe(false);
    expect(app.log.filter((l) => l.includes('[pageerror]'))).toEqual([]);
  });
});
