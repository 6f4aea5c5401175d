/**
 * The inspection viewer in real Chromium (SwiftShader WebGL): ViewerWorkspace with cornerstone3D
 * shows the demo image (demo/data/ch2-2mm_t1.nii.gz) and a synthetic patch performance heatmap
 * (tiledPerformance high in one box), under the app's CSP. Asserts rendered pixels: the image is
 * not black, the hot colours appear inside the box and not elsewhere, opacity 0 removes them, and
 * another colormap changes them. Saves screenshots to out/test-screenshots/viewer/ (gitignored).
 *
 * Needs /usr/bin/chromium (Debian's `chromium` package); skipped with a message without it (a
 * failure with PATCHLENS_REQUIRE_ALL=1).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../helpers/requireTool';
import { CHROMIUM, CHROMIUM_FLAGS, chromium } from '../../helpers/enginePage';
import { startStaticServer, type StaticServer } from '../../helpers/staticServer';
import type { CanvasRect, PixelStats } from './page/viewerPageTypes';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../../..');
const shotsDir = resolve(repo, 'out', 'test-screenshots', 'viewer');
/** The heatmap's high box on the 91×109×91 demo image, `[k, j, i]`. */
const HIGH_BOX = { start: [35, 40, 25], end: [55, 70, 55] };

describe.skipIf(!requireTools('viewer.test', [chromium]))('ViewerWorkspace in Chromium (cornerstone3D, SwiftShader)', { timeout: 120_000 }, () => {
  let outDir = '';
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const log: string[] = [];

  const waitRendered = async () => {
    await page.waitForSelector('[data-testid="viewer-workspace"][data-rendered="true"]', { timeout: 60_000 });
  };
  const stats = async (view: 'axial' | 'sagittal' | 'coronal'): Promise<{ rect: CanvasRect; s: PixelStats }> => {
    const rect = await page.evaluate((v) => window.highBoxRect!(v), view);
    const s = await page.evaluate(([v, r]) => window.pixelStats!(v, r, 4), [view, rect] as const);
    return { rect, s };
  };
  const setRange = (testid: string, value: number) =>
    page.evaluate(([id, v]) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, [testid, value] as const);

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'patchlens-viewer-page-'));
    const { build } = await import('vite');
    await build({ configFile: resolve(here, 'vite.config.ts'), build: { outDir } });
    server = await startStaticServer({ mounts: { '/': outDir }, files: { '/input/image.nii.gz': readFileSync(resolve(repo, 'demo/data/ch2-2mm_t1.nii.gz')) } });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => typeof window.mountViewer === 'function', null, { timeout: 30_000 });
    mkdirSync(shotsDir, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    if (log.length) console.log(`viewer.test browser log:\n${log.slice(-30).join('\n')}`);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('renders the image with the hot heatmap inside the high box only', async () => {
    const mounted = await page.evaluate((box) => window.mountViewer!({ imageUrl: '/input/image.nii.gz', highBox: box }), HIGH_BOX);
    expect(mounted.shape).toEqual([91, 109, 91]);
    await waitRendered();
    await page.screenshot({ path: join(shotsDir, 'viewer-hot.png') });
    for (const view of ['axial', 'sagittal', 'coronal'] as const) {
      const { rect, s } = await stats(view);
      console.log(`viewer.test ${view}: rect ${JSON.stringify(rect)} stats ${JSON.stringify(s)}`);
      expect(s.meanGray, `${view} is not black`).toBeGreaterThan(8);
      expect(rect.x1 - rect.x0).toBeGreaterThan(20);
      expect(s.hotInside, `${view}: hot colours inside the box`).toBeGreaterThan(0.8);
      expect(s.hotOutside, `${view}: no hot colours outside the box`).toBeLessThan(0.01);
    }
    // The colour bar shows the layer's range.
    expect(await page.textContent('[data-testid="colorbar-tiledPerformance-min"]')).toBe('0.05');
    expect(await page.textContent('[data-testid="colorbar-tiledPerformance-max"]')).toBe('1');
  });

  it('opacity 0 removes the heatmap colours', async () => {
    await setRange('overlay-opacity-tiledPerformance', 0);
    await waitRendered();
    await page.screenshot({ path: join(shotsDir, 'viewer-opacity0.png') });
    const { s } = await stats('axial');
    expect(s.meanGray).toBeGreaterThan(8);
    expect(s.hotInside).toBeLessThan(0.01);
  });

  it('another colormap changes the colours (viridis: green, no hot)', async () => {
    await setRange('overlay-opacity-tiledPerformance', 0.7);
    await waitRendered();
    await page.selectOption('[data-testid="overlay-colormap-tiledPerformance"]', 'viridis');
    await waitRendered();
    await page.screenshot({ path: join(shotsDir, 'viewer-viridis.png') });
    const { s } = await stats('axial');
    expect(s.greenInside).toBeGreaterThan(0.8);
    expect(s.hotInside).toBeLessThan(0.01);
    expect(s.greenOutside).toBeLessThan(0.05);
  });

  it('alt-click inspects the voxel under the cursor; the readout follows the cursor', async () => {
    const rect = await page.evaluate(() => window.highBoxRect!('axial'));
    const box = (await page.locator('[data-testid="viewport-axial"]').boundingBox())!;
    const x = box.x + (rect.x0 + rect.x1) / 2;
    const y = box.y + (rect.y0 + rect.y1) / 2;
    await page.mouse.move(x, y);
    await page.waitForSelector('[data-testid="readout-voxel"]');
    const voxel = JSON.parse((await page.textContent('[data-testid="readout-voxel"]'))!) as number[];
    voxel.forEach((v, a) => {
      expect(v).toBeGreaterThanOrEqual(HIGH_BOX.start[a]);
      expect(v).toBeLessThan(HIGH_BOX.end[a]);
    });
    expect(await page.textContent('[data-testid="readout-map-Performance map"]')).toBe('0.6');
    await page.keyboard.down('Alt');
    await page.mouse.click(x, y);
    await page.keyboard.up('Alt');
    await page.waitForSelector('[data-testid="inspector-table"]');
    expect(await page.locator('[data-testid="inspector-row"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="inspector-label"]')).toBe('1');
  });
});
