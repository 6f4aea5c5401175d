import type { CommandId } from '@shared/commands';
import type { CommandService } from './commandService.svelte';

/** What the app does with a key event (see {@link appKeyAction}). */
export type AppKeyAction = { kind: 'palette' } | { kind: 'help' } | { kind: 'closeHelp' } | { kind: 'command'; command: CommandId; preventDefault: boolean } | null;

/** The key fields {@link appKeyAction} reads. */
export interface AppKey {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

/**
 * What a key event at the window does: open the palette (Ctrl/Cmd+Shift+P), toggle the help
 * overlay (`?`, not while typing), close it (Esc), or run a command of the registry. `typing`:
 * the event comes from a text field (single keys never fire there); `modifiedKeys`: whether
 * CmdOrCtrl shortcuts are the page's (not under Electron, whose menu registers them). Nothing
 * for an event a component already handled, or while the palette is open (it handles its keys).
 */
export function appKeyAction(e: AppKey, commands: CommandService, options: { typing: boolean; modifiedKeys: boolean }): AppKeyAction {
  if (e.defaultPrevented || commands.paletteOpen) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'p') return { kind: 'palette' };
  if (!options.typing && !mod && !e.altKey && e.key === '?') return { kind: 'help' };
  if (commands.helpOpen && e.key === 'Escape') return { kind: 'closeHelp' };
  const command = commands.commandForKey(e, options);
  // Single keys keep their default action (Esc still closes what it closes), as before.
  return command ? { kind: 'command', command, preventDefault: mod } : null;
}

/**
 * The app's window key handler: does what {@link appKeyAction} says (preventing the default of
 * what it handles, except single-key commands).
 */
export function handleAppKey(e: KeyboardEvent, commands: CommandService, options: { typing: boolean; modifiedKeys: boolean }): void {
  const action = appKeyAction(e, commands, options);
  if (!action) return;
  if (action.kind !== 'command' || action.preventDefault) e.preventDefault();
  if (action.kind === 'palette') commands.paletteOpen = true;
  else if (action.kind === 'help') commands.helpOpen = !commands.helpOpen;
  else if (action.kind === 'closeHelp') commands.helpOpen = false;
  else commands.run(action.command);
}
