/**
 * Random transport messages for the `frames` target, made from a seed (so that the main thread
 * and the worker make the same one): nested JSON with numbers JSON cannot hold (NaN, ±Infinity,
 * −0), lone surrogates, keys such as `__proto__` and the codec's own placeholder keys (`$bin`,
 * `$num`, `$esc`), typed arrays of every class as views at offsets, DataViews and ArrayBuffers.
 */
import type { Rng } from './rng';

const NUMBERS = [0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, 1e308, 5e-324, 2 ** 53, -(2 ** 53) - 2, 0.1, 123456789];
const STRINGS = ['', 'a', '\u0000', '\ud800', '\udc00x', '😀', 'é', '"\\', '$bin', '{"$bin":0}', '\u2028', 'x'.repeat(1000)];
const KEYS = ['a', 'b', 'v', '$bin', '$num', '$esc', '__proto__', 'constructor', '', 'b c', '😀', 'toString', '\ud800'];
const VIEWS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array] as const;

/** An object with the given own members (defineProperty: a `__proto__` key stays a member). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** A typed array, DataView or ArrayBuffer with random contents, often a view at an offset of a larger buffer. */
export function randomBinary(rng: Rng, maxBytes: number): ArrayBuffer | ArrayBufferView {
  const kind = rng.int(0, VIEWS.length + 1);
  const bytes = rng.int(0, maxBytes);
  const pad = rng.chance(0.5) ? rng.int(1, 4) * 8 : 0;
  const buffer = new ArrayBuffer(bytes + 2 * pad + 8);
  const all = new Uint8Array(buffer);
  for (let i = 0; i < all.length; i += 7) all[i] = rng.int(0, 255);
  if (kind === VIEWS.length) return buffer.slice(pad, pad + bytes);
  if (kind === VIEWS.length + 1) return new DataView(buffer, pad, bytes);
  const C = VIEWS[kind];
  return new C(buffer, pad, Math.floor(bytes / C.BYTES_PER_ELEMENT));
}

/** A random message (depth-limited). */
export function randomMessage(rng: Rng, maxBinary = 256, depth = 0): unknown {
  const leaf = depth >= 4 || rng.chance(0.35);
  if (leaf) {
    switch (rng.int(0, 5)) {
      case 0:
        return rng.pick(NUMBERS);
      case 1:
        return rng.pick(STRINGS);
      case 2:
        return rng.chance(0.5);
      case 3:
        return null;
      case 4:
        return randomBinary(rng, maxBinary);
      default:
        return rng.int(-1000, 1000);
    }
  }
  switch (rng.int(0, 3)) {
    case 0:
      return Array.from({ length: rng.int(0, 4) }, () => (rng.chance(0.1) ? undefined : randomMessage(rng, maxBinary, depth + 1)));
    case 1: {
      // Objects that look like the codec's placeholders.
      const key = rng.pick(['$bin', '$num', '$esc']);
      const v = rng.pick<unknown>([0, 1, 'NaN', '-0', 'x', { $bin: 0 }, null, randomMessage(rng, maxBinary, depth + 1)]);
      return rng.chance(0.7) ? objectOf([[key, v]]) : objectOf([[key, v], ['x', 1]]);
    }
    default: {
      const n = rng.int(0, 4);
      return objectOf(Array.from({ length: n }, () => [rng.pick(KEYS), rng.chance(0.1) ? undefined : randomMessage(rng, maxBinary, depth + 1)] as [string, unknown]));
    }
  }
}

/** What a message must decode to: members that are `undefined` dropped, `undefined` array entries null (as JSON). */
export function expectedDecoding(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : expectedDecoding(v)));
  return objectOf(
    Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => [k, expectedDecoding((value as Record<string, unknown>)[k])]),
  );
}
