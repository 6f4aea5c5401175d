/**
 * The fuzzer's reference gunzip, independent of the reader's pako: gzip members walked by hand (RFC 1952)
 * and their deflate data inflated by Node's zlib, which says exactly where each deflate stream
 * ends. A member's trailer must follow its deflate data at once and match (CRC-32 and length),
 * and the stream must end with the last trailer (or go on with another member).
 *
 * Deliberately lenient (as fflate, the reader's earlier inflater, was), because neither changes the data (which
 * the CRC-32 verifies): the reserved FLG bits and the optional header CRC (FHCRC) are not
 * checked; Node's own `gunzipSync` refuses both.
 */
import { crc32, inflateRawSync } from 'node:zlib';

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** The decompressed bytes, or null when the stream is not valid gzip (or inflates past `maxOutput`). */
export function referenceGunzip(bytes: Uint8Array, maxOutput = 256 * 2 ** 20): Uint8Array | null {
  const n = bytes.length;
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = 0;
  do {
    if (n - at < 18 || bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b || bytes[at + 2] !== 8) return null;
    const flags = bytes[at + 3];
    let p = at + 10;
    if (flags & 4) {
      if (p + 2 > n) return null;
      p += 2 + (bytes[p] | (bytes[p + 1] << 8));
    }
    for (const bit of [8, 16]) {
      if (!(flags & bit)) continue;
      while (p < n && bytes[p] !== 0) p++;
      p++;
    }
    if (flags & 2) p += 2;
    if (p >= n) return null;
    let out: Buffer;
    let consumed: number;
    try {
      const r = inflateRawSync(bytes.subarray(p), { info: true, maxOutputLength: Math.max(1, maxOutput - total) }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      out = r.buffer;
      consumed = r.engine.bytesWritten;
    } catch {
      return null;
    }
    const end = p + consumed;
    if (end + 8 > n || crc32(out) !== u32(bytes, end) || (out.length >>> 0) !== u32(bytes, end + 4)) return null;
    parts.push(new Uint8Array(out.buffer, out.byteOffset, out.length));
    total += out.length;
    at = end + 8;
  } while (at < n);
  const all = new Uint8Array(total);
  let k = 0;
  for (const part of parts) {
    all.set(part, k);
    k += part.length;
  }
  return all;
}
