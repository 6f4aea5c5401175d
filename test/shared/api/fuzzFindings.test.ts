// What the fuzzer's frames target found in the transport (shared/api): a sparse array (structured
// clone — Electron's IPC — keeps its holes) passed validateArgs with `undefined` where a number
// must be, because Array.prototype.map skips holes; and a frame or part whose header JSON is
// broken across lines gave an error of several lines. Checked against the code before the fixes
// (restored from git): the sparse arrays were accepted there, and the messages held the line break.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, utf8Encode } from '../../../shared/api/binaryCodec';
import { PART_MAGIC, readPart } from '../../../shared/api/frameParts';
import { ArgsError, validateArgs } from '../../../shared/api/validateArgs';
import { validArgs } from '../../../scripts/fuzz/argTemplates';

/** `[a, <hole>, c]`. */
function holey<T>(a: T, c: T): T[] {
  const out = [a, a, c];
  delete out[1];
  return out;
}

describe('validateArgs checks every entry of a sparse array', () => {
  it('a hole in a list of integers is refused, naming the entry', () => {
    const settings = { patchSize: holey(24, 24), overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy' };
    expect(() => validateArgs('run:start', { settings })).toThrow(new ArgsError('run:start: settings.patchSize[1] must be an integer in [1, 1024], got undefined'));
    expect(() => validateArgs('run:inspect', { runId: 'r1', voxel: holey(1, 3) })).toThrow(new ArgsError('run:inspect: voxel[1] must be an integer in [0, 1048576], got undefined'));
    const request = { patchSizes: holey(16, 32), overlaps: [0], blends: ['constant'], placements: ['stride'], repeats: 1, cases: 'current' };
    expect(() => validateArgs('sweep:start', { request })).toThrow('sweep:start: request.patchSizes[1] must be an integer in [1, 1024], got undefined');
  });

  it('a hole deep in a page compute result is refused', () => {
    const args = validArgs('compute:done') as { result: { classes: { color: number[] }[]; labels: { affine: number[][] } } };
    args.result.classes[0].color = holey(0, 0);
    expect(() => validateArgs('compute:done', args)).toThrow('compute:done: result.classes[0].color[1] must be an integer in [0, 255], got undefined');
    const again = validArgs('compute:done') as typeof args;
    const row = [0, 0, 1, 0];
    delete row[1];
    again.result.labels.affine[2] = row;
    expect(() => validateArgs('compute:done', again)).toThrow('compute:done: result.labels.affine[2][1] must be a finite number, got undefined');
  });

  it('dense arrays pass as before, copied', () => {
    const args = validArgs('compute:done');
    const checked = validateArgs('compute:done', args) as { result: { classes: { color: number[] }[] } };
    expect(checked.result.classes.map((c) => c.color)).toEqual([[0, 0, 0], [255, 170, 0]]);
  });
});

describe('a broken header JSON is a one-line error', () => {
  /** A message of `magic`, a header length and `header` as it is. */
  function message(magic: ArrayLike<number>, header: string): Uint8Array {
    const h = utf8Encode(header);
    const out = new Uint8Array(8 + h.length);
    out.set(magic, 0);
    new DataView(out.buffer).setUint32(4, h.length, true);
    out.set(h, 8);
    return out;
  }

  it('decodeFrame', () => {
    const frame = encodeFrame({ a: 1 });
    const broken = message(frame.subarray(0, 4), '{"v":\n{"a"\n:}, "b": []}');
    expect(() => decodeFrame(broken)).toThrow(/^decodeFrame: the header is not valid JSON \(/);
    let text = '';
    try {
      decodeFrame(broken);
    } catch (e) {
      text = (e as Error).message;
    }
    expect(text).not.toContain('\n');
  });

  it('readPart', () => {
    const broken = message(PART_MAGIC, '{"id":\n{"a"\n:}, "channel": "x"}');
    let text = '';
    try {
      readPart(broken);
    } catch (e) {
      text = (e as Error).message;
    }
    expect(text).toMatch(/^readPart: the part header is not valid JSON \(/);
    expect(text).not.toContain('\n');
  });
});
