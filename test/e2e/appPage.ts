/**
 * The real PatchLens UI in Debian's Chromium through the browser transport: serves the renderer
 * built once per test run (test/helpers/rendererGlobalSetup.ts), starts the real service host on
 * a temporary project folder and the HTTP + WebSocket server, and opens the tokenized URL.
 * Nothing is faked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ComputeMode, Envelope, RunRecord, SessionState } from '../../shared/api/contract';
import type { BackendPreference } from '../../shared/engine/backend/selectBackend';
import { createServiceHost } from '../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../src-node/app/serviceHost';
import { DOWNLOAD_BASE, startServer, type RunningServer } from '../../src-server/startServer';
import { CHROMIUM, CHROMIUM_FLAGS } from '../helpers/enginePage';
import { rendererDir } from '../helpers/rendererGlobalSetup';

export const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** An open app and what it runs on. */
export interface AppPage {
  page: Page;
  services: ServiceHost;
  /** A connection that shares the page's session (what the page sees, without going through it). */
  session: ServiceConnection;
  /** A request on the page's session; throws with the error's message. */
  call<T>(channel: string, args: unknown): Promise<T>;
  /** Opens the app in another tab of the same browser (its own session); its console goes to `log` with a `[tab N]` prefix. */
  openTab(): Promise<Page>;
  /**
   * Resolves once `page`'s compute agent is attached (its `compute:attach` was answered with an
   * agent id, seen on the page's WebSocket): a page is ready before its agent has probed its
   * backends, and a page job started in between waits for the agent.
   */
  agentAttached(page: Page): Promise<void>;
  server: RunningServer;
  projectDir: string;
  /** Console messages and page errors, as they came. */
  log: string[];
  close(): Promise<void>;
}

/** Options of {@link openApp}. */
export interface OpenAppOptions {
  /** Where inference jobs run (the service host's `compute`; default its own, `auto`). */
  compute?: ComputeMode;
  /** The backend page compute tasks must use (the service host's `pageBackend`). */
  pageBackend?: BackendPreference;
  /** The renderer build to serve (default: this test run's, from the e2e project's global setup). */
  rendererDir?: string;
}

/** Starts services + server (demo opened) on the renderer build and opens the page at `viewport`. */
export async function openApp(viewport = { width: 1600, height: 1000 }, options: OpenAppOptions = {}): Promise<AppPage> {
  const staticDir = options.rendererDir ?? rendererDir();
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-e2e-project-'));
  let services: ServiceHost | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await services?.close();
    rmSync(projectDir, { recursive: true, force: true });
  };
  try {
    services = await createServiceHost({ projectDir, transport: 'http', downloadBase: DOWNLOAD_BASE, ...(options.compute ? { compute: options.compute } : {}), ...(options.pageBackend ? { pageBackend: options.pageBackend } : {}) });
    await services.openInitial([]);
    server = await startServer({ services, staticDir });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const log: string[] = [];
    let tabs = 0;
    const attached = new WeakMap<Page, Promise<void>>();
    const watch = (p: Page, prefix: string) => {
      attached.set(p, new Promise<void>((resolveAttached) => {
        p.on('websocket', (ws) => {
          let asked = false;
          const text = (payload: string | Buffer) => (typeof payload === 'string' ? payload : payload.toString('latin1'));
          ws.on('framesent', (f) => {
            if (text(f.payload).includes('compute:attach')) asked = true;
          });
          ws.on('framereceived', (f) => {
            if (asked && text(f.payload).includes('agentId')) resolveAttached();
          });
        });
      }));
      p.on('console', (m) => log.push(`${prefix}[${m.type()}] ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`));
      p.on('pageerror', (e) => log.push(`${prefix}[pageerror] ${e.message}`));
      p.on('requestfailed', (r) => log.push(`${prefix}[requestfailed] ${r.url()}: ${r.failure()?.errorText ?? ''}`));
      p.on('response', (r) => {
        if (r.status() >= 400) log.push(`${prefix}[http ${r.status()}] ${r.url()}`);
      });
    };
    const page = await context.newPage();
    watch(page, '');
    const url = server.url;
    await page.goto(url);
    await page.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout: 60_000 });
    const session = await shareSession(services, page);
    const call = callOn(session);
    const host = services;
    const openTab = async () => {
      const tab = await context.newPage();
      watch(tab, `[tab ${++tabs}]`);
      await tab.goto(url);
      await tab.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout: 60_000 });
      void host;
      return tab;
    };
    const agentAttached = (p: Page) => attached.get(p) ?? Promise.reject(new Error('agentAttached: not a page of this app'));
    return { page, services, session, call, openTab, agentAttached, server, projectDir, log, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A request on a connection that answers its result or throws `<channel>: <message>`. */
export function callOn(connection: ServiceConnection): <T>(channel: string, args: unknown) => Promise<T> {
  return async <T>(channel: string, args: unknown): Promise<T> => {
    const envelope: Envelope<unknown> = await connection.handle(channel, args);
    if ('error' in envelope) throw new Error(`${channel}: ${envelope.error.message}`);
    return envelope.result as T;
  };
}

/** Fills the explorer's sweep form (patch sizes, overlaps, one repeat, the open image) and clicks Run sweep. */
export async function startSweepFromForm(page: Page, patches: string, overlaps: string): Promise<void> {
  await page.getByTestId('tab-explorer').click();
  await page.getByTestId('sweep-patches').fill(patches);
  await page.getByTestId('sweep-overlaps').fill(overlaps);
  await page.getByTestId('sweep-repeats').fill('1');
  await page.getByTestId('sweep-cases').selectOption('current');
  await page.getByTestId('run-sweep').click();
}

/** A connection to the session a page was greeted with (kept in its sessionStorage). */
export async function shareSession(services: ServiceHost, page: Page): Promise<ServiceConnection> {
  const kept = await page.evaluate(() => sessionStorage.getItem('patchlens.session'));
  const m = kept ? /^(s\d+)\.([0-9a-f]{32})$/.exec(kept) : null;
  if (!m) throw new Error(`shareSession: the page keeps no session (${JSON.stringify(kept)})`);
  const conn = services.connect({ role: 'ui', resume: { sessionId: m[1], key: m[2] }, share: true });
  if (conn.session.id !== m[1]) throw new Error(`shareSession: session ${m[1]} could not be joined`);
  return conn;
}

/** Waits until the viewer has drawn its current layers. */
export async function waitRendered(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="viewer-workspace"][data-rendered="true"]', { timeout: 90_000 });
}

