/**
 * RGB → DICOM scaled CIELab: known values (sRGB red is L* 53.24, a* 80.09, b* 67.20 — the
 * published CIELAB of sRGB's red primary under D65; white and black exactly), and dcmjs's
 * `Colors.rgb2DICOMLAB` within 10 of 65535 (dcmjs uses a slightly different D65 white point, so
 * its white is L 65534, not 65535).
 */
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { rgbToDicomLab, rgbToLab } from '../../../../src-node/dicom/seg';

const dcmjsLab = (rgb: number[]) => (dcmjs as unknown as { data: { Colors: { rgb2DICOMLAB(c: number[]): number[] } } }).data.Colors.rgb2DICOMLAB(rgb.map((c) => c / 255));

describe('rgbToDicomLab', () => {
  it('pure red is [34891, 53480, 50167] (L* 53.24, a* 80.09, b* 67.20)', () => {
    const [l, a, b] = rgbToLab([255, 0, 0]);
    expect(l).toBeCloseTo(53.24, 2);
    expect(a).toBeCloseTo(80.09, 2);
    expect(b).toBeCloseTo(67.2, 2);
    expect(rgbToDicomLab([255, 0, 0])).toEqual([34891, 53480, 50167]);
  });

  it('white and black are exact: [65535, 32896, 32896] and [0, 32896, 32896]', () => {
    expect(rgbToDicomLab([255, 255, 255])).toEqual([65535, 32896, 32896]);
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
  });

  it('agrees with dcmjs within 10 (of 65535) for primaries, greys and the brainchop colours', () => {
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128], [205, 62, 78], [255, 255, 0], [10, 200, 140]];
    for (const c of colours) {
      const ours = rgbToDicomLab(c);
      const theirs = dcmjsLab(c);
      ours.forEach((v, i) => expect(Math.abs(v - theirs[i]), `${c} component ${i}: ${v} vs dcmjs ${theirs[i]}`).toBeLessThanOrEqual(10));
    }
  });

  it('refuses a colour outside [0, 255] or not three values', () => {
    expect(() => rgbToDicomLab([256, 0, 0])).toThrow('rgbToLab: a colour is three numbers in [0, 255]; got [256, 0, 0]');
    expect(() => rgbToDicomLab([1, 2])).toThrow('got [1, 2]');
  });
});
