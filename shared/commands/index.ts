/** The one command registry: ids, entries, and how keys map to them. */
export { COMMAND_IDS, type CommandId } from './commandIds';
export { COMMANDS, commandSpec, menuCommands, type CommandMenu, type CommandSpec, type CommandWhen } from './commandRegistry';
export { commandForKeyEvent, parseAccelerator, shortcutLabel, type KeyBinding, type KeyLike } from './keyBinding';
