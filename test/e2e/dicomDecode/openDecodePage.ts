/**
 * The DICOM decode test page (test/e2e/dicomDecode/page) in Debian's Chromium, served by the
 * browser transport's own server (src-server/startServer.ts: the page's CSP from its meta tag,
 * `'wasm-unsafe-eval'` only on scripts, i.e. for Workers): built with the renderer's Vite
 * settings into a temporary folder, the DICOM files to decode copied under `/dicom/` beside it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceHost } from '../../../src-node/app/serviceHost';
import { DOWNLOAD_BASE, startServer, type RunningServer } from '../../../src-server/startServer';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../helpers/enginePage';
import { repoRoot } from '../../helpers/sharedData';
import type { DecodeInPage } from './page/decodeInPage';

/** An open decode page. */
export interface DicomDecodePage {
  page: Page;
  /** The built page's folder (index.html, assets/, dicom/). */
  outDir: string;
  /** Console messages, page errors, workers and failed requests, as they came. */
  log: string[];
  /** `window.decodeDicom('/dicom/<name>')` in the page. */
  decode(name: string, options?: Parameters<DecodeInPage>[1]): ReturnType<DecodeInPage>;
  close(): Promise<void>;
}

/**
 * Builds and serves the page with `files` (paths on this machine) under `/dicom/<their names>`, and opens it.
 * @param configFile the page's Vite config (default test/e2e/dicomDecode/vite.config.ts)
 */
export async function openDicomDecodePage(files: readonly string[], configFile = resolve(repoRoot, 'test/e2e/dicomDecode/vite.config.ts')): Promise<DicomDecodePage> {
  const outDir = mkdtempSync(join(tmpdir(), 'patchlens-dicom-decode-page-'));
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-dicom-decode-project-'));
  let services: ServiceHost | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await services?.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(projectDir, { recursive: true, force: true });
  };
  try {
    const { build } = await import('vite');
    await build({ configFile, build: { outDir } });
    mkdirSync(join(outDir, 'dicom'));
    for (const f of files) copyFileSync(f, join(outDir, 'dicom', basename(f)));
    services = await createServiceHost({ projectDir, transport: 'http', downloadBase: DOWNLOAD_BASE });
    server = await startServer({ services, staticDir: outDir });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => log.push(`[worker] ${w.url()}`));
    page.on('requestfailed', (r) => log.push(`[requestfailed] ${r.url()}: ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400) log.push(`[http ${r.status()}] ${r.url()}`);
    });
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.decodeDicom === 'function', null, { timeout: 30_000 });
    return {
      page,
      outDir,
      log,
      decode: (name, options) => page.evaluate(([url, o]) => window.decodeDicom!(url, o), [`/dicom/${name}`, options] as const),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
