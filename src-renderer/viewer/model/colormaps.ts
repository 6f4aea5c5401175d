/** Colormaps of the continuous overlays (the colour bar and the cornerstone transfer function use the same points). */
export type ColormapName = 'hot' | 'viridis' | 'jet' | 'grayscale';

/** Every continuous colormap, in menu order. */
export const COLORMAP_NAMES: readonly ColormapName[] = ['hot', 'viridis', 'jet', 'grayscale'];

/** Control points `[t, r, g, b]`, t and colours in [0, 1], t increasing from 0 to 1. */
export const COLORMAP_POINTS: Record<ColormapName, readonly (readonly [number, number, number, number])[]> = {
  hot: [
    [0, 0, 0, 0],
    [0.375, 1, 0, 0],
    [0.75, 1, 1, 0],
    [1, 1, 1, 1],
  ],
  viridis: [
    [0, 68 / 255, 1 / 255, 84 / 255],
    [0.125, 71 / 255, 44 / 255, 122 / 255],
    [0.25, 59 / 255, 81 / 255, 139 / 255],
    [0.375, 44 / 255, 113 / 255, 142 / 255],
    [0.5, 33 / 255, 144 / 255, 141 / 255],
    [0.625, 39 / 255, 173 / 255, 129 / 255],
    [0.75, 92 / 255, 200 / 255, 99 / 255],
    [0.875, 170 / 255, 220 / 255, 50 / 255],
    [1, 253 / 255, 231 / 255, 37 / 255],
  ],
  jet: [
    [0, 0, 0, 0.5],
    [0.125, 0, 0, 1],
    [0.375, 0, 1, 1],
    [0.625, 1, 1, 0],
    [0.875, 1, 0, 0],
    [1, 0.5, 0, 0],
  ],
  grayscale: [
    [0, 0, 0, 0],
    [1, 1, 1, 1],
  ],
};

/** The colour (0–255 RGB) of a colormap at t in [0, 1] (clamped), linearly interpolated between its points. */
export function sampleColormap(name: ColormapName, t: number): [number, number, number] {
  const points = COLORMAP_POINTS[name];
  if (!points) throw new Error(`sampleColormap: unknown colormap "${name}"`);
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  let i = 1;
  while (i < points.length - 1 && points[i][0] < x) i++;
  const [t0, r0, g0, b0] = points[i - 1];
  const [t1, r1, g1, b1] = points[i];
  const f = t1 > t0 ? (x - t0) / (t1 - t0) : 0;
  return [r0 + f * (r1 - r0), g0 + f * (g1 - g0), b0 + f * (b1 - b0)].map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255)) as [number, number, number];
}

/** Default colours of label values 1, 2, … when the model names none (label 0 is transparent). */
export const LABEL_PALETTE: readonly [number, number, number][] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
];

/** The colour of label `value` (≥ 1) from the model's class colours, or the default palette. */
export function labelColor(value: number, classColors?: readonly (readonly number[])[] | null): [number, number, number] {
  const c = classColors?.[value];
  if (c && c.length >= 3) return [c[0], c[1], c[2]];
  return LABEL_PALETTE[(Math.max(1, Math.round(value)) - 1) % LABEL_PALETTE.length];
}

/** Colours of the error map: 1 = false positive, 2 = false negative. */
export const ERROR_COLORS: Record<1 | 2, [number, number, number]> = { 1: [255, 0, 255], 2: [0, 255, 255] };
