/**
 * End-to-end (issue 12, items 2, 3, 5, 12): the explorer in Debian's Chromium through the browser
 * transport with the real services. A sweep of the demo case gives a recommendation whose
 * saving is stated with its verdict and ranges; a sweep whose reference is the image itself gives
 * no recommendation, only the explanation; the configuration table fits (or scrolls visibly) at
 * 1280×800, 1600×1000 and 1920×1080; a configuration clicked opens the sweep's own case.
 * Screenshots: explorer-recommendation*.png and explorer-no-recommendation*.png under out/e2e/,
 * copied to docs/screenshots/ with PATCHLENS_DOCS_SCREENSHOTS=1.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/api/contract';
import type { SweepSummary } from '../../shared/sweep/types';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { openUpload, result } from '../helpers/hostEnvelopes';
import { docsScreenshotDir, openApp, repo, type AppPage } from './appPage';

const shots = resolve(repo, 'out', 'e2e');
const docs = docsScreenshotDir();
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1600, height: 1000 },
  { width: 1920, height: 1080 },
];

describe.skipIf(!requireTools('explorer-answers.e2e', [chromium]))('the explorer states only findings (browser transport, real services)', { timeout: 400_000 }, () => {
  let app: AppPage;
  let withRecommendation = '';
  let withoutRecommendation = '';

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    mkdirSync(docs, { recursive: true });
    app = await openApp(VIEWPORTS[0], { compute: 'node' });
    // Both sweeps are made here, so that every test below stands on its own: one of the demo case
    // (a recommendation), then one whose reference is the image itself (none).
    withRecommendation = await sweep({ patchSizes: [24], overlaps: [0, 0.25], blends: ['constant', 'gaussian'] });
    await useImageAsReference();
    withoutRecommendation = await sweep({ patchSizes: [24], overlaps: [0], blends: ['constant'] });
  }, 400_000);

  /** Opens the image itself as the reference labels (an intensity image, not labels). */
  async function useImageAsReference(): Promise<void> {
    const image = join(repo, 'demo', 'data', 'ch2-2mm_t1.nii.gz');
    result(await openUpload(app.session, 'label', [{ name: 'ch2-2mm_t1.nii.gz', bytes: new Uint8Array(readFileSync(image)) }]));
  }

  afterAll(async () => {
    if (app?.log.some((l) => l.startsWith('[pageerror]'))) console.log(app.log.filter((l) => l.startsWith('[pageerror]')).join('\n'));
    await app?.close();
  });

  /** Runs a sweep of the open case and answers its id once it is recorded. */
  async function sweep(request: Record<string, unknown>): Promise<string> {
    const { jobId } = await app.call<{ jobId: string }>('sweep:start', { request: { placements: ['stride'], repeats: 1, cases: 'current', ...request } });
    const state = async () => (await app.call<SessionState>('session:get', {})).jobs.find((j) => j.id === jobId);
    // A plain loop (expect.poll works only inside a test; the sweeps run in beforeAll).
    const until = Date.now() + 280_000;
    while (!/^(done|failed|cancelled)$/.test((await state())?.state ?? '') && Date.now() < until) await new Promise((r) => setTimeout(r, 1000));
    const job = (await state())!;
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    await app.page.getByTestId('tab-explorer').click();
    return job.resultId!;
  }

  /** Screenshots of the explorer at 1280×800 and 1920×1080 (<name>.png is the 1280×800 one). */
  async function shoot(name: string): Promise<void> {
    const { page } = app;
    for (const vp of [VIEWPORTS[0], VIEWPORTS[2]]) {
      await page.setViewportSize(vp);
      await page.waitForTimeout(300);
      const file = join(shots, `${name}-${vp.width}x${vp.height}.png`);
      await page.screenshot({ path: file });
      const copy = join(docs, vp === VIEWPORTS[0] ? `${name}.png` : `${name}-${vp.width}x${vp.height}.png`);
      if (copy !== file) copyFileSync(file, copy);
    }
    await page.setViewportSize(VIEWPORTS[0]);
  }

  it('states the recommendation\'s saving with its verdict and both ranges', async () => {
    const { page } = app;
    const summary = await app.call<SweepSummary>('sweep:summary', { sweepId: withRecommendation });
    expect(summary.recommendation).not.toBeNull();
    await page.getByTestId('tab-explorer').click();
    await page.getByTestId('sweep-picker').selectOption(withRecommendation);
    await expect.poll(() => page.getByTestId('recommendation-config').innerText(), { timeout: 60_000 }).toBe(summary.recommendation!.configId);
    const saving = page.getByTestId('recommendation-saving');
    const verdict = summary.recommendation!.vsMostExpensive?.time?.verdict;
    if (verdict) expect(await saving.getAttribute('data-verdict')).toBe(verdict);
    const text = await saving.innerText();
    if (verdict === 'faster') expect(text).toMatch(/^Saves .* faster by /);
    else if (summary.recommendation!.vsMostExpensive) expect(text).not.toMatch(/saves/i);
    expect(await page.getByTestId('recommendation-time').innerText()).toMatch(/^\d[\d.]* m?s \(\d[\d.]*–\d[\d.]* m?s\)$/);
    await shoot('explorer-recommendation');
  });

  it('fits the configuration table, or scrolls it visibly, at 1280×800, 1600×1000 and 1920×1080', async () => {
    const { page } = app;
    await page.getByTestId('tab-explorer').click();
    await page.getByTestId('sweep-picker').selectOption(withRecommendation);
    await page.waitForSelector('[data-testid="config-row"]', { timeout: 60_000 });
    for (const vp of VIEWPORTS) {
      await page.setViewportSize(vp);
      await page.waitForTimeout(300);
      const m = await page.getByTestId('config-table-frame').evaluate((frame) => {
        const th = [...frame.querySelectorAll('th')].pop()!;
        const f = frame.getBoundingClientRect();
        const last = th.getBoundingClientRect();
        return { clientWidth: frame.clientWidth, scrollWidth: frame.scrollWidth, overflowX: getComputedStyle(frame).overflowX, lastRight: last.right, frameRight: f.right, lastText: th.textContent };
      });
      console.log(`explorer table at ${vp.width}×${vp.height}: scrollWidth ${m.scrollWidth}, clientWidth ${m.clientWidth}`);
      expect(m.lastText).toBe('Windows');
      // Either every column is inside the frame, or the frame scrolls (auto overflow with a drawn scroll bar).
      if (m.scrollWidth > m.clientWidth + 1) expect(m.overflowX, `${vp.width}×${vp.height}`).toBe('auto');
      else expect(m.lastRight, `${vp.width}×${vp.height}`).toBeLessThanOrEqual(m.frameRight + 1);
      // At 1600×1000 (where the Windows column was hidden) and wider, it fits without scrolling.
      if (vp.width >= 1600) expect(m.scrollWidth, `${vp.width}×${vp.height}`).toBeLessThanOrEqual(m.clientWidth + 1);
    }
    await page.setViewportSize(VIEWPORTS[0]);
  });

  it('gives no recommendation, only the explanation, when the reference is the image itself', async () => {
    const { page } = app;
    await page.getByTestId('tab-explorer').click();
    const summary = await app.call<SweepSummary>('sweep:summary', { sweepId: withoutRecommendation });
    expect(summary.recommendation).toBeNull();
    expect(summary.noRecommendation).toBeTruthy();
    await page.getByTestId('sweep-picker').selectOption(withoutRecommendation);
    await expect.poll(() => page.getByTestId('recommendation-none').innerText(), { timeout: 60_000 }).toBe(summary.noRecommendation!);
    expect(await page.getByTestId('recommendation').innerText()).not.toMatch(/saves/i);
    expect(await page.getByTestId('recommendation-saving').count()).toBe(0);
    await shoot('explorer-no-recommendation');
  });

  it('shows a clicked configuration on the sweep\'s own case: its labels come back', async () => {
    const { page } = app;
    if ((await app.call<SessionState>('session:get', {})).label?.name !== 'ch2-2mm_t1.nii.gz') await useImageAsReference();
    await page.getByTestId('tab-explorer').click();
    expect((await app.call<SessionState>('session:get', {})).label?.name).toBe('ch2-2mm_t1.nii.gz');
    await page.getByTestId('sweep-picker').selectOption(withRecommendation);
    await page.waitForSelector('[data-testid="config-row"][data-config-id="p24-o0-stride-constant-tta0"]', { timeout: 60_000 });
    await page.locator('[data-testid="config-row"][data-config-id="p24-o0-stride-constant-tta0"]').click();
    await expect.poll(async () => (await app.call<SessionState>('session:get', {})).label?.name, { timeout: 60_000 }).toBe('ch2-2mm_brain.nii.gz');
    const s = await app.call<SessionState>('session:get', {});
    expect(s.image?.name).toBe('ch2-2mm_t1.nii.gz');
    expect(s.model?.path).toBe(join(repo, 'demo', 'model'));
  });
});
