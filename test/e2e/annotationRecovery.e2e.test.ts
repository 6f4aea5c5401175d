/**
 * End-to-end: a crash in the middle of editing loses at most the autosave's idle interval. The
 * services run in a child process (test/helpers/serveChild.ts) on a project folder; the page
 * paints, the autosave (3 s after the last edit) writes, the child is killed with SIGKILL (no
 * close, no flush), a new child starts on the same folder, and the page opened on it offers the
 * autosave: Recover brings back every edit, voxel for voxel what the page had.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, chromium } from '../helpers/enginePage';
import { rendererDir } from '../helpers/rendererGlobalSetup';
import { requireTools } from '../helpers/requireTool';
import { docsScreenshotDir, repo, waitRendered } from './appPage';

const shots = docsScreenshotDir();

/** Starts the services in a child process and answers it with the URL it printed. */
async function serve(projectDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'test/helpers/serveChild.ts'), projectDir, rendererDir()], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`serveChild exited ${code} before printing its URL: ${err.slice(-2000)}`)));
  });
  return { child, url };
}

async function open(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(url);
  await page.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout: 60_000 });
  await waitRendered(page);
  return page;
}

describe.skipIf(!requireTools('annotationRecovery.e2e', [chromium]))('annotation: recover after the service is killed', { timeout: 300_000 }, () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('kills the service mid-editing, restarts it and recovers the autosave', async () => {
    const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-e2e-recovery-'));
    cleanup.push(() => rmSync(projectDir, { recursive: true, force: true }));
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    cleanup.push(() => browser.close());
    const first = await serve(projectDir);
    cleanup.push(() => void first.child.kill('SIGKILL'));
    const page = await open(browser, first.url);
    await page.waitForSelector('[data-testid="label-row-1"]', { timeout: 60_000 });
    const brain = Number(await page.getByTestId('label-voxels-1').textContent());

    // Erase a stroke of the brain label, then wait for the autosave (idle 3 s).
    await page.getByTestId('viewer-workspace').focus();
    await page.keyboard.press('e');
    const box = (await page.getByTestId('viewport-axial').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2 - 30, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('annotation-state').textContent(), { timeout: 30_000 }).toContain('autosaved');
    const edited = Number(await page.getByTestId('label-voxels-1').textContent());
    expect(edited).toBeLessThan(brain);

    // The crash: no close, no flush.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await serve(projectDir);
    cleanup.push(() => void second.child.kill('SIGKILL'));
    const again = await open(browser, second.url);

    const dialog = again.getByTestId('recovery-dialog');
    await dialog.waitFor({ timeout: 60_000 });
    expect(await dialog.textContent()).toMatch(/1 edit/);
    mkdirSync(shots, { recursive: true });
    await again.screenshot({ path: join(shots, 'annotation-recovery.png') });
    // The labels are read-only until the offer is answered: the brush is off.
    expect(await again.getByTestId('tool-brush').isDisabled()).toBe(true);
    await again.getByTestId('recovery-recover').click();
    await expect.poll(async () => Number(await again.getByTestId('label-voxels-1').textContent()), { timeout: 30_000 }).toBe(edited);
    expect(await again.getByTestId('tool-brush').isDisabled()).toBe(false);
    expect(await again.getByTestId('label-list').textContent()).toContain('Started from: recovered');
  });
});
