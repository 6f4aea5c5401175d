import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type RequestChannel } from '../../shared/api/contract';
import { ArgsError, isRequestChannel, validateArgs } from '../../shared/api/validateArgs';

const settings = { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };
const request = { patchSizes: [24], overlaps: [0, 0.5], blends: ['constant'], placements: ['stride'], repeats: 1, cases: 'current' };

/** Per channel: arguments that pass, and bad ones with the message they must fail with. */
const TABLE: Record<RequestChannel, { good: unknown[]; bad: [unknown, string][] }> = {
  'app:info': { good: [{}, undefined], bad: [[{ x: 1 }, 'app:info: unknown argument x'], [[], 'app:info: args must be an object, got []']] },
  'session:get': { good: [{}], bad: [[null, 'session:get: args must be an object, got null']] },
  'session:openDemo': { good: [{}], bad: [[{ path: '/etc/passwd' }, 'session:openDemo: unknown argument path']] },
  'file:open': {
    good: [
      { kind: 'image', source: { from: 'dialog' } },
      { kind: 'label', source: { from: 'recent', path: '/data/a.nii.gz' } },
      { kind: 'model', source: { from: 'drop', path: '/models/m' } },
      { kind: 'image', source: { from: 'upload', files: [{ name: 'a.nii', bytes: new Uint8Array(4) }] } },
      { kind: 'model', source: { from: 'upload', files: [{ name: 'model.json', bytes: new Uint8Array(1) }, { name: 'w.bin', bytes: new Uint8Array(1) }] } },
    ],
    bad: [
      [{ kind: 'mesh', source: { from: 'dialog' } }, 'file:open: kind must be one of image, label, model, got "mesh"'],
      [{ kind: 'image', source: { from: 'url', path: 'http://x' } }, 'file:open: source.from must be one of dialog, recent, drop, upload, got "url"'],
      [{ kind: 'image', source: { from: 'drop' } }, 'file:open: source.path is required'],
      [{ kind: 'image', source: { from: 'drop', path: '' } }, 'file:open: source.path must be a non-empty path'],
      [{ kind: 'image', source: { from: 'dialog', path: '/x' } }, 'file:open: unknown argument source.path'],
      [{ kind: 'image', source: { from: 'upload', files: [{ name: '../evil.nii', bytes: new Uint8Array(1) }] } }, "file:open: source.files[0].name must be a plain file name (no '/'"],
      [{ kind: 'image', source: { from: 'upload', files: [{ name: 'a.nii', bytes: [1, 2] }] } }, 'file:open: source.files[0].bytes must be a Uint8Array, got [1, 2]'],
      [{ kind: 'image', source: { from: 'upload', files: [] } }, 'file:open: source.files must be an array of exactly 1 file for an image'],
      [{ kind: 'model', source: { from: 'upload', files: [{ name: 'w.bin', bytes: new Uint8Array(1) }] } }, 'file:open: source.files must include model.json for a model'],
      [{ kind: 'image' }, 'file:open: source is required'],
    ],
  },
  'file:close': { good: [{ kind: 'label' }, { kind: 'model' }], bad: [[{ kind: 'image' }, 'file:close: kind must be one of label, model, got "image"']] },
  'volume:get': { good: [{ kind: 'image' }], bad: [[{ kind: 'model' }, 'volume:get: kind must be one of image, label, got "model"']] },
  'model:trainingMap': { good: [{}], bad: [[{ model: 'x' }, 'model:trainingMap: unknown argument model']] },
  'run:start': {
    good: [{ settings }, { settings: { ...settings, patchSize: [32], overlap: 0, blend: 'crop', placement: 'spread', measure: 'crossEntropy' } }],
    bad: [
      [{ settings: { ...settings, overlap: 1.2 } }, 'run:start: settings.overlap must be in [0, 1), got 1.2'],
      [{ settings: { ...settings, overlap: -0.1 } }, 'run:start: settings.overlap must be in [0, 1), got -0.1'],
      [{ settings: { ...settings, patchSize: [24, 0, 24] } }, 'run:start: settings.patchSize[1] must be an integer in [1, 1024], got 0'],
      [{ settings: { ...settings, patchSize: 24 } }, 'run:start: settings.patchSize must be an array of 1 to 3 positive integers, got 24'],
      [{ settings: { ...settings, blend: 'median' } }, 'run:start: settings.blend must be one of constant, gaussian, gaussian-nnunet, hann, crop, got "median"'],
      [{ settings: { ...settings, placement: 'random' } }, 'run:start: settings.placement must be one of stride, spread, got "random"'],
      [{ settings: { ...settings, measure: 'l2' } }, 'run:start: settings.measure must be one of crossEntropy, absoluteError, diceError, got "l2"'],
      [{ settings: { ...settings, extra: 1 } }, 'run:start: unknown argument settings.extra'],
      [{}, 'run:start: settings is required'],
    ],
  },
  'run:layer': {
    good: [{ runId: 'r1', layer: 'labels' }],
    bad: [
      [{ runId: 'r1', layer: 'weights' }, 'run:layer: layer must be one of labels, probability, coverage, tiledPerformance, tiledConsistency, gridOutline, got "weights"'],
      [{ runId: '../r1', layer: 'labels' }, 'run:layer: runId must be an id of letters'],
    ],
  },
  'run:maps': { good: [{ runId: 'r2' }], bad: [[{ runId: 7 }, 'run:maps: runId must be an id of letters, digits'], [{ runId: '..' }, 'run:maps: runId must be an id']] },
  'run:inspect': {
    good: [{ runId: 'r1', voxel: [1, 2, 3] }],
    bad: [
      [{ runId: 'r1', voxel: [1, 2] }, 'run:inspect: voxel must be an array of 3 non-negative integers [k, j, i], got [1, 2]'],
      [{ runId: 'r1', voxel: [1, -2, 3] }, 'run:inspect: voxel[1] must be an integer in [0, 1048576], got -2'],
      [{ runId: 'r1', voxel: [1, 2.5, 3] }, 'run:inspect: voxel[1] must be an integer'],
    ],
  },
  'run:delete': { good: [{ runId: 'r1' }], bad: [[{ runId: 'a/b' }, 'run:delete: runId must be an id']] },
  'sweep:start': {
    good: [{ request }, { request: { ...request, cases: 'demo', blends: ['performance-weighted', 'gaussian'], placements: ['stride', 'spread'], repeats: 5 } }],
    bad: [
      [{ request: { ...request, repeats: 6 } }, 'sweep:start: request.repeats must be an integer in [1, 5], got 6'],
      [{ request: { ...request, overlaps: [0, 1] } }, 'sweep:start: request.overlaps[1] must be in [0, 1), got 1'],
      [{ request: { ...request, overlaps: [0.5, 0.5] } }, 'sweep:start: request.overlaps[1] repeats 0.5'],
      [{ request: { ...request, patchSizes: [] } }, 'sweep:start: request.patchSizes must be an array of 1 to 16 entries, got []'],
      [{ request: { ...request, blends: ['nearest'] } }, 'sweep:start: request.blends[0] must be one of constant, gaussian, gaussian-nnunet, hann, crop, performance-weighted, got "nearest"'],
      [{ request: { ...request, cases: 'all' } }, 'sweep:start: request.cases must be one of current, demo, got "all"'],
    ],
  },
  'sweep:summary': { good: [{ sweepId: 's1' }], bad: [[{}, 'sweep:summary: sweepId is required']] },
  'sweep:map': {
    good: [{ sweepId: 's1', calibrationId: 'p24-o0.5-stride-constant-tta0' }],
    bad: [[{ sweepId: 's1', calibrationId: 'maps/../../x' }, 'sweep:map: calibrationId must be an id']],
  },
  'job:cancel': { good: [{ jobId: 'j3' }], bad: [[{ jobId: '' }, 'job:cancel: jobId must be an id']] },
  'report:export': { good: [{ sweepId: 's1' }], bad: [[{ sweepId: 's1', path: '/tmp/x.pdf' }, 'report:export: unknown argument path']] },
};

