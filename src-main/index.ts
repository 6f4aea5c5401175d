import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { windowOptions } from './windowOptions';
import { isAppPage } from './navigation';

// Built layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererFile = join(import.meta.dirname, '../renderer/index.html');

// The dev server URL is honoured only in an unpackaged app, so an environment variable
// cannot point a shipped app at another page.
const devUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appUrl = devUrl ?? pathToFileURL(rendererFile).href;

// Every web contents: no new windows, no navigation away from the app's page.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url, appUrl)) event.preventDefault();
  });
});

/** Creates the single main window and loads the renderer. */
function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(rendererFile);
  return win;
}

void app.whenReady().then(() => {
  // The skeleton needs no permission (camera, notifications, ...): refuse every request.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
