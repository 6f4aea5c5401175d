/**
 * Default class colours: black for class 0 (background), then hues spaced by the golden angle at
 * full saturation, so neighbouring labels stay distinguishable for any number of classes.
 */
export function classColor(index: number): [number, number, number] {
  if (index === 0) return [0, 0, 0];
  const h = ((index - 1) * 0.618033988749895) % 1;
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const v = 255;
  const p = 0;
  const q = Math.round(v * (1 - f));
  const t = Math.round(v * f);
  const rgb: [number, number, number][] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]];
  return rgb[i % 6];
}
