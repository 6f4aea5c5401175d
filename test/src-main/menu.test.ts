import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_COMMANDS, type AppCommand } from '../../shared/api/contract';
import { buildMenuTemplate } from '../../src-main/menu';
import { COMMANDS } from '../../shared/commands';

/** Every item of a template, depth first. */
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

/** The items that send a command, by command. */
function commandItems(platform: NodeJS.Platform, isPackaged = true) {
  const sent: AppCommand[] = [];
  const template = buildMenuTemplate((c) => sent.push(c), platform, { isPackaged });
  const items = new Map(flatten(template).filter((i) => i.click).map((i) => [i.id as AppCommand, i]));
  return { template, items, sent };
}

const EXPECTED: Record<AppCommand, { accelerator?: string; register: boolean; menu: string }> = {
  'open-image': { accelerator: 'CmdOrCtrl+O', register: true, menu: '&File' },
  'open-label': { accelerator: 'CmdOrCtrl+L', register: true, menu: '&File' },
  'open-model': { accelerator: 'CmdOrCtrl+Shift+M', register: true, menu: '&File' },
  'open-demo': { register: true, menu: '&File' },
  'export-report': { accelerator: 'CmdOrCtrl+E', register: true, menu: '&File' },
  'run-inference': { accelerator: 'CmdOrCtrl+Enter', register: true, menu: '&Run' },
  'run-sweep': { accelerator: 'CmdOrCtrl+Shift+Enter', register: true, menu: '&Run' },
  'cancel-job': { accelerator: 'Escape', register: false, menu: '&Run' },
  'toggle-heatmap': { accelerator: 'H', register: false, menu: '&View' },
  'reset-view': { accelerator: 'R', register: false, menu: '&View' },
  'show-viewer': { accelerator: 'CmdOrCtrl+1', register: true, menu: '&View' },
  'show-explorer': { accelerator: 'CmdOrCtrl+2', register: true, menu: '&View' },
  'focus-view': { accelerator: 'F', register: false, menu: '&View' },
  'save-annotation': { accelerator: 'CmdOrCtrl+S', register: true, menu: '&File' },
  'undo-edit': { accelerator: 'CmdOrCtrl+Z', register: true, menu: '&Edit' },
  'redo-edit': { accelerator: 'CmdOrCtrl+Shift+Z', register: true, menu: '&Edit' },
  'tool-navigate': { accelerator: 'C', register: false, menu: '&Annotate' },
  'tool-brush': { accelerator: 'B', register: false, menu: '&Annotate' },
  'tool-eraser': { accelerator: 'E', register: false, menu: '&Annotate' },
  'tool-threshold': { accelerator: 'T', register: false, menu: '&Annotate' },
  'tool-fill': { accelerator: 'G', register: false, menu: '&Annotate' },
  'tool-scissors': { accelerator: 'S', register: false, menu: '&Annotate' },
  'tool-accept': { accelerator: 'A', register: false, menu: '&Annotate' },
  'tool-finding': { accelerator: 'N', register: false, menu: '&Annotate' },
  'brush-smaller': { accelerator: '[', register: false, menu: '&Annotate' },
  'brush-larger': { accelerator: ']', register: false, menu: '&Annotate' },
  'toggle-brush-sphere': { register: true, menu: '&Annotate' },
  'label-1': { accelerator: '1', register: false, menu: '&Annotate' },
  'label-2': { accelerator: '2', register: false, menu: '&Annotate' },
  'label-3': { accelerator: '3', register: false, menu: '&Annotate' },
  'label-4': { accelerator: '4', register: false, menu: '&Annotate' },
  'label-5': { accelerator: '5', register: false, menu: '&Annotate' },
  'label-6': { accelerator: '6', register: false, menu: '&Annotate' },
  'label-7': { accelerator: '7', register: false, menu: '&Annotate' },
  'label-8': { accelerator: '8', register: false, menu: '&Annotate' },
  'label-9': { accelerator: '9', register: false, menu: '&Annotate' },
  'add-label': { register: true, menu: '&Annotate' },
  'reference-from-prediction': { register: true, menu: '&Annotate' },
  'reference-empty': { register: true, menu: '&Annotate' },
  'reevaluate-run': { register: true, menu: '&Run' },
};

describe('buildMenuTemplate', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`${platform}: every app command has one item, with its accelerator, that sends it`, () => {
      const { template, items, sent } = commandItems(platform);
      expect([...items.keys()].sort()).toEqual([...APP_COMMANDS].sort());
      for (const command of APP_COMMANDS) {
        const item = items.get(command)!;
        const want = EXPECTED[command];
        expect(item.accelerator, command).toBe(want.accelerator);
        expect(item.registerAccelerator ?? true, command).toBe(want.register);
        const top = template.find((m) => Array.isArray(m.submenu) && m.submenu.includes(item));
        expect(top?.label, command).toBe(want.menu);
        (item.click as () => void)();
      }
      expect(sent).toEqual([...APP_COMMANDS]);
    });
  }

  it('no registered accelerator is a bare key or clashes with another', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const accels = flatten(buildMenuTemplate(() => {}, platform, { isPackaged: false }))
        .filter((i) => i.accelerator && i.registerAccelerator !== false)
        .map((i) => String(i.accelerator));
      for (const a of accels) expect(a).toMatch(/^(CmdOrCtrl|Ctrl|Cmd|Alt)\+/);
      expect(new Set(accels).size).toBe(accels.length);
    }
  });

  it('has Quit in File except on macOS, where the app menu has it', () => {
    const roles = (platform: NodeJS.Platform) => flatten(buildMenuTemplate(() => {}, platform, { isPackaged: true })).map((i) => i.role);
    const linuxFile = buildMenuTemplate(() => {}, 'linux', { isPackaged: true }).find((m) => m.label === '&File')!;
    expect((linuxFile.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(true);
    const mac = buildMenuTemplate(() => {}, 'darwin', { isPackaged: true, appName: 'PatchLens' });
    expect(mac[0].label).toBe('PatchLens');
    expect((mac[0].submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(true);
    expect(roles('darwin').filter((r) => r === 'quit')).toHaveLength(1);
    expect(roles('linux')).toContain('about');
  });

  it('offers reload and developer tools only when not packaged', () => {
    const roles = (isPackaged: boolean) => flatten(buildMenuTemplate(() => {}, 'linux', { isPackaged })).map((i) => i.role);
    expect(roles(false)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(roles(true)).not.toContain('reload');
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(true)).not.toContain('forceReload');
  });

  it('rejects a missing send', () => {
    expect(() => buildMenuTemplate(undefined as never, 'linux', { isPackaged: true })).toThrow(/buildMenuTemplate: send/);
  });
});

describe('buildMenuTemplate and the command registry', () => {
  it('takes every command item, its label and accelerator from the registry', () => {
    const { items } = commandItems('linux');
    for (const c of COMMANDS) {
      const item = items.get(c.id)!;
      expect(item.label, c.id).toBe(c.label);
      expect(item.accelerator, c.id).toBe(c.accelerator);
    }
  });
});
