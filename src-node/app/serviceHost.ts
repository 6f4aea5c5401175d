import type { ComputeMode, Envelope, EventName, Events } from '../../shared/api/contract';
import type { PrintToPdf } from '../report/renderPdf';
import type { BackendPreference } from '../../shared/engine/backend/selectBackend';
import type { AnnotationAutosaveOptions } from './annotationState';

/** Native dialogs, supplied by Electron main (absent over the browser transport). */
export interface NativeDialogs {
  /** Open dialog for an image / label (files), a model or a DICOM series (folders); null when cancelled. */
  open(kind: 'image' | 'label' | 'model' | 'dicom'): Promise<string | null>;
  /** Save dialog for a report (returns the chosen `.pdf` path; HTML and JSON go beside it); null when cancelled. */
  saveReport(defaultName: string): Promise<string | null>;
  /** Save dialog for a DICOM SEG (returns the chosen `.dcm` path; the dialog asks before replacing); null when cancelled. Without it, SEGs go into the project's `exports/` folder. */
  saveSeg?(defaultName: string): Promise<string | null>;
  /**
   * Asks before files are replaced: `writes` lists every file the operation will write, `existing`
   * those of them that exist and would be replaced. True: go ahead; false: the user declined.
   */
  confirmReplace(writes: string[], existing: string[]): Promise<boolean>;
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
  compute?: ComputeMode;
  /**
   * The tfjs backend a page compute context must use (default `auto`: the page's own measured
   * choice, where software WebGL never wins). `webgl` forces WebGL, e.g. to exercise the WebGL
   * path on a machine whose only WebGL is SwiftShader.
   */
  pageBackend?: BackendPreference;
  /** Most connections (tabs, windows) served at once; one more is refused with a clear message (default 8). */
  maxConnections?: number;
  /** How long a session whose page went away (a reload, a dropped socket) can be resumed before its jobs are cancelled (default 30 s). */
  sessionGraceMs?: number;
  /** Largest upload (all files of one `upload:begin`), bytes (default 4 GiB). */
  maxUploadBytes?: number;
  /** Largest image or label map to read (decoded bytes; default 2 GiB). */
  maxImageBytes?: number;
  /** When annotations are autosaved (default: 3 s after the last edit, real timers; tests drive the timers by hand). */
  annotationAutosave?: AnnotationAutosaveOptions;
  /** Warnings that have no request to answer (files of `openInitial` or of the restored session that cannot be opened); default console.warn. */
  log?: (message: string) => void;
}

/** How a page connects (see {@link ServiceHost.connect}). */
export interface ConnectOptions {
  /**
   * `ui`: the app's page (every channel); `compute`: a compute-only page (Electron's hidden compute
   * window) whose agent serves the session of `computeFor`.
   */
  role: 'ui' | 'compute';
  /** For `compute`: the ui connection whose session this page computes for. */
  computeFor?: ServiceConnection;
  /** Resume a session whose page went away (reload, dropped socket): the id and key of its `hello`. */
  resume?: { sessionId: string; key: string } | null;
  /**
   * With `resume`: join the session even while another page serves it (a second window of the
   * same session, e.g. a pop-out view, or a test looking at a page's session). Without it, a
   * session that a page serves is never handed to another one (a duplicated tab gets its own).
   */
  share?: boolean;
}

/**
 * One page served by the services (a browser tab, an Electron window): its own session (image,
 * label map, model, the runs it sees, its jobs, its page compute agent). Nothing one connection
 * does changes another's session; they share the project folder.
 */
export interface ServiceConnection {
  readonly id: string;
  /** The session this connection serves and the key that resumes it (sent to the page in its greeting). */
  readonly session: { id: string; key: string; resumed: boolean };
  /** Validates and answers one request; never throws (failures come back as `{ error }`). */
  handle(channel: string, args: unknown): Promise<Envelope<unknown>>;
  /** Listens to this connection's events (returns the unsubscribe function). */
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
  /**
   * The largest request message this connection may send now on `channel`, bytes (the browser
   * transport refuses bigger messages before buffering them): `compute:done` while its agent has a
   * task running gets that task's result size; everything else the transport's default.
   */
  messageAllowance(channel: string): number | null;
  /**
   * The page went away. Its page compute agent is removed and the agent's tasks fail at once.
   * `closed` (a window or tab that closed for good) ends the session at once; `lost` (a socket
   * that dropped, a reload) keeps it resumable for `sessionGraceMs`, then ends it. Ending a
   * session cancels its jobs and deletes its unfinished uploads.
   */
  close(mode?: 'closed' | 'lost'): void;
}

/**
 * The main-side services behind the contract, shared by Electron IPC and the HTTP + WebSocket
 * transport: the project folder, the job queue and the compute worker are shared; every page gets
 * its own session through {@link connect}.
 */
export interface ServiceHost {
  /**
   * Serves a new page; resumes a session when `resume` names one whose page went away.
   * @throws ServiceError `forbidden` when `maxConnections` pages are connected already
   */
  connect(options: ConnectOptions): ServiceConnection;
  /** Pushes an `app:command` (menu items) to every ui connection. */
  command(command: Events['app:command']['command']): void;
  /**
   * Files given on the command line (treated like dialog picks): new sessions open them, and so
   * does every open ui session; with none, new sessions open the project's last files, else the
   * bundled demo.
   */
  openInitial(paths: string[]): Promise<void>;
  /** Resolves a download path under `downloadBase` to a file inside the project folder (null when outside or missing). */
  resolveDownload(path: string): string | null;
  /** Connections served now. */
  connections(): number;
  /** Cancels running jobs and waits for the compute worker to stop. */
  close(): Promise<void>;
}
