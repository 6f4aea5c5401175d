import type { AppCommand } from '@shared/api/contract';

/** The modifier shortcuts of the menu (Electron registers them as accelerators; the browser transport binds them in the page). */
export const MENU_SHORTCUTS: readonly { key: string; shift: boolean; command: AppCommand; label: string }[] = [
  { key: 'o', shift: false, command: 'open-image', label: 'Ctrl+O' },
  { key: 'l', shift: false, command: 'open-label', label: 'Ctrl+L' },
  { key: 'm', shift: true, command: 'open-model', label: 'Ctrl+Shift+M' },
  { key: 'e', shift: false, command: 'export-report', label: 'Ctrl+E' },
  { key: 'enter', shift: false, command: 'run-inference', label: 'Ctrl+Enter' },
  { key: 'enter', shift: true, command: 'run-sweep', label: 'Ctrl+Shift+Enter' },
  { key: '1', shift: false, command: 'show-viewer', label: 'Ctrl+1' },
  { key: '2', shift: false, command: 'show-explorer', label: 'Ctrl+2' },
];

/** Whether a key event comes from a text field (single-key shortcuts must not fire there). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button'].includes(el.type ?? 'text');
}

/** The command a key event triggers (Ctrl, or Cmd on macOS, plus the key), or null. */
export function commandForKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): AppCommand | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key.toLowerCase();
  return MENU_SHORTCUTS.find((s) => s.key === key && s.shift === e.shiftKey)?.command ?? null;
}
