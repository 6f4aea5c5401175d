/**
 * Lets the host's event loop run (messages, timers, an AbortController's abort) before going on:
 * a zero-delay timer where the host has one (Node, browsers, Workers), a resolved promise otherwise.
 */
export function yieldToEventLoop(): Promise<void> {
  const setTimer = (globalThis as { setTimeout?: (cb: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => (setTimer ? setTimer(resolve, 0) : resolve()));
}
