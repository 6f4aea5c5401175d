/**
 * The engine worker's test page in real Chromium, for the browser tests: builds test/src-renderer/engine/page
 * with Vite into a temporary folder, serves it and ../shared's models and data from 127.0.0.1
 * (staticServer.ts), launches Debian's Chromium with SwiftShader WebGL (never a downloaded
 * browser) and opens the page, which exposes `window.runEngine` and `window.probeLostContext`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumTool } from './requireTool';
import { repoRoot, sharedDir } from './sharedData';
import type { RunEngineArgs, RunEngineSummary } from '../src-renderer/engine/page/runEngineTypes';
import { startStaticServer, type StaticServer } from './staticServer';

/** Debian's Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium';
/** {@link CHROMIUM} as the tool the browser suites require (skipped without it; a failure with PATCHLENS_REQUIRE_ALL=1). */
export const chromium = chromiumTool(CHROMIUM);
/** Headless Chromium with WebGL2 on the CPU (SwiftShader), nothing from the network. */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** `window.runEngine`'s arguments, with the input and the model defaulting to the test cube and model5_gw_ae. */
export type RunInPageArgs = Omit<RunEngineArgs, 'imageUrl' | 'modelUrl'> & Partial<Pick<RunEngineArgs, 'imageUrl' | 'modelUrl'>>;

/** An open test page and what it took to get there. */
export interface EnginePage {
  page: Page;
  server: StaticServer;
  /** Console messages, page errors and workers of the page, as they came. */
  browserLog: string[];
  /** Milliseconds for the Vite build and for starting Chromium and loading the page. */
  timings: { viteBuildMs: number; browserStartMs: number };
  /** Runs `window.runEngine` in the page (input `/input/cube.nii.gz`, model5_gw_ae by default). */
  run(args: RunInPageArgs): Promise<RunEngineSummary>;
  /** Closes the browser and the server and removes the build. */
  close(): Promise<void>;
}

/**
 * Builds, serves and opens the engine worker's test page.
 * @param files in-memory files to serve beside the build (e.g. `/input/cube.nii.gz`)
 */
export async function openEnginePage(files: Record<string, Uint8Array>): Promise<EnginePage> {
  let t = performance.now();
  const outDir = mkdtempSync(join(tmpdir(), 'patchlens-engine-page-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    const { build } = await import('vite');
    await build({ configFile: resolve(repoRoot, 'test/src-renderer/engine/vite.config.ts'), build: { outDir } });
    const viteBuildMs = performance.now() - t;
    server = await startStaticServer({
      mounts: { '/': outDir, '/models/': resolve(sharedDir, 'models'), '/data/': resolve(sharedDir, 'data') },
      files,
    });
    t = performance.now();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage();
    const browserLog: string[] = [];
    page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => browserLog.push(`[worker] ${w.url()}`));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => typeof window.runEngine === 'function', null, { timeout: 30_000 });
    return {
      page,
      server,
      browserLog,
      timings: { viteBuildMs, browserStartMs: performance.now() - t },
      run: (args) => page.evaluate((a) => window.runEngine!(a), { imageUrl: '/input/cube.nii.gz', modelUrl: '/models/brainchop/model5_gw_ae', ...args }),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
