// The Electron main process: one window on the app's page, the services behind the typed
// contract (src-node/app), IPC with sender checks, menus, dialogs, file associations.
// Everything testable lives in the modules it imports (they take electron objects as
// parameters); only this file and preload.ts import electron at runtime.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { EVENT_NAMES } from '../shared/api/contract';
import { createServiceHost } from '../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost, ServiceHostOptions } from '../src-node/app/serviceHost';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appUrl as appFileUrl, createAppProtocolHandler } from './appProtocol';
import { isNiftiPath, parseCommandLine } from './argv';
import { APP_CSP, COMPUTE_CSP, installCspHeader, WORKER_SCRIPT_CSP } from './csp';
import { createComputeWindows } from './computeWindow';
import { createNativeDialogs } from './dialogs';
import { anySenderCheck, appSenderCheck, computeSenderCheck, registerIpc } from './ipc';
import { buildMenuTemplate } from './menu';
import { isAppPage } from './navigation';
import { denyAllPermissions } from './permissions';
import { electronPrinter } from './printToPdf';
import { createWindowConnections } from './windowConnections';
import { windowOptions } from './windowOptions';

// Built layout: out/main/index.js (+ computeWorker.js, modelCheckWorker.js), out/preload/index.cjs, out/renderer/index.html (+ compute.html, assets/).
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererDir = join(import.meta.dirname, '../renderer');

// The dev server URL is honoured only in an unpackaged app, so an environment variable
// cannot point a shipped app at another page. Otherwise the pages come from app://patchlens/
// (appProtocol.ts serves out/renderer), never from file://.
const devUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appUrl = devUrl ?? appFileUrl('index.html');
const isApp = (url: string) => isAppPage(url, appUrl);
// The hidden compute window's page (src-renderer/compute.html): the page compute agent.
const computeUrl = devUrl ? new URL('compute.html', devUrl).href : appFileUrl('compute.html');
const isComputePage = (url: string) => isAppPage(url, computeUrl);

/** The events the compute window receives: the page compute ones (`compute:task`, `compute:cancel`). */
const COMPUTE_EVENTS = EVENT_NAMES.filter((event) => event.startsWith('compute:'));

/** Every window's web contents has its own connection (its own session); IPC finds it here. */
const connections = createWindowConnections();
const computeWindows = createComputeWindows({
  create: (o) => new BrowserWindow(o),
  preloadPath,
  url: computeUrl,
  // Each compute window serves the main window's session with a connection of its own, and
  // receives only the page compute events (compute:task, compute:cancel).
  onCreate: (w) =>
    connections.bind(w.webContents, {
      pageUrl: computeUrl,
      events: COMPUTE_EVENTS,
      connect: () => {
        const ui = mainWindow ? connections.of(mainWindow.webContents) : null;
        if (!services || !ui) throw new Error('the compute window has no main window to compute for');
        return services.connect({ role: 'compute', computeFor: ui });
      },
    }),
});

let mainWindow: BrowserWindow | null = null;
let services: ServiceHost | null = null;
/** Files the OS asked to open (macOS 'open-file') before the services were up. */
const pendingFiles: string[] = [];
let closed = false;

/** Opens files the OS or a second instance handed over; a failure is logged, the app goes on. */
function openFiles(paths: string[]): void {
  if (!services) {
    pendingFiles.push(...paths);
    return;
  }
  services.openInitial(paths).catch((err: unknown) => console.error('PatchLens: opening', paths.join(', '), 'failed:', err));
}

/**
 * A ui connection for a main window's new document: a reload resumes the session of the document
 * before it (its connection was just closed as `lost`), anything else gets a new session.
 */
function connectUi(host: ServiceHost, previous: ServiceConnection | null): ServiceConnection {
  if (previous) {
    try {
      return host.connect({ role: 'ui', resume: { sessionId: previous.session.id, key: previous.session.key } });
    } catch (err) {
      console.error('PatchLens: cannot resume the session after a reload:', err);
    }
  }
  return host.connect({ role: 'ui' });
}

