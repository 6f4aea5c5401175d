/**
 * gzip on byte arrays (fflate), with the integrity checks fflate's one-shot helpers skip: every
 * member's CRC-32 and length are verified, so a truncated or corrupt `.nii.gz` is an error
 * instead of silently short data.
 */
import { Gunzip, gzipSync } from 'fflate';

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as gzip) of a byte range. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function readUint32LE(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/**
 * Decompresses a (single- or multi-member) gzip stream and verifies each member's trailer
 * (CRC-32 and length mod 2³²).
 * @param fn the calling function's name, for the error message.
 * @throws `${fn}: the gzip stream is truncated or corrupt (…)`.
 */
export function gunzipChecked(fn: string, bytes: Uint8Array): Uint8Array {
  const corrupt = (why: string) => new Error(`${fn}: the gzip stream is truncated or corrupt (${why})`);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  const memberStarts: number[] = [0]; // compressed offsets of the members
  const memberOutputStarts: number[] = [0]; // decompressed offsets of the members
  const g = new Gunzip((chunk) => {
    chunks.push(chunk);
    produced += chunk.length;
  });
  g.onmember = (offset: number) => {
    memberStarts.push(offset);
    memberOutputStarts.push(produced);
  };
  try {
    g.push(bytes, true);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  const out = chunks.length === 1 ? chunks[0] : new Uint8Array(produced);
  if (chunks.length !== 1) {
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
  }
  for (let m = 0; m < memberStarts.length; m++) {
    const trailerEnd = m + 1 < memberStarts.length ? memberStarts[m + 1] : bytes.length;
    const outStart = memberOutputStarts[m];
    const outEnd = m + 1 < memberOutputStarts.length ? memberOutputStarts[m + 1] : produced;
    if (trailerEnd - 8 < memberStarts[m] + 10) throw corrupt(`member ${m + 1} has no trailer`);
    const size = readUint32LE(bytes, trailerEnd - 4);
    if (size !== (outEnd - outStart) >>> 0) {
      throw corrupt(`member ${m + 1} inflates to ${outEnd - outStart} bytes but its trailer says ${size}`);
    }
    if (readUint32LE(bytes, trailerEnd - 8) !== crc32(out, outStart, outEnd)) throw corrupt(`member ${m + 1} fails its CRC-32 check`);
  }
  return out;
}

/** gzip-compresses bytes (deterministic: no file name, modification time 0). */
export function gzipBytes(bytes: Uint8Array, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return gzipSync(bytes, { level, mtime: 0 });
}
