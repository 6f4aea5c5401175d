/** Every application command id, in the order the menu test and the palette list them. */
export const COMMAND_IDS = [
  'open-image',
  'open-label',
  'open-model',
  'open-demo',
  'run-inference',
  'run-sweep',
  'cancel-job',
  'export-report',
  'toggle-heatmap',
  'reset-view',
  'show-explorer',
  'show-viewer',
] as const;

/** An application command (a menu item, an accelerator, a palette entry) the renderer carries out. */
export type CommandId = (typeof COMMAND_IDS)[number];
