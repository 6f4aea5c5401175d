/**
 * End-to-end: annotation in the real app (Debian's Chromium, browser transport, real services,
 * the demo image and its reference labels). Each test opens its own app (and project folder),
 * so none depends on another: paint on each of the three views, undo / redo, erase, the
 * threshold brush and the flood fill, with the label's voxel count checked after each; save,
 * reload the page and reopen, every voxel of the saved NIfTI compared with main's copy.
 * Screenshots go to out/e2e/ (docs/screenshots/ with PATCHLENS_DOCS_SCREENSHOTS=1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnnotationInfo, SessionState } from '../../shared/api/contract';
import { chromium } from '../helpers/enginePage';
import { commandTool, requireTools } from '../helpers/requireTool';
import { callOn, colorsAt, docsScreenshotDir, JOB_WAIT_MS, openApp, runFromPanel, shareSession, showRun, startSweepFromForm, waitRendered, waitUntil, type AppPage } from './appPage';

const shots = docsScreenshotDir();
const hasPoppler = requireTools('annotation.e2e (the report read with pdftotext and pdftoppm)', [commandTool('pdftoppm', 'apt-get install -y poppler-utils')]);

/** A saved label NIfTI's voxels, read with nifti-reader-js (an independent reader). */
function readLabels(path: string): { data: Uint8Array | Uint16Array; dims: number[] } {
  const bytes = gunzipSync(readFileSync(path));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const header = nifti.readHeader(buffer)!;
  const image = nifti.readImage(header, buffer);
  const data = header.datatypeCode === nifti.NIFTI1.TYPE_UINT16 ? new Uint16Array(image) : new Uint8Array(image);
  return { data, dims: header.dims.slice(1, 4) };
}

/** Voxels holding `value`. */
const countOf = (data: ArrayLike<number>, value: number) => {
  let n = 0;
  for (let k = 0; k < data.length; k++) if (data[k] === value) n++;
  return n;
};

/** The label-list's voxel count of a label. */
async function voxels(page: Page, value: number): Promise<number> {
  return Number(await page.getByTestId(`label-voxels-${value}`).textContent());
}

/** Waits until every edit the page sent has been answered (the toolbar stops saying so). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid="annotation-state"]')?.textContent?.includes('Sending'), undefined, { timeout: 30_000 });
}

/** The centre of a view's canvas, in page pixels, offset by (dx, dy). */
async function viewPoint(page: Page, view: string, dx = 0, dy = 0): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId(`viewport-${view}`).boundingBox())!;
  return { x: box.x + box.width / 2 + dx, y: box.y + box.height / 2 + dy };
}

/** A left-button drag through points of a view (offsets from its centre). */
async function drag(page: Page, view: string, points: [number, number][]): Promise<void> {
  const first = await viewPoint(page, view, ...points[0]);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const at = await viewPoint(page, view, ...p);
    await page.mouse.move(at.x, at.y, { steps: 4 });
  }
  await page.mouse.up();
  await settled(page);
}

/** Presses a single-key command with the viewer focused (not a text field). */
async function key(page: Page, k: string): Promise<void> {
  await page.getByTestId('viewer-workspace').focus();
  await page.keyboard.press(k);
}

async function openAnnotating(viewport?: { width: number; height: number }): Promise<AppPage> {
  const app = await openApp(viewport);
  await waitRendered(app.page);
  await app.page.waitForSelector('[data-testid="label-row-1"]', { timeout: 60_000 });
  return app;
}

