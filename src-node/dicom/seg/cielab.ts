/**
 * sRGB (0–255) → DICOM's scaled CIELab (PS3.3 C.10.7.1.1): L* 0–100 → 0–65535, a* and b*
 * −128–127 → 0–65535, each rounded to an integer, under D65 as sRGB defines it (IEC 61966-2-1).
 */

/** sRGB's linear RGB → CIE XYZ matrix (IEC 61966-2-1, D65). */
const RGB_TO_XYZ = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
];
/** The D65 white point of that matrix (its row sums), so that white is exactly L* = 100, a* = b* = 0. */
const WHITE = RGB_TO_XYZ.map((row) => row[0] + row[1] + row[2]);

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const f = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);

/** CIE L*a*b* (D65) of an sRGB colour given as 0–255 per channel. */
export function rgbToLab(rgb: readonly number[]): [number, number, number] {
  if (rgb.length !== 3 || rgb.some((c) => !(Number.isFinite(c) && c >= 0 && c <= 255))) {
    throw new RangeError(`rgbToLab: a colour is three numbers in [0, 255]; got [${rgb.join(', ')}]`);
  }
  const lin = rgb.map((c) => linear(c / 255));
  const [x, y, z] = RGB_TO_XYZ.map((row, r) => f((row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]) / WHITE[r]));
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/**
 * DICOM's RecommendedDisplayCIELabValue of an sRGB colour (0–255 per channel): three integers in
 * [0, 65535]. Pure red is [34891, 53480, 50167] (L* 53.24, a* 80.09, b* 67.20).
 */
export function rgbToDicomLab(rgb: readonly number[]): [number, number, number] {
  const [l, a, b] = rgbToLab(rgb);
  const clamp = (v: number) => Math.min(65535, Math.max(0, Math.round(v)));
  return [clamp((l * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((b + 128) * 65535) / 255)];
}
