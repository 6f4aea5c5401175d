import type { CommandId } from './commandIds';
import { COMMANDS } from './commandRegistry';

/** The key fields of a keyboard event that shortcuts look at. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** An accelerator parsed into what a key event must have. */
export interface KeyBinding {
  /** The key, lower case (`enter`, `o`, `escape`, `h`). */
  key: string;
  /** Ctrl, or Cmd on macOS (`CmdOrCtrl`). */
  mod: boolean;
  shift: boolean;
}

/** Parses an Electron accelerator (`CmdOrCtrl+Shift+Enter`, `H`) into a {@link KeyBinding}. */
export function parseAccelerator(accelerator: string): KeyBinding {
  const parts = accelerator.split('+');
  const key = parts.pop();
  if (!key) throw new Error(`parseAccelerator: accelerator "${accelerator}" has no key`);
  for (const p of parts) if (!['CmdOrCtrl', 'Shift'].includes(p)) throw new Error(`parseAccelerator: modifier "${p}" of "${accelerator}" is not CmdOrCtrl or Shift`);
  return { key: key.toLowerCase(), mod: parts.includes('CmdOrCtrl'), shift: parts.includes('Shift') };
}

/** How a shortcut reads for a person (`Ctrl+Shift+Enter`, `H`; `Cmd+…` on macOS). */
export function shortcutLabel(accelerator: string, mac = false): string {
  return accelerator.replace('CmdOrCtrl', mac ? 'Cmd' : 'Ctrl');
}

/**
 * The command a key event triggers, or null. `modified`: only CmdOrCtrl shortcuts (the browser
 * transport binds them in the page); `single`: only the unregistered single keys (H, R, Escape).
 */
export function commandForKeyEvent(e: KeyLike, which: 'modified' | 'single'): CommandId | null {
  if (e.altKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  for (const c of COMMANDS) {
    if (!c.accelerator) continue;
    const b = parseAccelerator(c.accelerator);
    if (b.mod !== (which === 'modified')) continue;
    if (b.key === key && b.mod === mod && b.shift === e.shiftKey) return c.id;
  }
  return null;
}
