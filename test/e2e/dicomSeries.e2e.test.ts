/**
 * End-to-end: the series picker (issue 15) over the browser transport. A picked folder holds two
 * series of one study — the demo's T1 (91 slices) and a 20-slice crop of it, each written as a
 * DICOM series (test/helpers/writeDicomSeries.ts, dcmjs) — so the DICOM… button's upload lists
 * both in the picker with their descriptions and image counts; picking the T1 opens it (the
 * image's name carries the series' description, and the axial view shows it); Cancel on a second
 * attempt opens nothing, says so, and deletes the upload. Each row's thumbnail is the series'
 * middle slice in volume order, decoded in the page: its canvas holds exactly thumbnailOf of that
 * slice's voxels. The picker is shot at 1280×800 and 1920×1080.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNifti } from '../../shared/io/nifti';
import { scanDicomFolder } from '../../src-node/dicom';
import { segSourceOfSeries } from '../../src-node/dicom/seg';
import { thumbnailOf } from '../../src-renderer/viewer/dicom/thumbnail';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { writeDicomSeries } from '../helpers/writeDicomSeries';
import { colorsAt, docsScreenshotDir, openApp, repo, waitRendered } from './appPage';

const shots = docsScreenshotDir();

describe.skipIf(!requireTools('dicomSeries.e2e', [chromium]))('the series picker in the app (browser transport, real services)', { timeout: 300_000 }, () => {
  /** What each test leaves behind, undone last first. */
  const undo: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of undo.splice(0).reverse()) await f();
  });

  it('lists the two series of a picked folder, opens the one picked, and Cancel opens nothing and deletes the upload', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'patchlens-e2e-dicom-series-'));
    undo.push(() => rmSync(tmp, { recursive: true, force: true }));
    const t1 = readNifti(readFileSync(resolve(repo, 'demo/data/ch2-2mm_t1.nii.gz')));
    const [, nj, ni] = t1.shape;
    const study = join(tmp, 'study');
    const t1Files = writeDicomSeries(t1, join(study, 't1'), { seriesNumber: 3, seriesDescription: 'T1 axial' });
    // The first 20 slices: the same grid, another series of the same study.
    const crop = { ...t1, shape: [20, nj, ni], data: t1.data.slice(0, 20 * nj * ni) };
    const cropFiles = writeDicomSeries(crop, join(study, 'crop'), { seriesNumber: 4, seriesDescription: 'T1 crop', seriesKey: 1 });
    // What each thumbnail must show: thumbnailOf the k slice whose file is the middle one in volume order.
    const expectedThumbnail = async (folder: string, files: string[]) => {
      const [series] = (await scanDicomFolder(folder)).series;
      const slices = segSourceOfSeries(series).dicom.slices;
      const k = files.indexOf(slices[Math.floor(slices.length / 2)].file);
      const pixels = Int16Array.from(t1.data.subarray(k * nj * ni, (k + 1) * nj * ni));
      return thumbnailOf({ rows: nj, columns: ni, samplesPerPixel: 1, pixels: [pixels], photometric: 'MONOCHROME2', planarConfiguration: 0 }, 64);
    };
    const expected = [await expectedThumbnail(join(study, 't1'), t1Files), await expectedThumbnail(join(study, 'crop'), cropFiles)];
    const app = await openApp({ width: 1280, height: 800 });
    undo.push(() => app.close());
    const { page } = app;
    await waitRendered(page);
    const uploadsDir = join(app.projectDir, 'uploads');
    const uploads = () => (existsSync(uploadsDir) ? readdirSync(uploadsDir).filter((f) => !f.startsWith('.')) : []);
    const openFiles = async () => (await page.getByTestId('open-files').textContent()) ?? '';

    await page.getByTestId('upload-dicom').setInputFiles(study);
    const picker = page.getByTestId('series-picker');
    await picker.waitFor({ timeout: 60_000 });
    expect(await picker.getByRole('heading').textContent()).toBe('Which series?');
    const words = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());
    expect(words(await page.getByTestId('series-description').allTextContents())).toEqual(['3 T1 axial', '4 T1 crop']);
    expect(await page.getByTestId('series-images').allTextContents()).toEqual(['91', '20']);
    expect(await page.getByTestId('series-modality').allTextContents()).toEqual(['MR', 'MR']);
    const firstRow = (await page.getByTestId('series-row').first().textContent())!.replace(/\s+/g, ' ');
    expect(firstRow).toContain('Test Roundtrip');
    expect(firstRow).toContain('2026-12-07');
    expect(firstRow).toContain('109×91');
    // Both series were listed while the demo stays open behind the picker.
    expect(await openFiles()).toContain('ch2-2mm_t1.nii.gz');
    // Each row's thumbnail is drawn: the middle slice, decoded in the page, 64 pixels across.
    const thumbnails = page.getByTestId('series-thumbnail');
    expect(await thumbnails.count()).toBe(2);
    await expect.poll(async () => (await thumbnails.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).join(), { timeout: 60_000 }).toBe('drawn,drawn');
    const drawn = await thumbnails.evaluateAll((els) =>
      els.map((e) => {
        const c = e.querySelector('canvas')!;
        return { width: c.width, height: c.height, data: Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data) };
      }),
    );
    drawn.forEach((d, n) => {
      expect([d.width, d.height]).toEqual([64, Math.round((64 * nj) / ni)]);
      expect(new Set(d.data).size).toBeGreaterThan(50);
      expect(d.data.filter((v, i) => v !== expected[n].data[i]).length).toBe(0);
    });
    expect(drawn[0].data).not.toEqual(drawn[1].data);
    expect(app.log.filter((l) => /\[(error|pageerror)\]/.test(l))).toEqual([]);
    await page.screenshot({ path: join(shots, 'dicom-series-picker.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: join(shots, 'dicom-series-picker-1920x1080.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    // The keyboard: down to the crop, up again to the T1, Enter opens it.
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('series-row').nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await page.getByTestId('series-open').click();
    await expect.poll(openFiles, { timeout: 60_000 }).toMatch(/series-3-T1-axial-[0-9a-f]{8}\.nii/);
    expect(await openFiles()).toContain('91×109×91');
    expect(await picker.count()).toBe(0);
    await waitRendered(page);
    const box = (await page.getByTestId('viewport-axial').boundingBox())!;
    const points: { x: number; y: number }[] = [];
    for (let y = box.y + 2; y < box.y + box.height - 2; y += 6) for (let x = box.x + 2; x < box.x + box.width - 2; x += 6) points.push({ x, y });
    const pixels = await colorsAt(page, await page.screenshot(), points);
    expect(pixels.filter(([r]) => r > 60).length / pixels.length).toBeGreaterThan(0.2);
    // Opened: the uploaded copy is deleted (the series' NIfTI in dicom/ is the image now).
    expect(uploads()).toEqual([]);

    // A second attempt, cancelled: nothing changes, and the upload is gone.
    await page.getByTestId('upload-dicom').setInputFiles(study);
    await picker.waitFor({ timeout: 60_000 });
    expect(uploads()).toHaveLength(1);
    await page.getByTestId('series-cancel').click();
    await expect.poll(async () => (await page.getByTestId('notice-text').allTextContents()).join('\n'), { timeout: 10_000 }).toContain('Nothing was opened: no series of study was chosen.');
    expect(await picker.count()).toBe(0);
    await expect.poll(uploads, { timeout: 10_000 }).toEqual([]);
    expect(await openFiles()).toMatch(/series-3-T1-axial-[0-9a-f]{8}\.nii/);
  });
});
