/**
 * binaryCodec: messages with typed arrays anywhere survive encode → decode with the same classes
 * and values (fast-check), each decoded array owns its buffer, and broken frames are refused with
 * errors that say what is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, utf8Decode, utf8Encode } from '../../../shared/api/binaryCodec';

/** Every typed array class the codec carries, with an arbitrary of its contents. */
const typedArrays: fc.Arbitrary<ArrayBufferView | ArrayBuffer>[] = [
  fc.int8Array(),
  fc.uint8Array(),
  fc.uint8ClampedArray(),
  fc.int16Array(),
  fc.uint16Array(),
  fc.int32Array(),
  fc.uint32Array(),
  fc.float32Array(),
  fc.float64Array(),
  fc.bigInt64Array(),
  fc.bigUint64Array(),
  fc.uint8Array().map((a) => a.buffer as ArrayBuffer),
  fc.uint8Array().map((a) => new DataView(a.buffer)),
  // A view into the middle of a larger buffer: only its own bytes travel.
  fc.tuple(fc.float32Array({ minLength: 4 }), fc.nat(3)).map(([a, k]) => a.subarray(k, a.length - 1)),
];

/** JSON values with typed arrays, special numbers and placeholder-like keys mixed in. */
const message = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.oneof(...typedArrays),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$bin', '$num', '$esc', '__proto__')), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

describe('binaryCodec', () => {
  it('round-trips any message (same classes, values and special numbers)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const frame = encodeFrame(m);
        const back = decodeFrame(frame);
        expect(back).toStrictEqual(m);
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips a VolumeData-like message, buffers 8-byte aligned, each decoded array with its own ArrayBuffer', () => {
    const data = new Float32Array(1000).map((_, i) => Math.sin(i) * 1e3);
    const labels = new Uint8Array([1, 2, 3]);
    const m = { id: 7, envelope: { result: { shape: [10, 10, 10], spacing: [1, 1, 1.5], affine: [[1, 0, 0, -5]], data, labels, nan: NaN, negZero: -0 } } };
    const frame = encodeFrame(m);
    const headerLength = new DataView(frame.buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + headerLength))) as { b: { t: string; o: number; n: number }[] };
    expect(header.b.map((b) => b.t)).toEqual(['Float32Array', 'Uint8Array']);
    expect(header.b.every((b) => b.o % 8 === 0)).toBe(true);
    expect(header.b[0].n).toBe(4000);
    const back = decodeFrame(frame) as typeof m;
    expect(back).toStrictEqual(m);
    const r = back.envelope.result;
    expect(r.data).toBeInstanceOf(Float32Array);
    expect(r.data.buffer.byteLength).toBe(4000);
    expect(r.labels.buffer.byteLength).toBe(3);
    expect(Object.is(r.negZero, -0)).toBe(true);
  });

  it('decodes from a Node Buffer at an odd offset (as ws hands frames over)', () => {
    const m = { a: new Float64Array([1.5, -2.25]), b: new Int16Array([-3, 4]) };
    const frame = encodeFrame(m);
    const pool = Buffer.alloc(frame.byteLength + 3);
    pool.set(frame, 3);
    expect(decodeFrame(pool.subarray(3))).toStrictEqual(m);
  });

  it('encodes a Buffer as a Uint8Array and keeps "$bin"-like user objects literal', () => {
    const m = { bytes: Buffer.from('héllo'), tricky: { $bin: 0 }, num: { $num: 'NaN' }, esc: { $esc: { $bin: 1 } } };
    const back = decodeFrame(encodeFrame(m)) as Record<string, unknown>;
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(back.bytes)).toBe(false);
    expect(Array.from(back.bytes as Uint8Array)).toEqual(Array.from(Buffer.from('héllo')));
    expect(back.tricky).toEqual({ $bin: 0 });
    expect(back.num).toEqual({ $num: 'NaN' });
    expect(back.esc).toEqual({ $esc: { $bin: 1 } });
  });

  it('refuses what it cannot carry, naming the path', () => {
    expect(() => encodeFrame({ a: [1, { f: () => 1 }] })).toThrow('encodeFrame: unsupported function at $.a[1].f');
    expect(() => encodeFrame({ when: new Date() })).toThrow('encodeFrame: unsupported Date at $.when');
    expect(() => encodeFrame({ m: new Map() })).toThrow('encodeFrame: unsupported Map at $.m');
    expect(() => encodeFrame({ n: 1n })).toThrow('encodeFrame: unsupported bigint at $.n');
    class Thing {}
    expect(() => encodeFrame({ t: new Thing() })).toThrow('encodeFrame: unsupported class instance at $.t');
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encodeFrame(cyc)).toThrow('encodeFrame: circular reference at $.self');
    expect(() => encodeFrame(undefined)).toThrow('encodeFrame: unsupported undefined at $');
  });

  it('refuses broken frames with errors that say what is wrong', () => {
    const frame = encodeFrame({ data: new Float32Array([1, 2, 3]) });
    expect(() => decodeFrame(frame.subarray(0, 5))).toThrow('decodeFrame: truncated frame: 5 bytes');
    expect(() => decodeFrame(frame.subarray(0, 12))).toThrow(/decodeFrame: truncated frame: the header needs \d+ bytes, the frame has 12/);
    expect(() => decodeFrame(frame.subarray(0, frame.byteLength - 1))).toThrow(/decodeFrame: truncated frame: buffer 0 \(Float32Array, 12 bytes at \d+\)/);
    const bad = frame.slice();
    bad[0] = 0x7b;
    expect(() => decodeFrame(bad)).toThrow('decodeFrame: not a PatchLens frame');
    const trailing = new Uint8Array(frame.byteLength + 4);
    trailing.set(frame);
    expect(() => decodeFrame(trailing)).toThrow('(trailing bytes)');
    const garbled = frame.slice();
    garbled[8] = 0x20 + 1; // '!' instead of '{'
    expect(() => decodeFrame(garbled)).toThrow('decodeFrame: the header is not valid JSON');
    const forged = (header: object) => {
      const h = new TextEncoder().encode(JSON.stringify(header));
      const f = new Uint8Array(8 + h.byteLength);
      f.set([0x50, 0x4c, 0x42, 0x31]);
      new DataView(f.buffer).setUint32(4, h.byteLength, true);
      f.set(h, 8);
      return f;
    };
    expect(() => decodeFrame(forged({ v: { $bin: 0 }, b: [] }))).toThrow('decodeFrame: placeholder at $ refers to buffer 0, the frame has 0');
    expect(() => decodeFrame(forged({ v: { $num: 'pi' } , b: [] }))).toThrow('decodeFrame: unknown special number "pi" at $');
    expect(() => decodeFrame(forged({ b: [] }))).toThrow('decodeFrame: the header is not { v, b: [...] }');
  });

  it('utf8Encode/utf8Decode agree with TextEncoder on any JSON text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const json = JSON.stringify(s);
        expect(Array.from(utf8Encode(json))).toEqual(Array.from(new TextEncoder().encode(json)));
        expect(utf8Decode(new TextEncoder().encode(json))).toBe(json);
      }),
    );
  });
});
