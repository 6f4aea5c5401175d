import type { BrowserWindowConstructorOptions, RenderProcessGoneDetails } from 'electron';
import { computeWindowOptions } from './windowOptions';

/** The bits of a BrowserWindow the compute window manager uses (a parameter, so tests pass a fake). */
export interface ComputeBrowserWindow {
  isDestroyed(): boolean;
  destroy(): void;
  loadURL(url: string): Promise<void>;
  on(event: 'closed', listener: () => void): unknown;
  webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetails) => void): unknown;
  };
}

/** What {@link createComputeWindows} needs. */
export interface ComputeWindowsOptions<W extends ComputeBrowserWindow> {
  /** Creates a window (`(o) => new BrowserWindow(o)` in the app). */
  create: (options: BrowserWindowConstructorOptions) => W;
  /** Absolute path of the built preload (the same as the main window's). */
  preloadPath: string;
  /** URL of compute.html (`app://patchlens/compute.html`, or the dev server's in dev). */
  url: string;
  /** Where failures go (default `console.error`). */
  log?: (message: string) => void;
  /**
   * Called for every new window before it loads its page (index.ts gives its web contents a fresh
   * compute connection there). A throw is logged; the window still loads.
   */
  onCreate?: (window: W) => void;
  /** Called after the window's renderer died (the agent it hosted is gone), before the new window loads. */
  onGone?: (details: RenderProcessGoneDetails) => void;
  /** At most this many recreations within `windowMs` (default 3 in 60 s); then the window stays gone. */
  maxRestarts?: number;
  windowMs?: number;
}

/** Electron's hidden compute window, kept alive while wanted. */
export interface ComputeWindows<W extends ComputeBrowserWindow> {
  /** The live window (null when none). */
  readonly window: W | null;
  /** Creates the window when there is none. */
  ensure(): W;
  /** Destroys the window and stops recreating it (until the next `ensure`). */
  destroy(): void;
  /** Replaces the window by a new one (a fresh page and connection), e.g. after the main window's connection was replaced. */
  restart(): W;
}

/**
 * Manages the hidden compute window: a sandboxed, never shown BrowserWindow with the app's
 * preload that loads compute.html, whose page compute agent runs inference with tfjs WebGL in a
 * module Worker (main has no WebGL). When its renderer process dies (`render-process-gone`) the
 * window is replaced by a new one (a crash loop stops after `maxRestarts`); `destroy()` on quit.
 * Each window is its own page: `onCreate` gives it its own connection (closed with its web contents).
 */
export function createComputeWindows<W extends ComputeBrowserWindow>(options: ComputeWindowsOptions<W>): ComputeWindows<W> {
  const { create, preloadPath, url } = options;
  if (typeof create !== 'function') throw new Error('createComputeWindows: create must be a function');
  if (typeof url !== 'string' || url.length === 0) throw new Error('createComputeWindows: url must be a non-empty string');
  const log = options.log ?? ((message: string) => console.error(message));
  const maxRestarts = options.maxRestarts ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  let win: W | null = null;
  let wanted = false;
  const restarts: number[] = [];

  const open = (): W => {
    const w = create(computeWindowOptions(preloadPath));
    win = w;
    try {
      options.onCreate?.(w);
    } catch (e) {
      log(`PatchLens compute window: onCreate failed: ${(e as Error).message}`);
    }
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.webContents.on('render-process-gone', (_event, details) => {
      if (win !== w) return;
      win = null;
      if (!w.isDestroyed()) w.destroy();
      try {
        options.onGone?.(details);
      } catch (e) {
        log(`PatchLens compute window: onGone failed: ${(e as Error).message}`);
      }
      if (!wanted) return;
      const t = Date.now();
      while (restarts.length > 0 && t - restarts[0] > windowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        log(`PatchLens compute window: its renderer died ${restarts.length + 1} times within ${windowMs / 1000} s (${details?.reason}); not restarting it, inference stays in main's worker`);
        return;
      }
      restarts.push(t);
      log(`PatchLens compute window: its renderer died (${details?.reason}); starting a new one`);
      open();
    });
    w.loadURL(url).catch((e: unknown) => log(`PatchLens compute window: cannot load ${url}: ${(e as Error).message}`));
    return w;
  };

  return {
    get window() {
      return win && !win.isDestroyed() ? win : null;
    },
    ensure() {
      wanted = true;
      if (win && !win.isDestroyed()) return win;
      return open();
    },
    destroy() {
      wanted = false;
      const w = win;
      win = null;
      if (w && !w.isDestroyed()) w.destroy();
    },
    restart() {
      const w = win;
      win = null;
      if (w && !w.isDestroyed()) w.destroy();
      wanted = true;
      return open();
    },
  };
}