describe.skipIf(!requireTools('annotation.e2e', [chromium]))('annotation end to end (browser transport, real services)', { timeout: 300_000 }, () => {
  let app: AppPage | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('paints on each of the three views, undoes, redoes and erases, with the voxel count after each', async () => {
    app = await openAnnotating({ width: 1280, height: 800 });
    const { page } = app;
    mkdirSync(shots, { recursive: true });
    await page.getByTestId('label-add').click();
    // The demo's reference has one label (brain): the new one is 2, and it becomes the active one.
    await page.waitForSelector('[data-testid="label-row-2"]');
    const label = 2;
    expect(await page.getByTestId('active-label').textContent()).toBe('2 · Label 2');
    expect(await voxels(page, label)).toBe(0);
    await key(page, 'b');
    await expect.poll(() => page.getByTestId('annotation-toolbar').getAttribute('data-tool')).toBe('brush');
    const counts: number[] = [];
    for (const view of ['axial', 'sagittal', 'coronal']) {
      await drag(page, view, [[-20, 0], [0, 5], [20, 0]]);
      counts.push(await voxels(page, label));
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(counts[0]);
    expect(counts[2]).toBeGreaterThan(counts[1]);
    expect(await page.getByTestId('history-step-3').textContent()).toContain('Brush circle 3 mm');
    await page.screenshot({ path: join(shots, 'annotation-paint.png') });

    await page.keyboard.press('Control+z');
    await settled(page);
    expect(await voxels(page, label)).toBe(counts[1]);
    await page.keyboard.press('Control+Shift+Z');
    await settled(page);
    expect(await voxels(page, label)).toBe(counts[2]);

    await key(page, 'e');
    await drag(page, 'axial', [[-20, 0], [20, 0]]);
    const erased = await voxels(page, label);
    expect(erased).toBeLessThan(counts[2]);
    expect(erased).toBeGreaterThan(0);

    // The brush is cornerstone3D's BrushTool on a @cornerstonejs/tools labelmap: its cursor is
    // drawn in cornerstone's SVG layer of the view, and the reference row says the label list styles it.
    await key(page, 'b');
    const hover = await viewPoint(page, 'axial', 40, 40);
    await page.mouse.move(hover.x, hover.y);
    await expect.poll(() => page.locator('[data-testid="viewport-axial"] svg.svg-layer circle').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('overlay-edited-reference').textContent()).toContain('label list');
    // One click with a circle, one with a sphere of the same radius elsewhere: the sphere also paints the slices above and below.
    // (cornerstone runs a click's tool after its 400 ms double-click wait: the counts are polled.
    // A click right after a drag is the case cornerstone 5.0.13 alone would drop: segmentationTools.ts.)
    await drag(page, 'axial', [[40, 40]]);
    await expect.poll(() => voxels(page, label), { timeout: 10_000 }).toBeGreaterThan(erased);
    await settled(page);
    const circle = (await voxels(page, label)) - erased;
    await page.getByTestId('brush-sphere').check();
    await drag(page, 'axial', [[-40, 40]]);
    await expect.poll(() => voxels(page, label), { timeout: 10_000 }).toBeGreaterThan(erased + circle);
    await settled(page);
    const sphere = (await voxels(page, label)) - erased - circle;
    expect(sphere).toBeGreaterThan(circle);
    expect(await page.getByTestId('history-list').textContent()).toContain('Brush sphere 3 mm');
    // ] twice: 3 → 4 → 5 mm, and a circle click of the larger brush paints more than the 3 mm one did.
    await page.getByTestId('brush-sphere').uncheck();
    await key(page, ']');
    await key(page, ']');
    expect(await page.getByTestId('brush-radius-value').textContent()).toBe('5 mm');
    const before5 = await voxels(page, label);
    await drag(page, 'coronal', [[40, -40]]);
    await expect.poll(() => voxels(page, label), { timeout: 10_000 }).toBeGreaterThan(before5);
    await settled(page);
    expect((await voxels(page, label)) - before5).toBeGreaterThan(circle);
    expect(await page.getByTestId('history-list').textContent()).toContain('Brush circle 5 mm');
    // cornerstone's tools painted without a warning or an error in the page (CSP, workers, WebGL).
    expect(app.log.filter((l) => /\[(warning|error|pageerror|requestfailed)\]/.test(l))).toEqual([]);
  });

  it('draws the labels through cornerstone\'s labelmap: recolour and hide a label in the list and the views follow; a locked label is never painted', async () => {
    app = await openAnnotating();
    const { page } = app;
    // Pixels inside the brain (label 1) on the axial view, away from the crosshair lines.
    const probes = await Promise.all([[25, -35], [-25, -35], [30, 30], [-30, 30]].map(([dx, dy]) => viewPoint(page, 'axial', dx, dy)));
    const mean = async () => {
      const c = await colorsAt(page, await page.screenshot(), probes);
      return [0, 1, 2].map((k) => c.reduce((a, x) => a + x[k], 0) / c.length);
    };
    await page.getByTestId('label-colour-1').fill('#0000ff');
    await expect.poll(async () => { const [r, , b] = await mean(); return b - r; }, { timeout: 20_000 }).toBeGreaterThan(40);
    await page.getByTestId('label-visible-1').uncheck();
    // Hidden: the grey image alone (r ≈ g ≈ b).
    await expect.poll(async () => { const [r, g, b] = await mean(); return Math.max(Math.abs(b - r), Math.abs(b - g)); }, { timeout: 20_000 }).toBeLessThan(8);
    await page.getByTestId('label-visible-1').check();
    await expect.poll(async () => { const [r, , b] = await mean(); return b - r; }, { timeout: 20_000 }).toBeGreaterThan(40);

    // Locked: the brush of label 1 changes nothing, and the store says why.
    await page.getByTestId('label-lock-1').check();
    const before = await voxels(page, 1);
    await key(page, 'b');
    await key(page, '1');
    await page.getByTestId('brush-sphere').check();
    await drag(page, 'axial', [[-60, -60], [-40, -60], [-20, -60]]);
    await expect.poll(() => page.getByTestId('annotation-error').textContent(), { timeout: 10_000 }).toContain('is locked');
    expect(await voxels(page, 1)).toBe(before);
    // The eraser leaves a locked label's voxels too.
    await key(page, 'e');
    await drag(page, 'axial', [[20, -30], [30, -30]]);
    expect(await voxels(page, 1)).toBe(before);
  });

  it('threshold brush paints only inside its intensity window; flood fill and scissors fill regions', async () => {
    app = await openAnnotating();
    const { page } = app;
    await page.getByTestId('label-add').click();
    await page.waitForSelector('[data-testid="label-row-2"]');
    // The threshold brush starts from the window/level shown; an empty window paints nothing.
    await key(page, 't');
    await page.getByTestId('threshold-lo').fill('-1000');
    await page.getByTestId('threshold-hi').fill('-999');
    await drag(page, 'axial', [[-10, -10], [10, 10]]);
    expect(await voxels(page, 2)).toBe(0);
    expect(await page.getByTestId('history-list').textContent()).toContain('0 / 0');
    // A window holding every intensity paints what the brush would; a narrower one paints less.
    await page.getByTestId('threshold-lo').fill('-100000');
    await page.getByTestId('threshold-hi').fill('100000');
    await drag(page, 'axial', [[-10, -10], [10, 10]]);
    const all = await voxels(page, 2);
    expect(all).toBeGreaterThan(0);
    await page.keyboard.press('Control+z');
    await settled(page);
    expect(await voxels(page, 2)).toBe(0);
    const hover = await viewPoint(page, 'axial');
    await page.mouse.move(hover.x, hover.y);
    const intensity = Number((await page.getByTestId('readout-intensity').textContent())?.trim());
    await page.getByTestId('threshold-lo').fill(String(intensity - 5));
    await page.getByTestId('threshold-hi').fill(String(intensity + 5));
    await drag(page, 'axial', [[-10, -10], [10, 10]]);
    const narrow = await voxels(page, 2);
    expect(narrow).toBeGreaterThan(0);
    expect(narrow).toBeLessThan(all);

    // Flood fill on the slice (2-D) from the centre: tolerance 0 grows over equal intensities only, a wider tolerance further.
    await key(page, 'g');
    await page.getByTestId('fill-tolerance').fill('0');
    const centre = await viewPoint(page, 'coronal', 0, 30);
    await page.mouse.click(centre.x, centre.y);
    await settled(page);
    const fill0 = await voxels(page, 2);
    expect(fill0).toBeGreaterThan(narrow);
    await page.getByTestId('fill-tolerance').fill('15');
    await page.mouse.click(centre.x, centre.y);
    await settled(page);
    const fill15 = await voxels(page, 2);
    expect(fill15).toBeGreaterThan(fill0);
    // 2-D: the region stays on one coronal slice (at most 91 × 91 voxels more).
    expect(fill15 - fill0).toBeLessThanOrEqual(91 * 91);

    // Scissors: a rectangle filled with the active label, then the same rectangle erased.
    await key(page, 's');
    const before = await voxels(page, 2);
    await drag(page, 'sagittal', [[-30, -30], [30, 30]]);
    const cut = await voxels(page, 2);
    expect(cut).toBeGreaterThan(before);
    await page.getByTestId('scissors-erase').check();
    await drag(page, 'sagittal', [[-30, -30], [30, 30]]);
    expect(await voxels(page, 2)).toBeLessThan(cut);
    expect(await page.getByTestId('history-list').textContent()).toContain('Scissors rectangle, erase');
    expect(app.log.filter((l) => /\[(warning|error|pageerror|requestfailed)\]/.test(l))).toEqual([]);
  });

  it('with a run: a new empty reference from the palette, accept the predicted component, a finding in patch terms, re-evaluate, save, reload, every voxel; the finding in the exported PDF', { timeout: 900_000 }, async () => {
    app = await openAnnotating({ width: 1920, height: 1080 });
    const { page } = app;
    const { run } = await runFromPanel(app);
    await showRun(page, run.id);
    // The statistics now compare with the run's prediction.
    await expect.poll(async () => (await page.getByTestId('label-dice-1').textContent())?.trim(), { timeout: 30_000 }).not.toBe('—');

    // The command palette runs a command of the registry: a new, empty reference.
    await page.getByTestId('viewer-workspace').focus();
    await page.keyboard.press('Control+Shift+P');
    await page.getByTestId('command-palette-input').fill('new empty');
    await page.keyboard.press('Enter');
    await expect.poll(() => voxels(page, 1), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('label-list').textContent()).toContain('Started from: empty');

    // Accept prediction: the predicted 3-D component under the cursor becomes label 1.
    await key(page, 'a');
    await page.getByTestId('tool-3d').check();
    const centre = await viewPoint(page, 'axial', 0, 20);
    await page.mouse.click(centre.x, centre.y);
    await settled(page);
    const accepted = await voxels(page, 1);
    expect(accepted).toBeGreaterThan(50_000);
    const dice = Number(await page.getByTestId('label-dice-1').textContent());
    expect(dice).toBeGreaterThan(0.95);
    expect(await page.getByTestId('history-step-1').textContent()).toContain(`(${accepted} voxels)`);

    // A finding: a click drafts it, the form completes it; with the run it says which windows lie under it.
    await key(page, 'n');
    const spot = await viewPoint(page, 'axial', 25, -15);
    await page.mouse.click(spot.x, spot.y);
    await page.waitForSelector('[data-testid="finding-form"]');
    await page.getByTestId('finding-category').selectOption('border artefact');
    await page.getByTestId('finding-severity').selectOption('2');
    await page.getByTestId('finding-note').fill('E2E finding at a patch border');
    await expect.poll(() => page.getByTestId('finding-form-patch').textContent(), { timeout: 30_000 }).toContain('window');
    await page.getByTestId('finding-add').click();
    await page.waitForSelector('[data-testid="finding-finding-1"]');
    // Ctrl+Z is one undo for label strokes and findings: it takes the new finding back, and redo brings it again.
    await page.getByTestId('viewer-workspace').focus();
    await page.keyboard.press('Control+z');
    await page.waitForSelector('[data-testid="finding-finding-1"]', { state: 'detached' });
    await page.keyboard.press('Control+Shift+Z');
    await page.waitForSelector('[data-testid="finding-finding-1"]');
    expect(await page.getByTestId('finding-patch-finding-1').textContent()).toMatch(/window \d+ at \[/);
    // The view it was marked on draws it on its slice; Jump moves the crosshairs there.
    await page.waitForSelector('[data-testid="finding-markers-axial"] [data-finding="finding-1"]');
    await page.getByTestId('finding-jump-finding-1').click();
    await page.waitForSelector('[data-testid="finding-markers-sagittal"] [data-finding="finding-1"]');
    await page.waitForSelector('[data-testid="finding-markers-coronal"] [data-finding="finding-1"]');
    await page.screenshot({ path: join(shots, 'annotation-findings.png') });

    // Re-evaluate the run against the edited reference (from the cache, no model run).
    await page.getByTestId('annotation-tab-reevaluate').click();
    await page.getByTestId('reevaluate-run').click();
    await page.waitForSelector('[data-testid="reevaluate-dice"]', { timeout: 60_000 });
    expect(await page.getByTestId('reevaluate-recommendation').textContent()).toMatch(/margin/);
    await page.screenshot({ path: join(shots, 'annotation-reevaluate.png') });

    // The label list's name and colour are saved with the labels (labelTable.json) and drawn in the report.
    await page.getByTestId('annotation-tab-labels').click();
    await page.getByTestId('label-name-1').fill('E2E structure');
    await page.getByTestId('label-name-1').press('Enter');
    await page.getByTestId('label-colour-1').fill('#0000ff');
    const bluish = ([r, g, b]: [number, number, number]) => b > r + 60 && b > g + 60;
    const axial = (await page.getByTestId('viewport-axial').boundingBox())!;
    const grid: { x: number; y: number }[] = [];
    for (let y = axial.y; y < axial.y + axial.height; y += 4) for (let x = axial.x; x < axial.x + axial.width; x += 4) grid.push({ x, y });
    await expect.poll(async () => (await colorsAt(page, await page.screenshot(), grid)).filter(bluish).length, { timeout: 20_000 }).toBeGreaterThan(0);

    // Save (Ctrl+S), then the files hold exactly main's copy.
    await page.getByTestId('viewer-workspace').focus();
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('annotation-state').textContent(), { timeout: 30_000 }).toContain('Saved');
    const folders = readdirSync(join(app.projectDir, 'annotations'));
    expect(folders).toHaveLength(1);
    const labelsPath = join(app.projectDir, 'annotations', folders[0], 'labels.nii.gz');
    const saved = readLabels(labelsPath);
    expect(saved.dims).toEqual([91, 109, 91]);
    expect(countOf(saved.data, 1)).toBe(accepted);
    const findingsJson = JSON.parse(readFileSync(join(app.projectDir, 'annotations', folders[0], 'findings.json'), 'utf8'));
    expect(findingsJson.findings.map((f: { note: string }) => f.note)).toEqual(['E2E finding at a patch border']);

    // Reload the page: the annotation opens again from the saved files, every voxel as saved.
    await page.reload();
    await page.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout: 60_000 });
    await waitRendered(page);
    await expect.poll(() => voxels(page, 1), { timeout: 60_000 }).toBe(accepted);
    expect(await page.getByTestId('label-list').textContent()).toContain('Started from: saved');
    expect(await page.getByTestId('label-name-1').inputValue()).toBe('E2E structure');
    expect(await page.getByTestId('label-colour-1').inputValue()).toBe('#0000ff');
    // The reloaded page may serve a new session: look at the one it has now.
    const connection = await shareSession(app.services, page);
    const call = callOn(connection);
    const reopened = await call<AnnotationInfo>('annotation:open', { start: 'saved' });
    expect(reopened.labels.data.length).toBe(saved.data.length);
    let differ = 0;
    for (let k = 0; k < saved.data.length; k++) if (reopened.labels.data[k] !== saved.data[k]) differ++;
    expect(differ).toBe(0);
    expect(reopened.findings.findings).toHaveLength(1);

    // Export the report (a one-configuration sweep): its Findings section lists the finding with a thumbnail.
    await startSweepFromForm(page, '24', '0');
    try {
      await page.waitForSelector('[data-testid="sweep-queued"]', { timeout: 30_000 });
    } catch (e) {
      await page.screenshot({ path: join(shots, 'annotation-sweep-failed.png') });
      throw e;
    }
    await waitUntil(
      'the sweep',
      async () => {
        const s = await call<SessionState>('session:get', {});
        const failed = s.jobs.find((j) => j.kind === 'sweep' && (j.state === 'failed' || j.state === 'cancelled'));
        if (failed) throw new Error(`the sweep job ended ${failed.state}: ${failed.error?.message ?? ''}`);
        return s.sweeps.length === 1;
      },
      JOB_WAIT_MS,
      1000,
    );
    await page.waitForSelector('[data-testid="export-report"]:not([disabled])', { timeout: JOB_WAIT_MS });
    await page.getByTestId('export-report').click();
    await page.waitForSelector('[data-testid="export-pdf"]', { timeout: 180_000 });
    const pdfPath = await page.getByTestId('export-pdf').innerText();
    const html = readFileSync(pdfPath.replace(/\.pdf$/, '.html'), 'utf8');
    expect(html).toContain('E2E finding at a patch border');
    if (hasPoppler) {
      const text = spawnSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
      expect(text.status).toBe(0);
      // Table cells wrap, so the note is looked for word by word in reading order on its page.
      const pages = text.stdout.split('\f').map((p) => p.replace(/\s+/g, ' '));
      const pageNo = pages.findIndex((p) => p.includes('6. Findings')) + 1;
      expect(pageNo).toBeGreaterThan(0);
      expect(pages[pageNo - 1]).toMatch(/finding-1 .*border.*E2E finding at/);
      expect(pages[pageNo - 1]).toContain('window');
      const out = join(shots, 'annotation-report-findings');
      expect(spawnSync('pdftoppm', ['-png', '-r', '80', '-f', String(pageNo), '-l', String(pageNo), '-singlefile', pdfPath, out]).status).toBe(0);
      expect(existsSync(`${out}.png`)).toBe(true);
      // The thumbnail marks the finding in cyan (src-node/report/userFindings.ts FINDING_MARK).
      const png = readFileSync(`${out}.png`);
      // A PNG's IHDR holds its width and height (big-endian) at bytes 16 and 20.
      const size = [png.readUInt32BE(16), png.readUInt32BE(20)];
      const points: { x: number; y: number }[] = [];
      for (let y = 0; y < size[1]; y += 3) for (let x = 0; x < size[0]; x += 3) points.push({ x, y });
      const colours = await colorsAt(page, png, points);
      expect(colours.some(([r, g, b]) => r < 60 && g > 200 && b > 200)).toBe(true);
      // The thumbnail draws label 1 in the label list's blue, as the viewer did (not the model's palette).
      expect(colours.filter(bluish).length).toBeGreaterThan(0);
    }
  });
});
