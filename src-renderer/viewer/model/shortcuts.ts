import { commandForKeyEvent, commandSpec } from '../../../shared/commands';

/** The key of a single-key command of the registry (shared/commands), as the help popover shows it. */
const keyOf = (id: 'reset-view' | 'toggle-heatmap' | 'focus-view'): string => commandSpec(id).accelerator ?? '';

/**
 * The keys the viewer handles itself (not registry commands): slices and zoom. The registry's
 * collision test checks that no command's key is one of them.
 */
export const VIEWER_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', '+', '=', '-', '_'];

/** The viewer's keyboard shortcuts, as the help popover lists them (R and H: the registry's keys). */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: '↑ / ↓', action: 'Next / previous slice of the active view' },
  { keys: '+ / −', action: 'Zoom the active view in / out' },
  { keys: keyOf('reset-view'), action: 'Reset zoom, pan and window' },
  { keys: keyOf('toggle-heatmap'), action: 'Show / hide the patch performance heatmap' },
  { keys: keyOf('focus-view'), action: 'Focus the active view (again: all three)' },
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
  | { kind: 'focus' };

/**
 * The action of a keyboard event's key (null for keys the viewer does not use). Reset, heatmap and
 * focus are the registry's single-key commands (reset-view, toggle-heatmap, focus-view): their keys
 * come from it.
 */
export function shortcutFor(key: string): ShortcutAction | null {
  const command = commandForKeyEvent({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false }, 'single');
  if (command === 'reset-view') return { kind: 'reset' };
  if (command === 'toggle-heatmap') return { kind: 'heatmap' };
  if (command === 'focus-view') return { kind: 'focus' };
  switch (key) {
    case 'ArrowUp': return { kind: 'slice', delta: 1 };
    case 'ArrowDown': return { kind: 'slice', delta: -1 };
    case '+': case '=': return { kind: 'zoom', factor: 1.2 };
    case '-': case '_': return { kind: 'zoom', factor: 1 / 1.2 };
    default: return null;
  }
}
