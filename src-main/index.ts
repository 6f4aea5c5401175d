// The Electron main process: one window on the app's page, the services behind the typed
// contract (src-node/app), IPC with sender checks, menus, dialogs, file associations.
// Everything testable lives in the modules it imports (they take electron objects as
// parameters); only this file and preload.ts import electron at runtime.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import { createServiceHost } from '../src-node/app/createServiceHost';
import type { ServiceHost, ServiceHostOptions } from '../src-node/app/serviceHost';
import { isNiftiPath, parseCommandLine } from './argv';
import { installCspHeader } from './csp';
import { createComputeWindows } from './computeWindow';
import { createNativeDialogs } from './dialogs';
import { anySenderCheck, appSenderCheck, computeSenderCheck, forwardEvents, registerIpc } from './ipc';
import { buildMenuTemplate } from './menu';
import { isAppPage } from './navigation';
import { denyAllPermissions } from './permissions';
import { electronPrinter } from './printToPdf';
import { windowOptions } from './windowOptions';

// Built layout: out/main/index.js, out/main/computeWorker.js, out/preload/index.cjs, out/renderer/index.html (+ compute.html).
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const computeFile = join(import.meta.dirname, '../renderer/compute.html');

// The dev server URL is honoured only in an unpackaged app, so an environment variable
// cannot point a shipped app at another page.
const devUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appUrl = devUrl ?? pathToFileURL(rendererFile).href;
const isApp = (url: string) => isAppPage(url, appUrl);
// The hidden compute window's page (src-renderer/compute.html): the page compute agent.
const computeUrl = devUrl ? new URL('compute.html', devUrl).href : pathToFileURL(computeFile).href;
const isComputePage = (url: string) => isAppPage(url, computeUrl);
const computeWindows = createComputeWindows({ create: (o) => new BrowserWindow(o), preloadPath, url: computeUrl });

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

/** Creates the single main window and loads the renderer. */
function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    // The hidden compute window lives only beside the main window (else 'window-all-closed' never comes).
    computeWindows.destroy();
  });
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(rendererFile);
  mainWindow = win;
  computeWindows.ensure();
  return win;
}

/** Starts the services, IPC, menu and window; opens the files of the command line (the demo when none). */
async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  installCspHeader(session.defaultSession.webRequest, (url) => isApp(url) || isComputePage(url));

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
  registerIpc(ipcMain, host, anySenderCheck(appSenderCheck(() => mainWindow, appUrl), computeSenderCheck(() => computeWindows.window, computeUrl)));
  forwardEvents(host, () => mainWindow?.webContents ?? null, appUrl);
  forwardEvents(host, () => computeWindows.window?.webContents ?? null, computeUrl, ['compute:task', 'compute:cancel']);

  app.setAboutPanelOptions({ applicationName: 'PatchLens', applicationVersion: app.getVersion(), copyright: 'MIT License' });
  const template = buildMenuTemplate((command) => host.command(command), process.platform, { isPackaged: app.isPackaged, appName: 'PatchLens' });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));

  createWindow();
  const initial = [...commandLine.files, ...pendingFiles.splice(0)];
  host.openInitial(initial).catch((err: unknown) => console.error('PatchLens: opening', initial.join(', ') || 'the demo', 'failed:', err));
}

if (!app.requestSingleInstanceLock()) {
  // Another PatchLens runs: it receives our argv ('second-instance') and opens the files.
  app.quit();
} else {
  // Every web contents (the app window and the hidden report printer): no new windows, no
  // webviews, no navigation away from the app's page.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event, url) => {
      if (!isApp(url)) event.preventDefault();
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
      createWindow();
    }
    const { files } = parseCommandLine(argv, workingDirectory);
    if (files.length > 0) openFiles(files);
  });

  app.on('activate', () => {
    if (services && !mainWindow) createWindow();
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
