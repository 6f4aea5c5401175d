import { commandForKeyEvent, commandSpec } from '../../../shared/commands';

/** The key of a single-key command of the registry (shared/commands), as the help popover shows it. */
const keyOf = (id: 'reset-view' | 'toggle-heatmap'): string => commandSpec(id).accelerator ?? '';

/** The viewer's keyboard shortcuts, as the help popover lists them (R and H: the registry's keys). */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: '↑ / ↓', action: 'Next / previous slice of the active view' },
  { keys: '+ / −', action: 'Zoom the active view in / out' },
  { keys: keyOf('reset-view'), action: 'Reset zoom, pan and window' },
  { keys: keyOf('toggle-heatmap'), action: 'Show / hide the patch performance heatmap' },
  { keys: '1 / 2 / 3', action: 'Focus the axial / sagittal / coronal view (again: all three)' },
  { keys: 'Alt + click', action: 'Inspect the patches covering a voxel' },
  { keys: 'Wheel', action: 'Scroll slices; Ctrl + wheel zooms' },
  { keys: 'Left drag', action: 'Crosshairs (or window/level in W/L mode)' },
  { keys: 'Middle drag / right drag', action: 'Pan / zoom' },
];

/** What a key does in the viewer (null: nothing). */
export type ShortcutAction =
  | { kind: 'slice'; delta: number }
  | { kind: 'zoom'; factor: number }
  | { kind: 'reset' }
  | { kind: 'heatmap' }
  | { kind: 'focus'; view: 0 | 1 | 2 };

/**
 * The action of a keyboard event's key (null for keys the viewer does not use). Reset and heatmap
 * are the registry's single-key commands (reset-view, toggle-heatmap): their keys come from it.
 */
export function shortcutFor(key: string): ShortcutAction | null {
  const command = commandForKeyEvent({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false }, 'single');
  if (command === 'reset-view') return { kind: 'reset' };
  if (command === 'toggle-heatmap') return { kind: 'heatmap' };
  switch (key) {
    case 'ArrowUp': return { kind: 'slice', delta: 1 };
    case 'ArrowDown': return { kind: 'slice', delta: -1 };
    case '+': case '=': return { kind: 'zoom', factor: 1.2 };
    case '-': case '_': return { kind: 'zoom', factor: 1 / 1.2 };
    case '1': case '2': case '3': return { kind: 'focus', view: (Number(key) - 1) as 0 | 1 | 2 };
    default: return null;
  }
}
