// shared/settings: the one home of run and sweep parameters (issue 13). Limits, defaults, the
// normalization to one value per axis, the check of settings from outside and the mapping to
// engine options, with the values every face relies on.
import { describe, expect, it } from 'vitest';
import {
  APP_SWEEP_REPEATS_LIMITS,
  BATCH_LIMITS,
  checkRunSettings,
  DEFAULT_BLEND,
  DEFAULT_MEASURE,
  DEFAULT_OVERLAP,
  DEFAULT_PLACEMENT,
  DEFAULT_RUN_SETTINGS,
  DEFAULT_SWEEP_BLENDS,
  DEFAULT_SWEEP_OVERLAPS,
  DEFAULT_SWEEP_PLACEMENTS,
  DEFAULT_SWEEP_SETTINGS,
  isOverlap,
  isPatchEdge,
  normalizeWindowSettings,
  OVERLAP_LIMITS,
  PATCH_LIMITS,
  SettingsError,
  SWEEP_REPEATS_LIMITS,
  toEngineOptions,
  type RunSettings,
} from '../../../shared/settings/index';

const settings: RunSettings = { patchSize: [24, 24, 16], overlap: 0.25, placement: 'spread', blend: 'hann', measure: 'diceError' };

describe('shared/settings: limits', () => {
  it('one set: patch 1..1024, overlap [0, 0.9], batch 1..256, repeats 1..100 (CLI) and 1..5 (app)', () => {
    expect(PATCH_LIMITS).toEqual({ min: 1, max: 1024 });
    expect(OVERLAP_LIMITS).toEqual({ min: 0, max: 0.9 });
    expect(BATCH_LIMITS).toEqual({ min: 1, max: 256 });
    expect(SWEEP_REPEATS_LIMITS).toEqual({ min: 1, max: 100 });
    expect(APP_SWEEP_REPEATS_LIMITS).toEqual({ min: 1, max: 5 });
  });

  it('isPatchEdge and isOverlap accept the ends and refuse just outside, non-integers and non-numbers', () => {
    for (const p of [1, 64, 1024]) expect(isPatchEdge(p), String(p)).toBe(true);
    for (const p of [0, 1025, 2.5, NaN, Infinity, '64', null]) expect(isPatchEdge(p), String(p)).toBe(false);
    for (const o of [0, 0.5, 0.9]) expect(isOverlap(o), String(o)).toBe(true);
    for (const o of [-0.01, 0.9000001, 0.95, 1, NaN, '0.5', undefined]) expect(isOverlap(o), String(o)).toBe(false);
  });
});

