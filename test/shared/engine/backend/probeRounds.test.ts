// The backend probe on a busy machine: a burst of load that slows a few consecutive runs must not
// decide the backend. Before, each backend's runs were timed back to back and their median kept,
// so a burst over one backend's runs made it lose (on this machine, under a load of 12–17: cpu
// "fastest" at 73.8 ms against wasm's 85.8 ms, while wasm runs the demo model 2.8× faster).
import { describe, expect, it } from 'vitest';
import { probeRounds } from '../../../../shared/engine/backend/probeRounds';

/** A fake clock: `wasm` takes 10 ms and `cpu` 28 ms, except that calls [from, from + length) are slowed 9×. */
function bursty(from: number, length: number) {
  let call = 0;
  const order: string[] = [];
  const timeOnce = async (name: string) => {
    order.push(name);
    const base = name === 'wasm' ? 10 : 28;
    const slowed = call >= from && call < from + length;
    call++;
    return slowed ? base * 9 : base;
  };
  return { timeOnce, order };
}

describe('probeRounds', () => {
  it('interleaves the backends, round by round', async () => {
    const { timeOnce, order } = bursty(0, 0);
    const r = await probeRounds(['wasm', 'cpu'], 3, timeOnce);
    expect(order).toEqual(['wasm', 'cpu', 'wasm', 'cpu', 'wasm', 'cpu']);
    expect(r.get('wasm')).toEqual({ ms: 10, runs: 3 });
    expect(r.get('cpu')).toEqual({ ms: 28, runs: 3 });
  });

  it('a burst of load over any 3 consecutive runs of 10 never makes the slower backend win', async () => {
    for (let from = 0; from <= 7; from++) {
      const r = await probeRounds(['wasm', 'cpu'], 5, bursty(from, 3).timeOnce);
      const wasm = r.get('wasm') as { ms: number };
      const cpu = r.get('cpu') as { ms: number };
      expect(wasm.ms, `burst at run ${from}`).toBe(10);
      expect(cpu.ms, `burst at run ${from}`).toBe(28);
    }
  });

  it('a backend whose run fails is answered with the error and dropped from the later rounds', async () => {
    const order: string[] = [];
    const r = await probeRounds(['webgl', 'wasm'], 3, async (name) => {
      order.push(name);
      if (name === 'webgl') throw new Error('CONTEXT_LOST_WEBGL');
      return 12;
    });
    expect(r.get('webgl')).toEqual({ error: 'CONTEXT_LOST_WEBGL' });
    expect(r.get('wasm')).toEqual({ ms: 12, runs: 3 });
    expect(order).toEqual(['webgl', 'wasm', 'wasm', 'wasm']);
  });

  it('refuses a round count that is not a whole number ≥ 1', async () => {
    await expect(probeRounds(['cpu'], 0, async () => 1)).rejects.toThrow(/probeRounds: rounds must be a whole number ≥ 1, got 0/);
  });
});
