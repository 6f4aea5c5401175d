import { describe, expect, it } from 'vitest';
import { defaultPatch, patchAdvice, WHOLE_VOLUME_MAX_VOXELS } from '../../../shared/recommend/patchAdvice';

// model5_gw_ae: receptive field 93 on every axis; ch2's crop of the 256³ conformed grid.
const RF = [93, 93, 93];
const CH2 = [216, 213, 251];

describe('patchAdvice', () => {
  it('warns when the patch is smaller than the receptive field on every axis, naming both and suggesting the whole volume', () => {
    const a = patchAdvice([64, 64, 64], RF, CH2);
    expect(a.level).toBe('warn');
    expect(a.smallAxes).toEqual([0, 1, 2]);
    expect(a.suggestion).toBe('whole');
    expect(a.messages).toEqual([
      'patch 64 < receptive field 93 on every axis: expect border errors; the whole volume (216×213×251) fits in memory and is expected to be better',
    ]);
  });

  it('one patch value stands for every axis', () => {
    expect(patchAdvice([64], RF, CH2)).toEqual(patchAdvice([64, 64, 64], RF, CH2));
  });

  it('is ok for a patch at least the receptive field, for whole, and when the receptive field is unknown', () => {
    for (const [patch, rf] of [
      [[128, 128, 128], RF],
      [[93, 93, 93], RF],
      ['whole', RF],
      [[64, 64, 64], null],
      [[64, 64, 64], undefined],
    ] as const) {
      const a = patchAdvice(patch, rf, CH2);
      expect(a.level).toBe('ok');
      expect(a.messages).toEqual([]);
      expect(a.smallAxes).toEqual([]);
      expect(a.suggestion).toEqual(patch);
    }
  });

  it('names the axes when only some are too small', () => {
    const a = patchAdvice([64, 128, 64], RF, CH2);
    expect(a.level).toBe('warn');
    expect(a.smallAxes).toEqual([0, 2]);
    expect(a.messages[0]).toMatch(/^patch 64×128×64 < receptive field 93 on axes 0 and 2: expect border errors; /);
    const one = patchAdvice([128, 64, 128], RF, CH2);
    expect(one.smallAxes).toEqual([1]);
    expect(one.messages[0]).toMatch(/^patch 128×64×128 < receptive field 93 on axis 1: /);
  });

  it('an axis the patch already spans is not small (one window covers it)', () => {
    const a = patchAdvice([64, 64, 64], RF, [60, 200, 200]);
    expect(a.smallAxes).toEqual([1, 2]);
    expect(patchAdvice([64, 64, 64], RF, [60, 64, 50]).level).toBe('ok');
  });

  it('suggests a patch ≥ the receptive field, rounded up to 16, when the whole volume does not fit', () => {
    const big = [512, 512, 512];
    expect(big.reduce((x, y) => x * y)).toBeGreaterThan(WHOLE_VOLUME_MAX_VOXELS);
    const a = patchAdvice([64, 128, 64], RF, big);
    expect(a.suggestion).toEqual([96, 128, 96]);
    expect(a.messages[0]).toMatch(/; patch 96×128×96 \(at least the receptive field\) is expected to be better$/);
    expect(patchAdvice(a.suggestion, RF, big).level).toBe('ok');
  });

  it('refuses lengths that do not match the grid', () => {
    expect(() => patchAdvice([64, 64], RF, CH2)).toThrow(/^patchAdvice: the patch has 2 values for a 3-D grid/);
    expect(() => patchAdvice([64], [93, 93], CH2)).toThrow(/^patchAdvice: the receptive field has 2 values/);
    expect(() => patchAdvice([64], RF, [0, 1, 2])).toThrow(/^patchAdvice: the grid shape must be positive integers/);
  });
});

describe('defaultPatch', () => {
  it('is the trained patch when it covers the receptive field', () => {
    expect(defaultPatch([128, 128, 128], RF, CH2)).toEqual([128, 128, 128]);
    expect(defaultPatch([24], [21, 21, 21], [91, 109, 91])).toEqual([24, 24, 24]);
  });

  it('is whole when the trained patch is too small or unknown and the volume fits (model5 on ch2)', () => {
    expect(defaultPatch([64, 64, 64], RF, CH2)).toBe('whole');
    expect(defaultPatch(null, RF, CH2)).toBe('whole');
    expect(defaultPatch(undefined, RF, [256, 256, 256])).toBe('whole');
  });

  it('is the smallest multiple of 16 ≥ the receptive field when the volume does not fit', () => {
    expect(defaultPatch([64, 64, 64], RF, [512, 512, 512])).toEqual([96, 96, 96]);
    expect(defaultPatch(null, [93, 20, 93], [1024, 512, 40])).toEqual([96, 32, 40]);
  });

  it('keeps today\'s default when the receptive field is unknown', () => {
    expect(defaultPatch([64, 64, 64], null, CH2)).toEqual([64, 64, 64]);
    expect(defaultPatch(null, null, CH2)).toBe('whole');
  });

  it('is never a patch patchAdvice warns about', () => {
    const grids = [CH2, [512, 512, 512], [60, 300, 300], [91, 109, 91]];
    const fields = [RF, [21, 21, 21], [93, 20, 200], null];
    const trained = [null, [64, 64, 64], [128, 128, 128], [16, 96, 16]];
    for (const g of grids) for (const f of fields) for (const t of trained) {
      expect(patchAdvice(defaultPatch(t, f, g), f, g).level, `${t} ${f} ${g}`).toBe('ok');
    }
  });
});
