/**
 * Cases of the `nifti` target: seed files with mutated header fields (dims, datatype, bitpix,
 * vox_offset, pixdim, sform/qform, scl_slope, magic, sizeof_hdr, …), consistent reshapes (so that
 * many mutants are valid files whose voxels the oracle can check), and mutated bodies (truncated,
 * extended, spliced), read as `.nii` or `.nii.gz` (the gzip stream mutated too, sometimes) from a
 * Buffer, a view at an offset and an ArrayBuffer, with small `maxBytes` limits.
 */
import { gzipSync } from 'fflate';
import type { Corpus } from '../corpus';
import { INTERESTING_FLOATS, INTERESTING_INT64, INTERESTING_INTS, mutateBytes } from '../mutateBytes';
import { DATATYPES, NIFTI1_FIELDS, NIFTI2_FIELDS, writeField, type NiftiField } from '../niftiFields';
import { expectNifti } from '../niftiOracle';
import type { Rng } from '../rng';
import type { CaseInput } from '../types';

/** The largest file a case reads: 4 MiB (mutants stay small; the limit is what is fuzzed, not the RAM). */
export const NIFTI_MAX_CASE_BYTES = 4 * 2 ** 20;

const WIDTH: Record<NiftiField['type'], number> = { i8: 1, u8: 1, text: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8 };

/** Version and byte order from sizeof_hdr (null when it is neither 348 nor 540). */
function layoutOf(bytes: Uint8Array): { version: 1 | 2; le: boolean } | null {
  if (bytes.length < 4) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const le of [true, false]) {
    const size = v.getInt32(0, le);
    if (size === 348) return { version: 1, le };
    if (size === 540) return { version: 2, le };
  }
  return null;
}

/** Sets one header field (one entry of it) to an interesting value. */
function mutateField(rng: Rng, bytes: Uint8Array): string {
  const layout = layoutOf(bytes);
  if (!layout) return 'no header';
  const fields = layout.version === 1 ? NIFTI1_FIELDS : NIFTI2_FIELDS;
  const field = rng.pick(fields);
  const k = rng.int(0, field.count - 1);
  const at = field.at + k * WIDTH[field.type];
  if (at + WIDTH[field.type] > bytes.length) return `${field.name} beyond the end`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = rng.chance(0.9) ? layout.le : !layout.le;
  let value: number | bigint;
  if (field.type === 'text') {
    if (field.name === 'magic' && rng.chance(0.6)) {
      const magic = rng.pick(['ni1\0', 'n+2\0', 'n+1\0', 'n+1 ', '\0\0\0\0', 'ni2\0\r\n\x1a\n', 'n+2\0\r\n\x1a\0', 'n+1\0\r\n\x1a\n']);
      [...magic].slice(0, field.count).forEach((c, i) => (bytes[field.at + i] = c.charCodeAt(0)));
      return `magic ${JSON.stringify(magic)}`;
    }
    value = rng.pick([0, 0x20, 0x41, 0xff, rng.int(0, 255)]);
  } else if (field.type === 'i64') {
    value = rng.chance(0.6) ? rng.pick(INTERESTING_INT64) : BigInt(rng.int(-4, 600));
  } else if (field.type === 'f32' || field.type === 'f64') {
    value = rng.chance(0.7) ? rng.pick(INTERESTING_FLOATS) : (rng.next() - 0.5) * 10 ** rng.int(-3, 6);
  } else if (field.name === 'datatype') {
    value = rng.pick([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304, -1, rng.int(-5, 3000)]);
  } else {
    value = rng.chance(0.6) ? rng.pick(INTERESTING_INTS) : rng.int(-3, 12);
  }
  writeField(view, at, field.type, le, value);
  return `${field.name}[${k}] = ${String(value)}${le === layout.le ? '' : ' (other byte order)'}`;
}

