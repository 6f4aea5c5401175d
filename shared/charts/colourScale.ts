import * as Plot from '@observablehq/plot';

/** The colormap of every patch performance map. */
export const COLORMAP = 'viridis';

/** The colour domain: [min, max], widened a hair when the map is flat. */
export function colourDomain([lo, hi]: readonly [number, number]): [number, number] {
  return hi > lo ? [lo, hi] : [lo, lo + (Math.abs(lo) || 1) * 1e-6];
}

/** `#rrggbb` or `rgb(r, g, b)` → bytes ([0, 0, 0] for anything else). */
export function rgbBytes(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/** The colormap over `domain` as a function from a value to its RGB bytes (what an image of a slice needs). */
export function colourBytes(domain: readonly [number, number]): (v: number) => [number, number, number] {
  const scale = Plot.scale({ color: { type: 'linear', scheme: COLORMAP, domain: colourDomain(domain) } });
  return (v) => rgbBytes(String(scale.apply(v)));
}
