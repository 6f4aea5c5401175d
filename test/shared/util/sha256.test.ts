import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from '../../../shared/util/sha256';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256 (pure TypeScript)', () => {
  it('matches the FIPS 180-4 vectors', () => {
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(ascii('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes 1 MB like node:crypto, in one piece and in uneven chunks', () => {
    const data = new Uint8Array(1 << 20);
    let x = 12345;
    for (let i = 0; i < data.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      data[i] = x >>> 24;
    }
    const expected = nodeSha(data);
    expect(sha256Hex(data)).toBe(expected);
    expect(sha256Hex(data.buffer)).toBe(expected);
    const h = new Sha256();
    let offset = 0;
    for (const size of [0, 1, 63, 64, 65, 1000, 55, 56, 57, 4096]) {
      h.update(data.subarray(offset, offset + size));
      offset += size;
    }
    h.update(new DataView(data.buffer, offset));
    expect(h.hex()).toBe(expected);
  });

  it('pads every length around the block boundary like node:crypto', () => {
    for (let n = 50; n <= 130; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255);
      expect(sha256Hex(b)).toBe(nodeSha(b));
    }
  });

  it('refuses to be used after its digest', () => {
    const h = new Sha256().update(ascii('abc'));
    h.digest();
    expect(() => h.update(ascii('x'))).toThrow(/Sha256.update: the digest was already taken/);
    expect(() => h.hex()).toThrow(/Sha256.digest/);
  });
});