/** Changes dim (and sometimes the datatype) to a shape the body can still hold: a valid file the oracle checks voxel by voxel. */
function reshape(rng: Rng, bytes: Uint8Array): string {
  const layout = layoutOf(bytes);
  if (!layout) return 'no header';
  const e = expectNifti(bytes, Infinity, bytes.length);
  if (!('accept' in e)) return 'not a valid file';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const v2 = layout.version === 2;
  let datatype = e.accept.datatype;
  if (rng.chance(0.4)) {
    datatype = rng.pick(Object.keys(DATATYPES).map(Number));
    view.setInt16(v2 ? 12 : 70, datatype, layout.le);
    view.setInt16(v2 ? 14 : 72, DATATYPES[datatype].bytes * 8, layout.le);
  }
  const room = Math.floor((bytes.length - e.accept.offset) / DATATYPES[datatype].bytes);
  const ndim = rng.int(1, 5);
  const dims: number[] = [];
  let left = Math.max(1, room);
  for (let d = 0; d < ndim; d++) {
    const x = d >= 3 && rng.chance(0.5) ? 1 : rng.int(1, Math.max(1, Math.min(left, 12)));
    dims.push(x);
    left = Math.max(1, Math.floor(left / x));
  }
  const all = [ndim, ...dims, ...new Array(7 - ndim).fill(rng.pick([0, 1, -1, 7]))];
  all.forEach((d, k) => (v2 ? view.setBigInt64(16 + 8 * k, BigInt(d), layout.le) : view.setInt16(40 + 2 * k, d, layout.le)));
  return `reshaped to dim ${all.join(',')} dt${datatype}`;
}

/** Moves vox_offset (to 0, inside the header, a 16-byte step, the end, past the end). */
function moveOffset(rng: Rng, bytes: Uint8Array): string {
  const layout = layoutOf(bytes);
  if (!layout) return 'no header';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = layout.version === 1 ? 348 : 540;
  const value = rng.pick([0, 1, header - 1, header, header + 4, header + 16, header + 20, bytes.length, bytes.length + 1, 2 ** 31, -header, 352.5]);
  if (layout.version === 1) view.setFloat32(108, value, layout.le);
  else view.setBigInt64(168, BigInt(Math.trunc(value)), layout.le);
  return `vox_offset = ${value}`;
}

/** One random case of the nifti target. */
export function generateNifti(rng: Rng, corpus: Corpus): { name: string; input: CaseInput } {
  const big = rng.chance(0.02);
  const seed = big ? { nii: corpus.demoNii, note: 'demo T1' } : rng.pick(corpus.nifti);
  const notes = [seed.note];
  let bytes: Uint8Array = seed.nii.slice();
  const rounds = rng.pick([0, 1, 1, 1, 2, 2, 3, 5]);
  for (let r = 0; r < rounds; r++) {
    const kind = rng.int(0, 9);
    try {
      if (kind <= 3) notes.push(mutateField(rng, bytes));
      else if (kind <= 5) notes.push(reshape(rng, bytes));
      else if (kind === 6) notes.push(moveOffset(rng, bytes));
      else {
        const m = mutateBytes(rng, bytes, NIFTI_MAX_CASE_BYTES, rng.pick(corpus.nifti).nii);
        bytes = m.bytes;
        notes.push(m.note);
      }
    } catch {
      notes.push('a mutation past the end'); // an earlier truncation left no room for this field
    }
  }
  const gz = rng.chance(0.4);
  if (gz) {
    bytes = gzipSync(bytes, { level: rng.pick([0, 1, 6, 9]) as 0 | 1 | 6 | 9, mtime: 0 });
    notes.push('gzipped');
    if (rng.chance(0.25)) {
      const m = mutateBytes(rng, bytes, NIFTI_MAX_CASE_BYTES);
      bytes = m.bytes;
      notes.push(`gzip stream: ${m.note}`);
    }
  }
  const e = gz ? null : expectNifti(bytes, Infinity, bytes.length);
  const exact = e && 'accept' in e ? e.accept.decodedBytes : null;
  const maxBytes = rng.pick([16 * 2 ** 20, 16 * 2 ** 20, 2 ** 20, rng.int(1, 20_000), ...(exact ? [exact, exact - 1] : [])]);
  const mode = rng.chance(0.15) ? 'header' : 'read';
  const input: CaseInput = { mode, bytes, viewOffset: rng.int(0, 40), maxBytes, alsoGzip: !gz && rng.chance(0.35) };
  if (mode === 'header') input.prefix = rng.pick([bytes.length, 348, 352, 540, 544, rng.int(0, bytes.length)]);
  return { name: notes.join('; '), input };
}
