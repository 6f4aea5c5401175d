/**
 * SIGINT / SIGTERM for the command line: the first signal cancels the command (its AbortSignal
 * fires: inference stops between batches and layers, a model check stops its worker, a sweep keeps
 * every finished pair) and the process exits once the command has cleaned up, at the latest after
 * {@link STOP_GRACE_MS}; a second signal exits at once, unless it came within 1 s of the first
 * (the same Ctrl+C passed on by `npm run`: src-node/relayedSignal.ts). Outputs are written whole
 * (a temp folder renamed into place), so an exit at any moment leaves the old output or none,
 * never a partial one that looks complete.
 */
import { isRelayedCopy } from '../src-node/relayedSignal';

/** How long a cancelled command may take to end before the process exits anyway. */
export const STOP_GRACE_MS = 4000;

/** Exit codes of a command stopped by a signal (128 + the signal's number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** The installed handlers. */
export interface StopSignals {
  /** Fires on the first SIGINT/SIGTERM (its reason: an Error `interrupted by SIGTERM`). */
  readonly signal: AbortSignal;
  /** The signal that stopped the command, if any. */
  received(): keyof typeof SIGNAL_EXIT_CODES | null;
  /** Removes the handlers (the command ended). */
  dispose(): void;
}

/**
 * Installs the handlers.
 * @param say one line to stderr
 * @param exit process.exit (a parameter for tests)
 */
export function installStopSignals(say: (line: string) => void, exit: (code: number) => void = (code) => process.exit(code), graceMs = STOP_GRACE_MS): StopSignals {
  const controller = new AbortController();
  let got: keyof typeof SIGNAL_EXIT_CODES | null = null;
  let gotAt = 0;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (got) {
        if (isRelayedCopy(gotAt, performance.now())) return; // the same Ctrl+C, passed on by npm
        say(`patchlens: ${name} again: exiting now`);
        exit(SIGNAL_EXIT_CODES[name]);
        return;
      }
      got = name;
      gotAt = performance.now();
      say(`patchlens: ${name}: stopping (nothing half-written is kept; a sweep keeps its finished pairs)`);
      controller.abort(Object.assign(new Error(`interrupted by ${name}`), { name: 'AbortError' }));
      const timer = setTimeout(() => {
        say(`patchlens: still stopping after ${graceMs / 1000} s: exiting now`);
        exit(SIGNAL_EXIT_CODES[name]);
      }, graceMs);
      timer.unref();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => got,
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
