/**
 * Lets the host's event loop run (messages, timers, signals, an AbortController's abort) before
 * going on: `setImmediate` where the host has one (Node), else a zero-delay timer (browsers,
 * Workers), else a resolved promise.
 *
 * Node gets `setImmediate`, which runs in the check phase, after the loop's poll phase (where
 * signals and sockets are read); an immediate set from an immediate waits for the next iteration.
 * With a zero-delay timer, `patchlens infer` with model5 at patch 64 (cpu backend) never ran its
 * SIGINT handler: strace showed the signal written to libuv's pipe and never read
 * (test/src-cli/stopRealModel.slow.test.ts). Why the timer kept the loop from polling there is not
 * understood: a small loop of busy steps and zero-delay timers does poll.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown; setTimeout?: (cb: () => void, ms: number) => unknown };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => (g.setTimeout ? g.setTimeout(resolve, 0) : resolve()));
}
