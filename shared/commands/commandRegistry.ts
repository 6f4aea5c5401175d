import type { CommandId } from './commandIds';

/** The top-level menu a command appears in (Electron's label, with its `&` mnemonic). */
export type CommandMenu = '&File' | '&Edit' | '&Run' | '&View' | '&Annotate';

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

/** The active-label commands `label-1` … `label-9` (keys 1–9, as in ITK-SNAP and Slicer's segment list). */
const LABEL_COMMANDS: CommandSpec[] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({
  id: `label-${n}` as CommandId,
  label: `Active Label ${n}`,
  menu: '&Annotate',
  order: 300 + n,
  accelerator: String(n),
  registerAccelerator: false,
  when: 'always',
}));

/**
 * The one command registry. Open Model is CmdOrCtrl+Shift+M because Cmd+M minimizes on macOS.
 * Annotation keys follow OHIF / 3D Slicer / ITK-SNAP habits: Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z undo
 * and redo, `[` / `]` change the brush size, 1–9 pick the active label, single letters pick the
 * tool. Single keys are the renderer's (never while typing), so a note's text is never swallowed.
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
  { id: 'focus-view', label: 'Focus Active View', menu: '&View', order: 30, accelerator: 'F', registerAccelerator: false, when: 'always' },
  { id: 'save-annotation', label: 'Save Labels and Findings', menu: '&File', order: 50, accelerator: 'CmdOrCtrl+S', registerAccelerator: true, when: 'always' },
  { id: 'undo-edit', label: 'Undo Edit', menu: '&Edit', order: 10, accelerator: 'CmdOrCtrl+Z', registerAccelerator: true, when: 'always' },
  { id: 'redo-edit', label: 'Redo Edit', menu: '&Edit', order: 20, accelerator: 'CmdOrCtrl+Shift+Z', registerAccelerator: true, when: 'always' },
  { id: 'tool-navigate', label: 'Navigate (Crosshairs)', menu: '&Annotate', order: 10, accelerator: 'C', registerAccelerator: false, when: 'always' },
  { id: 'tool-brush', label: 'Brush', menu: '&Annotate', order: 20, accelerator: 'B', registerAccelerator: false, when: 'always' },
  { id: 'tool-eraser', label: 'Eraser', menu: '&Annotate', order: 30, accelerator: 'E', registerAccelerator: false, when: 'always' },
  { id: 'tool-threshold', label: 'Threshold Brush', menu: '&Annotate', order: 40, accelerator: 'T', registerAccelerator: false, when: 'always' },
  { id: 'tool-fill', label: 'Flood Fill', menu: '&Annotate', order: 50, accelerator: 'G', registerAccelerator: false, when: 'always' },
  { id: 'tool-scissors', label: 'Scissors', menu: '&Annotate', order: 60, accelerator: 'S', registerAccelerator: false, when: 'always' },
  { id: 'tool-accept', label: 'Accept Prediction', menu: '&Annotate', order: 70, accelerator: 'A', registerAccelerator: false, when: 'always' },
  { id: 'tool-finding', label: 'Add Finding', menu: '&Annotate', order: 80, accelerator: 'N', registerAccelerator: false, when: 'always' },
  { id: 'brush-smaller', label: 'Smaller Brush', menu: '&Annotate', order: 200, accelerator: '[', registerAccelerator: false, when: 'always' },
  { id: 'brush-larger', label: 'Larger Brush', menu: '&Annotate', order: 210, accelerator: ']', registerAccelerator: false, when: 'always' },
  { id: 'toggle-brush-sphere', label: 'Brush: Sphere / Circle', menu: '&Annotate', order: 220, registerAccelerator: true, when: 'always' },
  ...LABEL_COMMANDS,
  { id: 'add-label', label: 'Add Label', menu: '&Annotate', order: 400, registerAccelerator: true, when: 'always' },
  { id: 'reference-from-prediction', label: 'New Reference from Prediction', menu: '&Annotate', order: 500, registerAccelerator: true, when: 'always' },
  { id: 'reference-empty', label: 'New Empty Reference', menu: '&Annotate', order: 510, registerAccelerator: true, when: 'always' },
  { id: 'reevaluate-run', label: 'Re-evaluate Run Against Edits', menu: '&Run', order: 30, registerAccelerator: true, when: 'always' },
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
