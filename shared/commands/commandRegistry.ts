import type { CommandId } from './commandIds';

/** The top-level menu a command appears in (Electron's label, with its `&` mnemonic). */
export type CommandMenu = '&File' | '&Run' | '&View';

/** When a command can run: `always`, or only while a job is running or queued. */
export type CommandWhen = 'always' | 'jobActive';

/** One command: what the menu, the keyboard, the palette and the help overlay know of it. */
export interface CommandSpec {
  id: CommandId;
  /** The label in the menu and the palette. */
  label: string;
  menu: CommandMenu;
  /** Position inside its menu; a new group (separator before it) starts at each multiple of 100. */
  order: number;
  /** Electron accelerator syntax (`CmdOrCtrl+Shift+Enter`, `H`), absent when the command has none. */
  accelerator?: string;
  /**
   * False for single keys (H, R, Escape): shown in the menu but not registered by Electron, so
   * typing in a text field is never swallowed; the renderer handles them itself.
   */
  registerAccelerator: boolean;
  when: CommandWhen;
}

/**
 * The one command registry. Open Model is CmdOrCtrl+Shift+M because Cmd+M minimizes on macOS.
 */
export const COMMANDS: readonly CommandSpec[] = [
  { id: 'open-image', label: 'Open Image…', menu: '&File', order: 10, accelerator: 'CmdOrCtrl+O', registerAccelerator: true, when: 'always' },
  { id: 'open-label', label: 'Open Labels…', menu: '&File', order: 20, accelerator: 'CmdOrCtrl+L', registerAccelerator: true, when: 'always' },
  { id: 'open-model', label: 'Open Model…', menu: '&File', order: 30, accelerator: 'CmdOrCtrl+Shift+M', registerAccelerator: true, when: 'always' },
  { id: 'open-demo', label: 'Open Demo', menu: '&File', order: 40, registerAccelerator: true, when: 'always' },
  { id: 'export-report', label: 'Export Report…', menu: '&File', order: 100, accelerator: 'CmdOrCtrl+E', registerAccelerator: true, when: 'always' },
  { id: 'run-inference', label: 'Run Inference', menu: '&Run', order: 10, accelerator: 'CmdOrCtrl+Enter', registerAccelerator: true, when: 'always' },
  { id: 'run-sweep', label: 'Run Sweep', menu: '&Run', order: 20, accelerator: 'CmdOrCtrl+Shift+Enter', registerAccelerator: true, when: 'always' },
  { id: 'cancel-job', label: 'Cancel Job', menu: '&Run', order: 100, accelerator: 'Escape', registerAccelerator: false, when: 'jobActive' },
  { id: 'toggle-heatmap', label: 'Toggle Heatmap', menu: '&View', order: 10, accelerator: 'H', registerAccelerator: false, when: 'always' },
  { id: 'reset-view', label: 'Reset View', menu: '&View', order: 20, accelerator: 'R', registerAccelerator: false, when: 'always' },
  { id: 'show-viewer', label: 'Viewer', menu: '&View', order: 100, accelerator: 'CmdOrCtrl+1', registerAccelerator: true, when: 'always' },
  { id: 'show-explorer', label: 'Explorer', menu: '&View', order: 110, accelerator: 'CmdOrCtrl+2', registerAccelerator: true, when: 'always' },
];

/** The registry entry of a command (throws for an unknown id). */
export function commandSpec(id: CommandId): CommandSpec {
  const spec = COMMANDS.find((c) => c.id === id);
  if (!spec) throw new Error(`commandSpec: unknown command id ${String(id)}`);
  return spec;
}

/** The commands of one menu, in their order. */
export function menuCommands(menu: CommandMenu): CommandSpec[] {
  return COMMANDS.filter((c) => c.menu === menu).sort((a, b) => a.order - b.order);
}
