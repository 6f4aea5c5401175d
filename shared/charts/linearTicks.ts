/**
 * Ticks of a linear axis over [lo, hi]: about `count` values on a 1-2-5 step, and the number of
 * decimals that step needs, so that no two tick labels read the same (a Dice range of 0.004 has
 * ticks 0.0005 apart: three decimals would print "0.932" twice).
 * @throws RangeError when lo or hi is not finite or hi < lo
 */
export function linearTicks(lo: number, hi: number, count = 5): { values: number[]; decimals: number; format: (d: number) => string } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) throw new RangeError(`linearTicks: need finite lo ≤ hi, got [${lo}, ${hi}]`);
  const span = hi > lo ? hi - lo : Math.abs(lo) * 1e-3 || 1e-3;
  const raw = span / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const base = 10 ** power;
  const step = [1, 2, 5, 10].map((m) => m * base).find((st) => st >= raw * 0.999) ?? 10 * base;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor((hi > lo ? hi : lo + span) / step + 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k++) values.push(Number((k * step).toFixed(decimals + 2)));
  return { values, decimals, format: (d: number) => d.toFixed(decimals) };
}