describe('validateArgs', () => {
  it('has a table entry for every channel of the contract', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  for (const channel of REQUEST_CHANNELS) {
    it(`${channel}: accepts good arguments and names what is wrong in bad ones`, () => {
      for (const args of TABLE[channel].good) expect(() => validateArgs(channel, args)).not.toThrow();
      for (const [args, message] of TABLE[channel].bad) {
        let error: unknown;
        try {
          validateArgs(channel, args);
        } catch (e) {
          error = e;
        }
        expect(error, `${channel} ${JSON.stringify(args)}`).toBeInstanceOf(ArgsError);
        expect((error as Error).message.startsWith(message), `${(error as Error).message} should start with ${message}`).toBe(true);
      }
    });
  }

  it('returns fresh objects with exactly the contract keys and keeps upload bytes', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const out = validateArgs('file:open', { kind: 'image', source: { from: 'upload', files: [{ name: 'a.nii', bytes }] } });
    expect(out).toEqual({ kind: 'image', source: { from: 'upload', files: [{ name: 'a.nii', bytes }] } });
    const s = validateArgs('run:start', { settings });
    expect(s.settings).toEqual(settings);
    expect(s.settings).not.toBe(settings);
  });

  it('refuses unknown channels', () => {
    expect(isRequestChannel('run:start')).toBe(true);
    expect(isRequestChannel('fs:readFile')).toBe(false);
    expect(() => validateArgs('fs:readFile', {})).toThrow(new ArgsError('unknown request channel "fs:readFile"'));
  });
});