describe('shared/settings: defaults', () => {
  it('one default overlap (0.5), measure (absoluteError), blend (gaussian) and placement (stride)', () => {
    expect([DEFAULT_OVERLAP, DEFAULT_MEASURE, DEFAULT_BLEND, DEFAULT_PLACEMENT]).toEqual([0.5, 'absoluteError', 'gaussian', 'stride']);
    expect(DEFAULT_RUN_SETTINGS).toEqual({ overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' });
  });

  it("a sweep's defaults: overlaps 0, 0.25, 0.5; constant and gaussian; stride; 3 repeats, patch warm-up, the same measure", () => {
    expect(DEFAULT_SWEEP_OVERLAPS).toEqual([0, 0.25, 0.5]);
    expect(DEFAULT_SWEEP_BLENDS).toEqual(['constant', 'gaussian']);
    expect(DEFAULT_SWEEP_PLACEMENTS).toEqual(['stride']);
    expect(DEFAULT_SWEEP_SETTINGS).toEqual({ repeats: 3, warmup: 'patch', batchSize: 1, measure: 'absoluteError', diceMode: 'auto', crop: true });
  });
});

describe('normalizeWindowSettings', () => {
  it('repeats one value to a triple, keeps per-axis values, fills the defaults', () => {
    expect(normalizeWindowSettings('f', { patchSize: 32 }, [100, 90, 80])).toEqual({ patchSize: [32, 32, 32], overlap: [0.5, 0.5, 0.5], placement: ['stride', 'stride', 'stride'] });
    expect(normalizeWindowSettings('f', { patchSize: [64, 64, 16], overlap: [0.5, 0.25, 0], placement: 'spread' }, [100, 90, 80])).toEqual({
      patchSize: [64, 64, 16],
      overlap: [0.5, 0.25, 0],
      placement: ['spread', 'spread', 'spread'],
    });
  });

  it("'whole' is the image's shape with overlap 0, whatever its size", () => {
    expect(normalizeWindowSettings('f', { patchSize: 'whole', overlap: 0.5 }, [2048, 30, 7])).toEqual({ patchSize: [2048, 30, 7], overlap: [0, 0, 0], placement: ['stride', 'stride', 'stride'] });
  });

  it('names the function and the field: a list of another length, a value outside the limits', () => {
    const n = (input: Parameters<typeof normalizeWindowSettings>[1]) => () => normalizeWindowSettings('runInference', input, [10, 10, 10]);
    expect(n({ patchSize: [8, 8] })).toThrow('runInference: patch size has 2 axes but the image has 3 spatial axes');
    expect(n({ patchSize: 1025 })).toThrow('runInference: patchSize must be an integer in [1, 1024], got 1025');
    expect(n({ patchSize: [8, 0, 8] })).toThrow('runInference: patchSize[1] must be an integer in [1, 1024], got 0');
    expect(n({ patchSize: 8, overlap: 0.95 })).toThrow('runInference: overlap must be in [0, 0.9], got 0.95');
    expect(n({ patchSize: 8, overlap: [0, 0, -0.5] })).toThrow('runInference: overlap[2] must be in [0, 0.9], got -0.5');
    expect(n({ patchSize: 8, placement: 'grid' as never })).toThrow('runInference: placement must be one of stride, spread, got "grid"');
  });
});

describe('checkRunSettings', () => {
  it('returns a copy of valid settings', () => {
    const out = checkRunSettings(settings, 'run:start');
    expect(out).toEqual(settings);
    expect(out.patchSize).not.toBe(settings.patchSize);
    expect(checkRunSettings({ ...settings, patchSize: [1024], overlap: 0.9 }, 'x')).toMatchObject({ patchSize: [1024], overlap: 0.9 });
  });

  it('names the field and starts with `where`; the error class is SettingsError unless another is given', () => {
    const bad = (value: unknown) => () => checkRunSettings(value, 'run:start');
    expect(bad({ ...settings, overlap: 1.2 })).toThrow(new SettingsError('run:start: settings.overlap must be in [0, 0.9], got 1.2'));
    expect(bad({ ...settings, overlap: 0.91 })).toThrow('run:start: settings.overlap must be in [0, 0.9], got 0.91');
    expect(bad({ ...settings, patchSize: [24, 1025, 24] })).toThrow('run:start: settings.patchSize[1] must be an integer in [1, 1024], got 1025');
    expect(bad({ ...settings, patchSize: [] })).toThrow('run:start: settings.patchSize must be an array of 1 to 3 positive integers, got []');
    expect(bad({ ...settings, blend: 'median' })).toThrow('run:start: settings.blend must be one of constant, gaussian, gaussian-nnunet, hann, crop, got "median"');
    expect(bad({ ...settings, measure: 'l1' })).toThrow('run:start: settings.measure must be one of crossEntropy, absoluteError, diceError, got "l1"');
    expect(bad({ ...settings, extra: 1 })).toThrow('run:start: unknown argument settings.extra');
    expect(bad({ patchSize: [24], overlap: 0.5, placement: 'stride', blend: 'constant' })).toThrow('run:start: settings.measure is required');
    expect(bad([1])).toThrow('run:start: settings must be an object, got [1]');
    class ArgsError extends Error {}
    expect(() => checkRunSettings({ ...settings, overlap: -1 }, 'run:start', ArgsError)).toThrow(ArgsError);
  });
});

describe('toEngineOptions', () => {
  it('maps the settings to runInference options: the same values, a copied patch, Dice mode auto', () => {
    const options = toEngineOptions(settings);
    expect(options).toEqual({ patchSize: [24, 24, 16], overlap: 0.25, placement: 'spread', blend: 'hann', measure: 'diceError', diceMode: 'auto' });
    expect(options.patchSize).not.toBe(settings.patchSize);
  });
});
