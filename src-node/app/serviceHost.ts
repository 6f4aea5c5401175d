import type { Envelope, EventName, Events } from '../../shared/api/contract';
import type { PrintToPdf } from '../report/renderPdf';
import type { BackendPreference } from '../../shared/engine/backend/selectBackend';

/** Native dialogs, supplied by Electron main (absent over the browser transport). */
export interface NativeDialogs {
  /** Open dialog for an image / label (files) or a model (folder); null when cancelled. */
  open(kind: 'image' | 'label' | 'model'): Promise<string | null>;
  /** Save dialog for a report (returns the chosen `.pdf` path; HTML and JSON go beside it); null when cancelled. */
  saveReport(defaultName: string): Promise<string | null>;
}

/** How the services are set up by a transport. */
export interface ServiceHostOptions {
  /** Project folder (created when missing): runs, sweeps, uploads, project.json with the recent list. */
  projectDir: string;
  transport: 'electron' | 'http';
  dialogs?: NativeDialogs;
  /** PDF printer (Electron: webContents.printToPDF in a hidden window; default: Debian's Chromium via playwright-core). */
  printToPdf?: PrintToPdf;
  /** Browser transport: URL path prefix under which report files are downloadable (e.g. `/files`). */
  downloadBase?: string;
  /** The bundled demo folder (`data/cases.json`, `model/`); default the repository's / app's `demo/` found from this module's location. */
  demoDir?: string;
  /** Entry of the compute worker (default `computeWorkerUrl()`: `computeWorker.ts` from sources, `computeWorker.js` beside the bundle). */
  workerUrl?: URL;
  /**
   * Where inference jobs run: `node` the compute worker (tfjs wasm), `page` a page compute context
   * (tfjs WebGL in the UI page's Worker or Electron's compute window; a job fails when none attached
   * within 10 s), `auto` (default) the page when its hardware WebGL probe is clearly faster than the
   * worker's, else the worker. Sweeps always run in the worker.
   */
  compute?: 'auto' | 'node' | 'page';
  /**
   * The tfjs backend a page compute context must use (default `auto`: the page's own measured
   * choice, where software WebGL never wins). `webgl` forces WebGL, e.g. to exercise the WebGL
   * path on a machine whose only WebGL is SwiftShader.
   */
  pageBackend?: BackendPreference;
  /** Warnings that have no request to answer (files of `openInitial` or of the restored session that cannot be opened); default console.warn. */
  log?: (message: string) => void;
}

/**
 * The main-side services behind the contract, shared by Electron IPC and the HTTP + WebSocket
 * transport. `handle` validates the arguments and never throws: failures come back as
 * `{ error: { code, message } }`.
 */
export interface ServiceHost {
  handle(channel: string, args: unknown): Promise<Envelope<unknown>>;
  /** Listens to every event (returns the unsubscribe function). */
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
  /** Pushes an `app:command` (menu items) to the listeners. */
  command(command: Events['app:command']['command']): void;
  /** Opens files given on the command line (treated like dialog picks); the bundled demo when none. */
  openInitial(paths: string[]): Promise<void>;
  /** Resolves a download path under `downloadBase` to a file inside the project folder (null when outside or missing). */
  resolveDownload(path: string): string | null;
  /** Cancels running jobs and waits for the compute worker to stop. */
  close(): Promise<void>;
}
