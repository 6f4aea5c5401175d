import * as Plot from '@observablehq/plot';

/** The colormap of every patch performance map. */
export const COLORMAP = 'viridis';

/**
 * The colormap of a signed map (a difference after − before) drawn diverging: ColorBrewer's RdBu,
 * reversed so that a rise is red and a fall blue, with zero at its light neutral midpoint. RdBu is
 * one of ColorBrewer's colour-blind-safe diverging schemes (its two arms differ in lightness and
 * in blue against red-brown, which deuteranopes and protanopes still tell apart) and prints in
 * greyscale as dark–light–dark.
 */
export const DIVERGING_COLORMAP = 'rdbu';

/** The colour domain: [min, max], widened a hair when the map is flat. */
export function colourDomain([lo, hi]: readonly [number, number]): [number, number] {
  return hi > lo ? [lo, hi] : [lo, lo + (Math.abs(lo) || 1) * 1e-6];
}

/**
 * The diverging colour domain of a map whose values span `[lo, hi]`: [−m, m] with m = max(|lo|,
 * |hi|), so that zero is the scheme's midpoint. When m = 0 every value is 0 and the domain is
 * [−1, 1]: the whole map takes the neutral midpoint colour.
 * @throws RangeError when `lo` or `hi` is not a finite number
 */
export function divergingDomain([lo, hi]: readonly [number, number]): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`divergingDomain: the range must be two finite numbers, got [${lo}, ${hi}]`);
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return m > 0 ? [-m, m] : [-1, 1];
}

/**
 * Plot's colour scale of a map whose values span `range`: {@link COLORMAP} over
 * {@link colourDomain}, or, `diverging`, {@link DIVERGING_COLORMAP} (reversed) over
 * {@link divergingDomain}. The heatmap and its colour bar share it.
 */
export function colourScaleOptions(range: readonly [number, number], diverging = false): Plot.ScaleOptions {
  return diverging
    ? { type: 'linear', scheme: DIVERGING_COLORMAP, reverse: true, domain: divergingDomain(range) }
    : { type: 'linear', scheme: COLORMAP, domain: colourDomain(range) };
}

/** `#rrggbb` or `rgb(r, g, b)` → bytes ([0, 0, 0] for anything else). */
export function rgbBytes(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/**
 * The colour scale of {@link colourScaleOptions} over `domain` as a function from a value to its
 * RGB bytes (what an image of a slice needs).
 */
export function colourBytes(domain: readonly [number, number], diverging = false): (v: number) => [number, number, number] {
  const scale = Plot.scale({ color: colourScaleOptions(domain, diverging) });
  return (v) => rgbBytes(String(scale.apply(v)));
}