/** Sets a range input's value the way a user drag does (an `input` event). */
export async function setRange(page: Page, testid: string, value: number): Promise<void> {
  await page.evaluate(
    ([id, v]) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${id}"]`);
      if (!input) throw new Error(`setRange: no element with data-testid ${id}`);
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [testid, value] as const,
  );
}

/**
 * RGB of screenshot pixels at page coordinates: the PNG is decoded inside the page
 * (createImageBitmap + a 2-D canvas), so no PNG decoder is needed in Node.
 */
export async function colorsAt(page: Page, png: Buffer, points: { x: number; y: number }[]): Promise<[number, number, number][]> {
  return page.evaluate(
    async ([b64, pts]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      return pts.map(({ x, y }) => {
        const o = (Math.round(y) * bitmap.width + Math.round(x)) * 4;
        return [data[o], data[o + 1], data[o + 2]] as [number, number, number];
      });
    },
    [png.toString('base64'), points] as const,
  );
}

/**
 * Starts recording the page's frame gaps (requestAnimationFrame), each with the state of the
 * first job in the job list at its end, so that only frames while a run goes can be counted.
 */
export async function startFrameGaps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { gaps: [number, string][]; recording: boolean };
    w.gaps = [];
    w.recording = true;
    let last = performance.now();
    const tick = (t: number) => {
      w.gaps.push([t - last, document.querySelector('[data-testid="job"]')?.getAttribute('data-state') ?? 'none']);
      last = t;
      if (w.recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops recording; resolves to the gaps (ms, ascending) of the frames that ended while the job was running. */
export async function stopFrameGaps(page: Page): Promise<number[]> {
  const all = await page.evaluate(() => {
    const w = window as unknown as { gaps: [number, string][]; recording: boolean };
    w.recording = false;
    return w.gaps;
  });
  return all
    .filter(([, state]) => state === 'running')
    .map(([g]) => g)
    .sort((a, b) => a - b);
}

/**
 * Where an end-to-end test saves the screenshots the docs show: `out/e2e/` (gitignored), or
 * `docs/screenshots/` when `PATCHLENS_DOCS_SCREENSHOTS=1` (refreshing the docs' copies is a
 * deliberate step, never a side effect of `npm test`).
 */
export function docsScreenshotDir(): string {
  return process.env.PATCHLENS_DOCS_SCREENSHOTS === '1' ? resolve(repo, 'docs', 'screenshots') : resolve(repo, 'out', 'e2e');
}

/**
 * Polls `probe` every `intervalMs` until it answers true; throws naming `what` after `timeoutMs`.
 * For fixtures made in `beforeAll`, where `expect.poll` does not work.
 */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 500): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await probe()); await new Promise((r) => setTimeout(r, intervalMs))) {
    if (Date.now() > end) throw new Error(`waitUntil: ${what} did not happen within ${timeoutMs} ms`);
  }
}

/** A run made from the run panel (a fixture): its record, the session right after it, and the frame gaps while it went. */
export interface PanelRun {
  run: RunRecord;
  /** The session as it was when the run was done. */
  session: SessionState;
  /** Gaps (ms, ascending) of the page's frames that ended while the job was running. */
  gaps: number[];
}

/**
 * How long a fixture waits for a run or a sweep: a limit, not a judged time. The demo's default
 * run (441 windows) took over 180 s on the shared 2-core machine with two busy loops beside it.
 */
export const JOB_WAIT_MS = 420_000;

/** Clicks Run in the run panel with its current settings, recording frame gaps, and waits for the job to be done. */
export async function runFromPanel(app: AppPage, timeoutMs = JOB_WAIT_MS): Promise<PanelRun> {
  const { page } = app;
  await startFrameGaps(page);
  await page.getByTestId('run-inference').click();
  await page.waitForSelector('[data-testid="job"][data-state="running"], [data-testid="job"][data-state="done"]', { timeout: timeoutMs });
  await page.waitForSelector('[data-testid="job"][data-state="done"], [data-testid="job"][data-state="failed"]', { timeout: timeoutMs });
  const gaps = await stopFrameGaps(page);
  const session = await app.call<SessionState>('session:get', {});
  const job = session.jobs[0];
  if (job?.state !== 'done') throw new Error(`runFromPanel: the run's job ended ${job?.state}: ${job?.error?.message ?? ''}`);
  const run = session.runs.find((r) => r.id === job.resultId);
  if (!run) throw new Error(`runFromPanel: no run record ${job.resultId}`);
  return { run, session, gaps };
}

/** Shows `runId` in the viewer: selects its row in the runs list and waits until the viewer has drawn it. */
export async function showRun(page: Page, runId: string): Promise<void> {
  // The run list and the viewer live on the Viewer tab: a test may start on any tab.
  await page.getByTestId('tab-viewer').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  await page.waitForSelector(`[data-testid="viewer-workspace"][data-run="${runId}"]`, { timeout: 60_000 });
  await waitRendered(page);
}
