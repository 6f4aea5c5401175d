/**
 * End-to-end checks of issue 11 in Debian's Chromium through the browser transport, with the real
 * services (compute mode `page`: inference runs in the tab's own engine Worker):
 * - no console message of level warning or error (and no failed request) on start, on opening an
 *   image, on a run and on the explorer, except the ones in ALLOWED below, each with its reason;
 * - two tabs at once are two sessions: a second tab opening another image changes nothing in the
 *   first, neither sees the other's jobs, and closing a tab ends its page job at once and removes
 *   its compute agent, so the other tab's page jobs still run.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, SessionState } from '../../shared/api/contract';
import type { ServiceConnection } from '../../src-node/app/serviceHost';
import { chromium } from '../helpers/enginePage';
import { requireTools } from '../helpers/requireTool';
import { openApp, repo, shareSession, waitRendered, type AppPage } from './appPage';

/**
 * Console lines that are not PatchLens's to fix, each matched exactly enough to be only that line.
 * (Empty today: a line that appears here must say which library prints it and why it is harmless.)
 */
const ALLOWED: { pattern: RegExp; why: string }[] = [];

/** Log lines of level warning or error, page errors, failed requests and HTTP errors not in ALLOWED. */
function problems(log: string[]): string[] {
  return log.filter((l) => /\[(warning|error|pageerror|requestfailed|http \d+)\]/.test(l)).filter((l) => !ALLOWED.some((a) => a.pattern.test(l)));
}

const mirrored = join(repo, 'demo', 'data', 'ch2-2mm-mirrored_t1.nii.gz');

async function jobOf(conn: ServiceConnection, pick: (j: JobInfo) => boolean): Promise<JobInfo | undefined> {
  const e = await conn.handle('session:get', {});
  return 'result' in e ? (e.result as SessionState).jobs.find(pick) : undefined;
}

describe.skipIf(!requireTools('trust.e2e', [chromium]))('trust end to end (browser transport, compute mode page)', { timeout: 300_000 }, () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp(undefined, { compute: 'page' });
  }, 240_000);

  afterAll(async () => {
    if (app && problems(app.log).length) console.log(`trust.e2e log:\n${app.log.join('\n')}`);
    await app?.close();
  });

  it('logs no warning or error on start, on opening an image, on a run and on the explorer', async () => {
    const { page } = app;
    await waitRendered(page);
    expect(problems(app.log), 'on start').toEqual([]);
    // Open an image the way a user does over the browser transport: the file picker, uploaded in chunks.
    await page.getByTestId('upload-image').setInputFiles(mirrored);
    await page.waitForFunction(() => document.querySelector('[data-testid="open-files"]')?.textContent?.includes('ch2-2mm-mirrored_t1.nii.gz'), undefined, { timeout: 60_000 });
    await waitRendered(page);
    expect(problems(app.log), 'on opening an image').toEqual([]);
    const demoOpen = async () => { const f = await page.getByTestId('open-files').innerText(); return f.includes('ch2-2mm_t1.nii.gz') && f.includes('ch2-2mm_brain.nii.gz'); };
    if (!(await demoOpen())) await page.getByTestId('open-demo').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="open-files"]')?.textContent?.includes('ch2-2mm_brain.nii.gz'), undefined, { timeout: 60_000 });
    await page.getByTestId('run-inference').click();
    await page.waitForSelector('[data-testid="job"][data-state="done"], [data-testid="job"][data-state="failed"]', { timeout: 180_000 });
    expect(await page.getByTestId('job-state').first().innerText()).toBe('done');
    await waitRendered(page);
    expect(problems(app.log), 'on a run').toEqual([]);
    await page.getByTestId('tab-explorer').click();
    await page.waitForSelector('[data-testid="explorer"]');
    await page.waitForTimeout(1500);
    expect(problems(app.log), 'on the explorer').toEqual([]);
  });

  it('a second tab is its own session: another image there changes nothing here; neither sees the other\'s jobs', async () => {
    const { page } = app;
    await page.getByTestId('tab-viewer').click();
    // The demo open in this tab (whatever the test before left open), and a job of this tab.
    await page.getByTestId('open-demo').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="open-files"]')?.textContent?.includes('ch2-2mm_brain.nii.gz'), undefined, { timeout: 60_000 });
    const { jobId } = await app.call<{ jobId: string }>('run:start', { settings: { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } });
    const before = await app.call<SessionState>('session:get', {});
    const tab = await app.openTab();
    const tabSession = await shareSession(app.services, tab);
    expect(tabSession.session.id).not.toBe(app.session.session.id);
    await tab.getByTestId('upload-image').setInputFiles(mirrored);
    await tab.waitForFunction(() => document.querySelector('[data-testid="open-files"]')?.textContent?.includes('ch2-2mm-mirrored_t1.nii.gz'), undefined, { timeout: 60_000 });
    const after = await app.call<SessionState>('session:get', {});
    expect(after.image).toEqual(before.image);
    expect(after.label).toEqual(before.label);
    const files = await page.getByTestId('open-files').innerText();
    expect(files).toContain('ch2-2mm_t1.nii.gz');
    expect(files).toContain('ch2-2mm_brain.nii.gz');
    // The first tab's finished job is not in the second tab's list.
    expect(await tab.getByTestId('jobs-empty').count()).toBe(1);
    const cancel = await tabSession.handle('job:cancel', { jobId });
    expect(cancel).toEqual({ error: { code: 'not-found', message: `job:cancel: no job ${jobId} in this window` } });
    await expect.poll(async () => (await jobOf(app.session, (j) => j.id === jobId))?.state, { timeout: 180_000, interval: 500 }).toBe('done');
    await tab.close();
    tabSession.close('closed');
    expect(problems(app.log)).toEqual([]);
  });

  it('closing a tab ends its page job at once and removes its agent; the other tab still runs page jobs', async () => {
    const tab = await app.openTab();
    const tabSession = await shareSession(app.services, tab);
    // The job must run on this tab's agent (a job started before the agent attached waits for one).
    await app.agentAttached(tab);
    await tab.getByTestId('run-inference').click();
    await expect.poll(async () => (await jobOf(tabSession, (j) => j.kind === 'inference'))?.state, { timeout: 60_000, interval: 200 }).toBe('running');
    await tab.close();
    // Cancelled at once (before: the job waited 60 s for the dead page, then failed).
    await expect.poll(async () => (await jobOf(tabSession, (j) => j.kind === 'inference'))?.state, { timeout: 30_000, interval: 200 }).toBe('cancelled');
    const job = await jobOf(tabSession, (j) => j.kind === 'inference');
    expect(job?.error?.message).toMatch(/cancelled/);
    tabSession.close('closed');
    // The first tab's agent is still there: its next page job runs on it and finishes.
    const { page } = app;
    const done = (await app.call<SessionState>('session:get', {})).jobs.filter((j) => j.state === 'done').length;
    await page.getByTestId('run-inference').click();
    await expect.poll(async () => (await app.call<SessionState>('session:get', {})).jobs.filter((j) => j.state === 'done').length, { timeout: 180_000, interval: 500 }).toBe(done + 1);
    const last = (await app.call<SessionState>('session:get', {})).jobs[0];
    expect(last.label).toMatch(/ on the page \(/);
    expect(problems(app.log)).toEqual([]);
  });
});
