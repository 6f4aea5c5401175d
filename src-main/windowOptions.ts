import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The Electron security checklist's web preferences, shared by every PatchLens window:
 * context isolation, sandboxed renderer, no Node.js in the page, its workers or subframes,
 * web security on, no webview, no navigation by dropping a file.
 */
const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  webviewTag: false,
  navigateOnDragDrop: false,
} as const satisfies WebPreferences;

/**
 * Options of the PatchLens main window, following the Electron security checklist:
 * context isolation, sandboxed renderer, no Node.js in the page or its workers, web security on.
 * `allowRunningInsecureContent` is deliberately left at its default (false).
 * Pure, so a test can check it without starting Electron.
 *
 * @param preloadPath absolute path of the built (CommonJS) preload script
 */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  if (typeof preloadPath !== 'string' || preloadPath.length === 0) {
    throw new Error('windowOptions: preloadPath must be a non-empty string');
  }
  return {
    width: 1280,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    title: 'PatchLens',
    show: false, // shown on 'ready-to-show' to avoid a white flash
    webPreferences: { preload: preloadPath, ...SECURE_WEB_PREFERENCES },
  };
}

/** Session partition of the report printer's hidden window (in memory: no `persist:` prefix). */
export const PRINT_PARTITION = 'patchlens-print';

/**
 * Options of the hidden window that prints reports to PDF: never shown, sandboxed, no preload,
 * no JavaScript (the report is static HTML), its own in-memory session.
 */
export function printWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 794, // A4 at 96 dpi
    height: 1123,
    webPreferences: { partition: PRINT_PARTITION, ...SECURE_WEB_PREFERENCES, javascript: false, spellcheck: false },
  };
}

/**
 * Options of the hidden compute window (src-main/computeWindow.ts, src-renderer/compute.html):
 * never shown, the main window's security settings and preload (it calls the services through
 * the same narrow API), and no background throttling (a hidden page's timers would otherwise be
 * slowed down while it relays a run's messages).
 *
 * @param preloadPath absolute path of the built (CommonJS) preload script
 */
export function computeWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  const main = windowOptions(preloadPath);
  return {
    show: false,
    width: 320,
    height: 240,
    title: 'PatchLens compute',
    skipTaskbar: true,
    webPreferences: { ...main.webPreferences, backgroundThrottling: false },
  };
}
