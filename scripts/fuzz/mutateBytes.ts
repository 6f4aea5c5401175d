/**
 * Byte-level mutations (the classic fuzzer moves): bit flips, interesting bytes and words,
 * truncation, extension, chunk insertion / deletion / duplication and splicing. Each returns a
 * new array and a short note of what it did, and never grows an input past `maxLength`.
 */
import type { Rng } from './rng';

/** A mutated copy and what was done to it. */
export interface Mutated {
  bytes: Uint8Array;
  note: string;
}

/** Integers that break size and index arithmetic. */
export const INTERESTING_INTS = [0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 127, 128, 255, 256, 348, 352, 540, 544, 1024, 32767, -32768, 65535, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1];
/** Floats that break arithmetic. */
export const INTERESTING_FLOATS = [0, -0, 1, -1, 0.5, 2, 1e-45, 1e-38, 3.4e38, 1e9, -1e9, 1e30, NaN, Infinity, -Infinity];
/** 64-bit integers (NIfTI-2's dim and vox_offset). */
export const INTERESTING_INT64 = [0n, 1n, -1n, 2n, 352n, 544n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];

function copyOf(bytes: Uint8Array, length = bytes.length): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, Math.min(length, bytes.length)));
  return out;
}

/** One random byte-level mutation of `bytes` (at most `maxLength` bytes out). */
export function mutateBytes(rng: Rng, bytes: Uint8Array, maxLength: number, donor?: Uint8Array): Mutated {
  const n = bytes.length;
  const at = () => rng.int(0, Math.max(0, n - 1));
  switch (rng.int(0, 9)) {
    case 0: {
      const out = copyOf(bytes);
      const k = rng.int(1, 8);
      for (let i = 0; i < k && n > 0; i++) out[at()] ^= 1 << rng.int(0, 7);
      return { bytes: out, note: `${k} bit flip(s)` };
    }
    case 1: {
      const out = copyOf(bytes);
      const p = at();
      if (n > 0) out[p] = rng.pick([0, 0xff, 0x7f, 0x80, 0x01, rng.int(0, 255)]);
      return { bytes: out, note: `byte ${p} set` };
    }
    case 2: {
      const out = copyOf(bytes);
      if (n < 4) return { bytes: out, note: 'too short for a word' };
      const p = rng.int(0, n - 4);
      const view = new DataView(out.buffer);
      const le = rng.chance(0.5);
      if (rng.chance(0.5)) view.setInt32(p, rng.pick(INTERESTING_INTS) | 0, le);
      else view.setFloat32(p, rng.pick(INTERESTING_FLOATS), le);
      return { bytes: out, note: `word at ${p} set` };
    }
    case 3: {
      const len = rng.int(0, Math.max(0, n - 1));
      return { bytes: copyOf(bytes, len), note: `truncated to ${len}` };
    }
    case 4: {
      const extra = Math.min(rng.pick([1, 4, 16, 100, 4096]), Math.max(0, maxLength - n));
      const out = copyOf(bytes, n + extra);
      if (rng.chance(0.5)) for (let i = n; i < out.length; i++) out[i] = rng.int(0, 255);
      return { bytes: out, note: `extended by ${extra}` };
    }
    case 5: {
      const p = at();
      const len = Math.min(rng.int(1, 64), n - p);
      const out = new Uint8Array(n - len);
      out.set(bytes.subarray(0, p));
      out.set(bytes.subarray(p + len), p);
      return { bytes: out, note: `deleted ${len} at ${p}` };
    }
    case 6: {
      const p = at();
      const len = Math.min(rng.int(1, 64), Math.max(0, maxLength - n));
      const out = new Uint8Array(n + len);
      out.set(bytes.subarray(0, p));
      for (let i = 0; i < len; i++) out[p + i] = rng.int(0, 255);
      out.set(bytes.subarray(p), p + len);
      return { bytes: out, note: `inserted ${len} at ${p}` };
    }
    case 7: {
      const p = at();
      const len = Math.min(rng.int(1, 256), n - p, Math.max(0, maxLength - n));
      const out = new Uint8Array(n + len);
      out.set(bytes.subarray(0, p + len));
      out.set(bytes.subarray(p), p + len);
      return { bytes: out, note: `duplicated ${len} at ${p}` };
    }
    case 8: {
      if (!donor || donor.length === 0) return mutateBytes(rng, bytes, maxLength);
      const cut = at();
      const from = rng.int(0, donor.length - 1);
      const tail = donor.subarray(from, from + Math.max(0, maxLength - cut));
      const out = new Uint8Array(cut + tail.length);
      out.set(bytes.subarray(0, cut));
      out.set(tail, cut);
      return { bytes: out, note: `spliced at ${cut} from a donor's ${from}` };
    }
    default: {
      const out = copyOf(bytes);
      const p = at();
      const len = Math.min(rng.int(1, 32), n - p);
      const fill = rng.pick([0, 0xff, rng.int(0, 255)]);
      out.fill(fill, p, p + len);
      return { bytes: out, note: `${len} bytes at ${p} set to ${fill}` };
    }
  }
}
