import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../shared/api/contract';
import { menuCommands, type CommandMenu } from '../shared/commands';

/** Options of {@link buildMenuTemplate}. */
export interface MenuOptions {
  /** `app.isPackaged`: reload and developer tools appear only in an unpackaged app. */
  isPackaged: boolean;
  /** Name of the macOS application menu (default "PatchLens"). */
  appName?: string;
}

/**
 * The application menu. Every PatchLens item sends an {@link AppCommand} (main passes
 * `services.command`); the renderer carries it out. The PatchLens items, their labels, order and
 * accelerators come from the command registry (shared/commands); single keys (H, R, Esc) are
 * shown but not registered (`registerAccelerator: false`), so typing in a text field is never
 * swallowed: the renderer handles those keys itself.
 *
 * @param send called with the command of a clicked item
 * @param platform process.platform
 * @param options see {@link MenuOptions}
 */
export function buildMenuTemplate(send: (command: AppCommand) => void, platform: NodeJS.Platform, options: MenuOptions): MenuItemConstructorOptions[] {
  if (typeof send !== 'function') throw new Error('buildMenuTemplate: send must be a function');
  const mac = platform === 'darwin';
  /** The registry's items of one menu, a separator between order groups (each hundred). */
  const items = (menu: CommandMenu): MenuItemConstructorOptions[] =>
    menuCommands(menu).flatMap((c, i, all) => [
      ...(i > 0 && Math.floor(all[i - 1].order / 100) !== Math.floor(c.order / 100) ? [{ type: 'separator' as const }] : []),
      {
        id: c.id,
        label: c.label,
        ...(c.accelerator ? { accelerator: c.accelerator } : {}),
        ...(c.accelerator && !c.registerAccelerator ? { registerAccelerator: false } : {}),
        click: () => send(c.id),
      },
    ]);
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
      ...items('&File'),
      ...(mac ? [{ type: 'separator' as const }, { role: 'close' as const }] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  });
  template.push({
    label: '&Edit',
    // Undo/Redo are the label edits' (the renderer hands them to a focused text field instead).
    submenu: [
      ...items('&Edit'),
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
      ...items('&Run'),
    ],
  });
  template.push({
    label: '&View',
    submenu: [
      ...items('&View'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(options.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
    ],
  });
  template.push({ label: '&Annotate', submenu: items('&Annotate') });
  if (mac) template.push({ role: 'windowMenu' });
  template.push({
    label: '&Help',
    role: 'help',
    submenu: [{ role: 'about', label: `About ${options.appName ?? 'PatchLens'}` }],
  });
  return template;
}
