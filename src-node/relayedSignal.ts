/**
 * A second SIGINT/SIGTERM that arrives within this many ms of the first is the same Ctrl+C
 * passed on, not a second request: `npm run` forwards the signals it gets to its child, which
 * has already had the terminal's own (the whole foreground process group gets Ctrl+C), and tsx's
 * supervisor sends the child the signal again when the child has not told it within 30 ms that
 * it got it (a busy two-core machine is enough). Treating that copy as "again, exit now" ended
 * `npm run serve` without closing its jobs.
 */
export const RELAYED_SIGNAL_MS = 1000;

/**
 * Whether a signal received at `nowMs` is a relayed copy of the first one, received at
 * `firstMs` (both from the same monotonic clock, e.g. `performance.now()`).
 */
export function isRelayedCopy(firstMs: number, nowMs: number): boolean {
  return nowMs - firstMs < RELAYED_SIGNAL_MS;
}
