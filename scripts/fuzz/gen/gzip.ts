/**
 * Cases of the `gzip` target: gzip streams of NIfTI seeds (and of empty and random data) at
 * every level, multi-member, with optional header fields (FEXTRA, FNAME, FCOMMENT, FHCRC), then
 * flipped bytes, truncation, wrong or huge trailers, appended members, zeros or garbage, read
 * whole (`gunzipChecked` with a limit), step by step (`GunzipReader`), or as a prefix
 * (`GunzipReader` with `complete: false`, as `readNiftiHeader` does).
 */
import { deflateSync, gzipSync } from 'fflate';
import type { Corpus } from '../corpus';
import { mutateBytes } from '../mutateBytes';
import type { Rng } from '../rng';
import type { CaseInput } from '../types';

const MAX_BYTES = 4 * 2 ** 20;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A gzip member with a hand-written header (optional fields) around a raw deflate stream. */
function member(rng: Rng, data: Uint8Array): Uint8Array {
  if (rng.chance(0.6)) return gzipSync(data, { level: rng.pick([0, 1, 6, 9]) as 0 | 1 | 6 | 9, mtime: 0 });
  const flags = rng.int(0, 31);
  const head: number[] = [0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255];
  if (flags & 4) {
    const n = rng.int(0, 20);
    head.push(n & 0xff, n >> 8, ...Array.from({ length: rng.chance(0.9) ? n : n + 3 }, () => rng.int(0, 255)));
  }
  if (flags & 8) head.push(...Array.from({ length: rng.int(0, 12) }, () => rng.int(1, 255)), ...(rng.chance(0.9) ? [0] : []));
  if (flags & 16) head.push(...Array.from({ length: rng.int(0, 12) }, () => rng.int(1, 255)), ...(rng.chance(0.9) ? [0] : []));
  if (flags & 2) {
    const c = crc32(Uint8Array.from(head));
    head.push(c & 0xff, (c >> 8) & 0xff);
  }
  const body = deflateSync(data, { level: rng.pick([0, 1, 6, 9]) as 0 | 1 | 6 | 9 });
  const trailer = new Uint8Array(8);
  const v = new DataView(trailer.buffer);
  v.setUint32(0, crc32(data), true);
  v.setUint32(4, data.length >>> 0, true);
  return concat([Uint8Array.from(head), body, trailer]);
}

/** One random case of the gzip target. */
export function generateGzip(rng: Rng, corpus: Corpus): { name: string; input: CaseInput } {
  const source = rng.int(0, 9);
  const data =
    source === 0 ? new Uint8Array(0) : source === 1 ? Uint8Array.from({ length: rng.int(1, 3000) }, () => rng.int(0, 255)) : source === 2 ? new Uint8Array(rng.int(1, 2 ** 20)) : rng.pick(corpus.nifti).nii;
  const notes = [source === 0 ? 'empty' : source === 1 ? 'random data' : source === 2 ? 'zeros' : 'a NIfTI seed'];
  const members = rng.chance(0.25) ? rng.int(2, 4) : 1;
  const cuts = [0, ...Array.from({ length: members - 1 }, () => rng.int(0, data.length)).sort((a, b) => a - b), data.length];
  let bytes = concat(cuts.slice(1).map((end, m) => member(rng, data.subarray(cuts[m], end))));
  if (members > 1) notes.push(`${members} members`);
  const rounds = rng.pick([0, 1, 1, 2, 3]);
  for (let r = 0; r < rounds; r++) {
    const kind = rng.int(0, 7);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (kind === 0 && bytes.length >= 8) {
      v.setUint32(bytes.length - 4, rng.pick([0, 1, 0xffffffff, 0x80000000, (data.length + 1) >>> 0]), true);
      notes.push('ISIZE set');
    } else if (kind === 1 && bytes.length >= 8) {
      v.setUint32(bytes.length - 8, v.getUint32(bytes.length - 8, true) ^ (1 << rng.int(0, 31)), true);
      notes.push('CRC flipped');
    } else if (kind === 2) {
      bytes = concat([bytes, rng.pick([new Uint8Array(rng.int(1, 16)), Uint8Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255)), gzipSync(new Uint8Array(0)), Uint8Array.of(0x1f, 0x8b)])]);
      notes.push('appended bytes');
    } else {
      const m = mutateBytes(rng, bytes, MAX_BYTES);
      bytes = m.bytes;
      notes.push(m.note);
    }
  }
  const mode = rng.pick(['checked', 'checked', 'reader', 'partial']);
  const input: CaseInput = { mode, bytes, maxBytes: rng.pick([64 * 2 ** 20, data.length, data.length + 1, Math.max(1, data.length - 1), rng.int(1, 5000)]) };
  if (mode === 'reader') input.reads = Array.from({ length: rng.int(1, 6) }, () => rng.pick([0, 1, 348, 540, 4096, rng.int(0, data.length + 10)]));
  if (mode === 'partial') {
    input.prefix = rng.int(0, bytes.length);
    input.want = rng.pick([348, 540, 352, rng.int(0, 4096)]);
  }
  return { name: notes.join('; '), input };
}
