import { SvelteMap } from 'svelte/reactivity';
import { COMMANDS, commandForKeyEvent, commandSpec, shortcutLabel, type CommandId, type CommandSpec, type KeyLike } from '@shared/commands';

/** What a registered command does. */
export type CommandHandler = () => void;

/** The state a command's `when` is judged against. */
export interface CommandContext {
  /** Whether a job is running or queued (`when: 'jobActive'`). */
  jobActive: () => boolean;
}

/** A registry entry as the palette and the help overlay show it. */
export interface CommandView {
  spec: CommandSpec;
  /** The shortcut as a person reads it (`Ctrl+Shift+Enter`, `H`), empty when none. */
  shortcut: string;
  enabled: boolean;
}

/**
 * The renderer's command service: who carries out each command of the registry
 * (shared/commands), whether it can run now, and which command a key event means. The menu
 * (over `app:command`), the keyboard, the palette and the help overlay all run commands through it.
 * A Svelte 5 rune store: the palette's and the overlay's open state, and the set of registered
 * handlers, are reactive.
 */
export class CommandService {
  /** Whether the command palette (Ctrl/Cmd+Shift+P) is open. */
  paletteOpen = $state(false);
  /** Whether the shortcut help overlay (`?`) is open. */
  helpOpen = $state(false);
  private handlers = new SvelteMap<CommandId, CommandHandler>();
  // Plain on purpose: nothing renders from the forms.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private forms = new Map<CommandId, CommandHandler>();

  /**
   * @param context what the registry's `when` conditions read
   * @param mac whether shortcuts read Cmd (macOS) rather than Ctrl (the help overlay reads it too)
   */
  constructor(
    private readonly context: CommandContext = { jobActive: () => true },
    readonly mac = false,
  ) {}

  /** Registers what a command does, replacing an earlier handler (returns the unregister function). */
  register(id: CommandId, handler: CommandHandler): () => void {
    if (typeof handler !== 'function') throw new Error(`CommandService.register: handler of ${id} must be a function`);
    this.handlers.set(id, handler);
    return () => {
      if (this.handlers.get(id) === handler) this.handlers.delete(id);
    };
  }

  /**
   * Registers the submit function of the form a command submits (a panel's Run button). The
   * command's handler calls {@link submitForm}, so the form's own checks apply as for a click.
   * @returns the unregister function
   */
  registerForm(id: CommandId, submit: CommandHandler): () => void {
    if (typeof submit !== 'function') throw new Error(`CommandService.registerForm: submit of ${id} must be a function`);
    this.forms.set(id, submit);
    return () => {
      if (this.forms.get(id) === submit) this.forms.delete(id);
    };
  }

  /** Submits the form registered for a command. @returns whether one was registered */
  submitForm(id: CommandId): boolean {
    const submit = this.forms.get(id);
    submit?.();
    return submit !== undefined;
  }

  /** Whether a command has a handler and its `when` holds now. */
  enabled(id: CommandId): boolean {
    if (!this.handlers.has(id)) return false;
    const when = COMMANDS.find((c) => c.id === id)?.when ?? 'always';
    return when === 'always' || this.context.jobActive();
  }

  /** Carries out a command when it is enabled. @returns whether it ran */
  run(id: CommandId): boolean {
    if (!this.enabled(id)) return false;
    this.handlers.get(id)?.();
    return true;
  }

  /**
   * The command a key event means, or null. `modifiedKeys`: whether CmdOrCtrl shortcuts are the
   * page's to handle (the browser transport; Electron's menu registers them itself). Single keys
   * (H, R, Esc) never fire while `typing`.
   */
  commandForKey(e: KeyLike, options: { typing: boolean; modifiedKeys: boolean }): CommandId | null {
    if (options.modifiedKeys) {
      const modified = commandForKeyEvent(e, 'modified');
      if (modified) return modified;
    }
    return options.typing ? null : commandForKeyEvent(e, 'single');
  }

  /** A command's shortcut as a person reads it (`Ctrl+Shift+Enter`, `H`; Cmd on macOS), empty when it has none. */
  keyFor(id: CommandId): string {
    const accelerator = commandSpec(id).accelerator;
    return accelerator ? shortcutLabel(accelerator, this.mac) : '';
  }

  /** Every command of the registry with its shortcut and whether it can run now. */
  views(): CommandView[] {
    return COMMANDS.map((spec) => ({ spec, shortcut: this.keyFor(spec.id), enabled: this.enabled(spec.id) }));
  }
}
