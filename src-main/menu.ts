import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../shared/api/contract';

/** Options of {@link buildMenuTemplate}. */
export interface MenuOptions {
  /** `app.isPackaged`: reload and developer tools appear only in an unpackaged app. */
  isPackaged: boolean;
  /** Name of the macOS application menu (default "PatchLens"). */
  appName?: string;
}

/**
 * The application menu. Every PatchLens item sends an {@link AppCommand} (main passes
 * `services.command`); the renderer carries it out. Accelerators: Open Image CmdOrCtrl+O, Open
 * Labels CmdOrCtrl+L, Open Model CmdOrCtrl+Shift+M (Cmd+M minimizes on macOS), Export Report
 * CmdOrCtrl+E, Run Inference CmdOrCtrl+Enter, Run Sweep CmdOrCtrl+Shift+Enter, Viewer
 * CmdOrCtrl+1, Explorer CmdOrCtrl+2. The single keys H (toggle heatmap), R (reset view) and Esc
 * (cancel job) are shown in the menu but not registered (`registerAccelerator: false`), so
 * typing in a text field is never swallowed: the renderer handles those keys itself.
 *
 * @param send called with the command of a clicked item
 * @param platform process.platform
 * @param options see {@link MenuOptions}
 */
export function buildMenuTemplate(send: (command: AppCommand) => void, platform: NodeJS.Platform, options: MenuOptions): MenuItemConstructorOptions[] {
  if (typeof send !== 'function') throw new Error('buildMenuTemplate: send must be a function');
  const mac = platform === 'darwin';
  const item = (label: string, command: AppCommand, accelerator?: string, registerAccelerator = true): MenuItemConstructorOptions => ({
    id: command,
    label,
    ...(accelerator ? { accelerator } : {}),
    ...(accelerator && !registerAccelerator ? { registerAccelerator: false } : {}),
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: options.appName ?? 'PatchLens',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: '&File',
    submenu: [
      item('Open Image…', 'open-image', 'CmdOrCtrl+O'),
      item('Open Labels…', 'open-label', 'CmdOrCtrl+L'),
      item('Open Model…', 'open-model', 'CmdOrCtrl+Shift+M'),
      item('Open Demo', 'open-demo'),
      { type: 'separator' },
      item('Export Report…', 'export-report', 'CmdOrCtrl+E'),
      ...(mac ? [{ type: 'separator' as const }, { role: 'close' as const }] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  });
  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: '&Run',
    submenu: [
      item('Run Inference', 'run-inference', 'CmdOrCtrl+Enter'),
      item('Run Sweep', 'run-sweep', 'CmdOrCtrl+Shift+Enter'),
      { type: 'separator' },
      item('Cancel Job', 'cancel-job', 'Escape', false),
    ],
  });
  template.push({
    label: '&View',
    submenu: [
      item('Toggle Heatmap', 'toggle-heatmap', 'H', false),
      item('Reset View', 'reset-view', 'R', false),
      { type: 'separator' },
      item('Viewer', 'show-viewer', 'CmdOrCtrl+1'),
      item('Explorer', 'show-explorer', 'CmdOrCtrl+2'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(options.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
    ],
  });
  if (mac) template.push({ role: 'windowMenu' });
  template.push({
    label: '&Help',
    role: 'help',
    submenu: [{ role: 'about', label: `About ${options.appName ?? 'PatchLens'}` }],
  });
  return template;
}
