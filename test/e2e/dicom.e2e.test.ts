/**
 * End-to-end: a DICOM series opened in the app over the browser transport (issue 15). The demo's
 * T1 (91×109×91, 2 mm) is written as a DICOM series (test/helpers/writeDicomSeries.ts, dcmjs),
 * its folder is picked with the DICOM… button (an `<input webkitdirectory>`: uploaded by path,
 * opened by main as the series' NIfTI in the project), and the axial view shows the same anatomy
 * in the same orientation as the demo's NIfTI itself (the voxel and intensity under the view's
 * centre, and the directions the voxel indices run, compared: independent of the view's size,
 * which the file bar's wrapping changes); a run on it goes through.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/api/contract';
import { readNifti } from '../../shared/io/nifti';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { writeDicomSeries } from '../helpers/writeDicomSeries';
import { callOn, colorsAt, docsScreenshotDir, openApp, repo, runFromPanel, shareSession, waitRendered, type AppPage } from './appPage';

const shots = docsScreenshotDir();

/** The axial view's pixels (every 3rd in each direction) of a page screenshot. */
async function axialPixels(app: AppPage): Promise<[number, number, number][]> {
  const box = (await app.page.getByTestId('viewport-axial').boundingBox())!;
  const points: { x: number; y: number }[] = [];
  for (let y = box.y + 2; y < box.y + box.height - 2; y += 3) for (let x = box.x + 2; x < box.x + box.width - 2; x += 3) points.push({ x, y });
  return colorsAt(app.page, await app.page.screenshot(), points);
}

/**
 * How the axial view is laid out over the image, whatever the view's size: the voxel and
 * intensity under its centre, and which way each voxel index runs going up and going right
 * (the signs of the index changes 40 px away).
 */
async function axialOrientation(app: AppPage): Promise<{ centre: string; intensity: string; up: number[]; right: number[] }> {
  const box = (await app.page.getByTestId('viewport-axial').boundingBox())!;
  const at = async (dx: number, dy: number) => {
    await app.page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    const text = (await app.page.getByTestId('readout-voxel').textContent()) ?? '';
    return { voxel: (JSON.parse(text) as number[]), intensity: (await app.page.getByTestId('readout-intensity').textContent()) ?? '' };
  };
  const c = await at(0, 0);
  const u = await at(0, -40);
  const r = await at(40, 0);
  return { centre: JSON.stringify(c.voxel), intensity: c.intensity, up: u.voxel.map((x, a) => Math.sign(x - c.voxel[a])), right: r.voxel.map((x, a) => Math.sign(x - c.voxel[a])) };
}

describe.skipIf(!requireTools('dicom.e2e', [chromium]))('a DICOM series in the app (browser transport, real services)', { timeout: 300_000 }, () => {
  let app: AppPage | undefined;
  let tmp: string | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens a picked DICOM folder with the NIfTI\'s anatomy and orientation, and runs on it', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'patchlens-e2e-dicom-'));
    const niftiPath = resolve(repo, 'demo/data/ch2-2mm_t1.nii.gz');
    const series = join(tmp, 'ch2-2mm-dicom');
    writeDicomSeries(readNifti(readFileSync(niftiPath)), series, { seriesNumber: 3 });
    app = await openApp({ width: 1280, height: 800 });
    const { page } = app;
    await waitRendered(page);

    // The NIfTI itself, uploaded as a user would: the reference view.
    await page.getByTestId('upload-image').setInputFiles(niftiPath);
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toContain('ch2-2mm_t1.nii.gz');
    // The same image keeps the demo's labels: closed, so that both views show the image alone.
    await page.getByRole('button', { name: 'Close labels' }).click();
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).not.toContain('Labels');
    await waitRendered(page);
    const fromNifti = await axialOrientation(app);

    // The DICOM folder through the DICOM… button's folder input.
    await page.getByTestId('upload-dicom').setInputFiles(series);
    await expect.poll(async () => (await page.getByTestId('open-files').textContent()) ?? '', { timeout: 60_000 }).toMatch(/series-3-ch2-as-DICOM-[0-9a-f]{8}\.nii/);
    expect(await page.getByTestId('open-files').textContent()).toContain('91×109×91');
    await waitRendered(page);
    await page.screenshot({ path: join(shots, 'dicom-opened.png') });
    // The same anatomy, the same way up: the same voxel and intensity under the centre, the indices running the same ways.
    const fromDicom = await axialOrientation(app);
    expect(fromDicom).toEqual(fromNifti);
    expect(fromDicom.up.some((x) => x !== 0) && fromDicom.right.some((x) => x !== 0)).toBe(true);
    const pixels = await axialPixels(app);
    const bright = pixels.filter(([r]) => r > 60).length;
    expect(bright / pixels.length).toBeGreaterThan(0.2);

    // The services hold it as the session's image, a NIfTI in the project's dicom/ folder.
    const call = callOn(await shareSession(app.services, page));
    const state = await call<SessionState>('session:get', {});
    expect(state.image?.path).toContain(join(app.projectDir, 'dicom'));
    // A run on it (the demo model is open).
    const { run } = await runFromPanel(app);
    expect(run.imageName).toMatch(/^series-3-/);
  });
});
