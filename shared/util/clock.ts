/**
 * Milliseconds from a monotonic clock: `performance.now()` where the host has it (Node,
 * browsers, Workers), `Date.now()` otherwise. (The core is typed without DOM or Node globals.)
 */
export function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}