/** Creates the single main window, with its own connection, and loads the renderer. */
function createWindow(host: ServiceHost): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preloadPath));
  connections.bind(win.webContents, {
    pageUrl: appUrl,
    connect: (previous) => connectUi(host, previous),
    // The compute window serves the main window's session: a new document that could not resume
    // it (a fresh session) needs a compute window of its own.
    onReplaced: (connection) => {
      if (mainWindow === win && !connection.session.resumed) computeWindows.restart();
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    // The hidden compute window lives only beside the main window (else 'window-all-closed' never comes).
    computeWindows.destroy();
  });
  void win.loadURL(appUrl);
  mainWindow = win;
  computeWindows.ensure();
  return win;
}

/** Starts the services, IPC, menu and window; opens the files of the command line (the demo when none). */
async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  // The pages, their scripts and the engine's .wasm: only files of out/renderer, with their CSP headers.
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({ root: rendererDir, documentCsp: (file) => (file === 'compute.html' ? COMPUTE_CSP : APP_CSP), scriptCsp: WORKER_SCRIPT_CSP }),
  );
  // The same header for the dev server's pages (http responses).
  installCspHeader(session.defaultSession.webRequest, (url) => (isApp(url) ? APP_CSP : isComputePage(url) ? COMPUTE_CSP : null));

  const commandLine = parseCommandLine(process.argv, process.cwd());
  const projectDir = commandLine.projectDir ?? join(app.getPath('documents'), 'PatchLens');
  const options: ServiceHostOptions = {
    projectDir,
    transport: 'electron',
    dialogs: createNativeDialogs(dialog, () => mainWindow, () => projectDir),
    printToPdf: electronPrinter((opts) => new BrowserWindow(opts)),
    // Built beside this bundle (electron.vite.config.ts: main's second entry).
    workerUrl: pathToFileURL(join(import.meta.dirname, 'computeWorker.js')),
    // The packaged app carries the demo in resources/demo (electron-builder.yml extraResources).
    ...(app.isPackaged ? { demoDir: join(process.resourcesPath, 'demo') } : {}),
  };
  let host: ServiceHost;
  try {
    host = await createServiceHost(options);
  } catch (err) {
    dialog.showErrorBox('PatchLens could not start', `The project folder ${projectDir} could not be opened:\n${err instanceof Error ? err.message : String(err)}`);
    app.exit(1);
    return;
  }
  services = host;
  // The app page may call every channel; the compute window only the page compute channels.
  // A call goes to the connection of the web contents that sent it.
  registerIpc(
    ipcMain,
    (event) => connections.of(event.sender),
    anySenderCheck(appSenderCheck(() => mainWindow, appUrl), computeSenderCheck(() => computeWindows.window, computeUrl)),
  );

  app.setAboutPanelOptions({ applicationName: 'PatchLens', applicationVersion: app.getVersion(), copyright: 'MIT License' });
  const template = buildMenuTemplate((command) => host.command(command), process.platform, { isPackaged: app.isPackaged, appName: 'PatchLens' });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));

  createWindow(host);
  const initial = [...commandLine.files, ...pendingFiles.splice(0)];
  host.openInitial(initial).catch((err: unknown) => console.error('PatchLens: opening', initial.join(', ') || 'the demo', 'failed:', err));
}

if (!app.requestSingleInstanceLock()) {
  // Another PatchLens runs: it receives our argv ('second-instance') and opens the files.
  app.quit();
} else {
  // Before 'ready' (Electron allows it only then): app:// is a standard, secure scheme with fetch.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  // Every web contents (the app window and the hidden report printer): no new windows, no
  // webviews, no navigation away from the app's page.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // The event's own url: the positional url argument is deprecated (Electron 45 typings).
    contents.on('will-navigate', (event) => {
      if (!isApp(event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isApp(event.url)) event.preventDefault();
    });
  });

  // macOS hands files over with 'open-file' (also before 'ready': register it now).
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (isNiftiPath(path)) openFiles([path]);
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    } else if (services) {
      createWindow(services);
    }
    const { files } = parseCommandLine(argv, workingDirectory);
    if (files.length > 0) openFiles(files);
  });

  app.on('activate', () => {
    if (services && !mainWindow) createWindow(services);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop the jobs and the compute worker before quitting (at most 5 s).
  app.on('will-quit', (event) => {
    if (!services || closed) return;
    event.preventDefault();
    const host = services;
    const timeout = new Promise<void>((done) => setTimeout(done, 5000));
    void Promise.race([host.close().catch(() => undefined), timeout]).finally(() => {
      closed = true;
      computeWindows.destroy();
      app.quit();
    });
  });

  void app.whenReady().then(start);
}
