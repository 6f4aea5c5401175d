/**
 * Times a workload on several backends in interleaved rounds (a, b, c, a, b, c, …) and keeps each
 * backend's fastest run. On a busy machine a burst of load slows the runs that fall into it:
 * timing one backend's runs back to back lets a burst land on one backend only (under a load of
 * 12–17 here, cpu "won" at 73.8 ms against wasm's 85.8 ms, while wasm runs the models 2.8–5×
 * faster), and a median keeps what the burst did. Interleaved, every backend gets runs outside
 * the burst, and the fastest run is the one least disturbed.
 */

/** One backend's result: its fastest run (ms), or why it could not be timed. */
export type RoundResult = { ms: number; runs: number } | { error: string };

/**
 * Runs `timeOnce(name)` for every name, `rounds` times, interleaved. A name whose run throws is
 * dropped from the later rounds and answered with the error.
 * @param timeOnce milliseconds of one run on that backend (it makes the backend current itself)
 * @returns name → fastest run, in the order of `names`
 */
export async function probeRounds(names: readonly string[], rounds: number, timeOnce: (name: string) => Promise<number>): Promise<Map<string, RoundResult>> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`probeRounds: rounds must be a whole number ≥ 1, got ${rounds}`);
  const best = new Map<string, RoundResult>(names.map((n) => [n, { ms: Infinity, runs: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const so = best.get(name)!;
      if ('error' in so) continue;
      try {
        const ms = await timeOnce(name);
        best.set(name, { ms: Math.min(so.ms, ms), runs: so.runs + 1 });
      } catch (e) {
        best.set(name, { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return best;
}
