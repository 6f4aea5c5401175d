/**
 * Number formatters shared by the explorer and the report (one set, so the two surfaces print
 * the same value the same way). Missing or non-finite values print as '—'.
 */

const missing = (x: number | null | undefined): x is null | undefined => x === null || x === undefined || !Number.isFinite(x);

/** `x` rounded to 3 significant digits, trailing zeros dropped: 0.5, 0.125, 12.3; '—' when missing. */
export function short(x: number | null | undefined): string {
  return missing(x) ? '—' : String(Number(x.toPrecision(3)));
}

/** `x` with `digits` significant digits, trailing zeros kept (table columns line up); no exponent for ordinary sizes. */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, Math.min(6, digits - 1 - mag));
  return x.toFixed(decimals);
}

/** Milliseconds as seconds in 3 significant digits, trailing zeros dropped: "7.71 s", "12 s" (the explorer's cards). */
export function seconds(ms: number | null | undefined): string {
  return missing(ms) ? '—' : `${short(ms / 1000)} s`;
}

/** Milliseconds as seconds with `digits` significant digits kept: "12.0 s", "0.482 s" (the report's tables). */
export function secondsFixed(ms: number | null | undefined, digits = 3): string {
  return missing(ms) ? '—' : `${sig(ms / 1000, digits)} s`;
}

/** A Dice value with 4 decimals. */
export function diceText(d: number | null | undefined): string {
  return missing(d) ? '—' : d.toFixed(4);
}

/** A fraction as a percentage with one decimal: 0.031 → "3.1 %". */
export function percent(fraction: number | null | undefined): string {
  return missing(fraction) ? '—' : `${(fraction * 100).toFixed(1)} %`;
}

/** A value already in percent: 12.5 → "12.5 %". */
export function pct(p: number | null | undefined, decimals = 1): string {
  return missing(p) ? '—' : `${p.toFixed(decimals)} %`;
}

/** A signed number with a leading + or − (minus sign, not hyphen). */
export function signed(x: number, text: string): string {
  return x > 0 ? `+${text}` : x < 0 ? `−${text.replace(/^-/, '')}` : text;
}

/** A signed number with `decimals` decimals; a value that rounds to zero has no sign ("0.0000", not "−0.0000"). */
export function signedFixed(x: number, decimals: number): string {
  const t = Math.abs(x).toFixed(decimals);
  return Number(t) === 0 ? t : signed(x, t);
}
