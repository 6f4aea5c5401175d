/** `x` rounded to 3 significant digits, trailing zeros dropped: 0.5, 0.125, 12.3; '—' when not finite. */
export function short(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(3)));
}

/** Milliseconds as seconds: "7.71 s"; '—' when missing. */
export function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '—' : `${short(ms / 1000)} s`;
}

/** A Dice value with 4 decimals; '—' when missing. */
export function diceText(d: number | null | undefined): string {
  return d === null || d === undefined || !Number.isFinite(d) ? '—' : d.toFixed(4);
}

/** A fraction as a percentage with one decimal: 0.031 → "3.1 %". */
export function percent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction) ? '—' : `${(fraction * 100).toFixed(1)} %`;
}
