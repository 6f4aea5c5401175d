import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../../shared/index';
import { readReference } from '../../helpers/sharedData';

describe('.npy read/write', () => {
  it('reads the original project\'s reference maps', () => {
    const a = readReference('patch-performance-map-steady-64x64x1.npy');
    expect(a.dtype).toBe('<f4');
    expect(a.shape).toEqual([64, 64, 1]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  it('round-trips every numeric dtype and shape', () => {
    const arrays = [
      Float32Array.of(1.5, -2, 3e-8),
      Float64Array.of(Math.PI, -0, 1e300),
      Int8Array.of(-128, 127),
      Uint8Array.of(0, 255, 7),
      Int16Array.of(-32768, 5),
      Uint16Array.of(65535),
      Int32Array.of(-(2 ** 31), 2 ** 31 - 1),
      Uint32Array.of(2 ** 32 - 1),
    ];
    for (const data of arrays) {
      const back = parseNpy(writeNpy(data, [data.length]));
      expect(back.shape).toEqual([data.length]);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
    const m = parseNpy(writeNpy(new Float32Array(24).map((_, i) => i), [2, 3, 4]));
    expect(m.shape).toEqual([2, 3, 4]);
    expect(m.data[23]).toBe(23);
  });

  it('writes headers numpy accepts: data on a 64-byte boundary, header ends with a newline', () => {
    const bytes = writeNpy(new Float32Array(3), [3]);
    const headerLen = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes[10 + headerLen - 1]).toBe(0x0a);
    expect(String.fromCharCode(...bytes.subarray(10, 10 + headerLen))).toContain("'shape': (3,)");
  });

  it('reads big-endian data', () => {
    const header = "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = header + ' '.repeat(pad) + '\n';
    const bytes = new Uint8Array(10 + h.length + 4);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8]);
    for (let i = 0; i < h.length; i++) bytes[10 + i] = h.charCodeAt(i);
    bytes.set([0x01, 0x02, 0xff, 0xfe], 10 + h.length);
    expect(Array.from(parseNpy(bytes).data)).toEqual([0x0102, -2]);
  });

  it('names what is wrong with a bad file', () => {
    expect(() => parseNpy(new Uint8Array(20))).toThrow(/not a .npy file/);
    const ok = writeNpy(new Float32Array(4), [4]);
    expect(() => parseNpy(ok.subarray(0, ok.length - 4))).toThrow(/needs 16/);
  });
});
