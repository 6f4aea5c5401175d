import type { AppCommand } from '@shared/api/contract';
import { commandForKeyEvent, type KeyLike } from '@shared/commands';

/** Whether a key event comes from a text field (single-key shortcuts must not fire there). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button'].includes(el.type ?? 'text');
}

/**
 * The command a key event triggers (Ctrl, or Cmd on macOS, plus the key), or null: the
 * registry's CmdOrCtrl accelerators (Electron registers them in its menu; the browser transport
 * binds them in the page).
 */
export function commandForKey(e: KeyLike): AppCommand | null {
  return commandForKeyEvent(e, 'modified');
}
