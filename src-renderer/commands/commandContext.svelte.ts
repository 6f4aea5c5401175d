import { getContext, setContext } from 'svelte';
import type { CommandId } from '@shared/commands';
import type { CommandHandler, CommandService } from './commandService.svelte';

/** The context key of the command service (tests mount a component with it: `context: new Map([[COMMANDS_CONTEXT, service]])`). */
export const COMMANDS_CONTEXT = Symbol('patchlens.commands');

/** Makes a command service the one the components below the caller register with (call during init). */
export function provideCommands(service: CommandService): void {
  setContext(COMMANDS_CONTEXT, service);
}

/** The command service of the enclosing app, or undefined (a component mounted on its own, as in tests). */
export function commandsInContext(): CommandService | undefined {
  return getContext<CommandService | undefined>(COMMANDS_CONTEXT);
}

/** Registers, for the component's lifetime, what a command does (call during component init). */
export function useCommand(id: CommandId, handler: CommandHandler): void {
  const service = commandsInContext();
  $effect(() => service?.register(id, handler));
}

/** Registers, for the component's lifetime, the submit function of the form a command submits (call during init). */
export function useForm(id: CommandId, submit: CommandHandler): void {
  const service = commandsInContext();
  $effect(() => service?.registerForm(id, submit));
}
