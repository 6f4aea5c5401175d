/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: parsing (either byte order; nifti-reader-js
 * for the fields it reads right) and writing a little-endian NIfTI-1 single-file (`n+1`) header.
 * Field layout as nifti1.h / nifti2.h.
 */
import type { Matrix4 } from './affine';
import type { QuaternParams } from './qform';
import { isNIFTI1, isNIFTI2, NIFTI1, NIFTI2 } from 'nifti-reader-js';

/** Everything a NIfTI header says, as read (and what `writeNifti`'s `like` option takes). */
export interface NiftiHeaderInfo {
  /** 1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540-byte header). */
  version: 1 | 2;
  /** Byte order of the file. */
  littleEndian: boolean;
  /** Whether the file was gzip-compressed. */
  gzipped: boolean;
  /** NIfTI datatype code of the stored data (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, 768 uint32). */
  datatypeCode: number;
  /** Bits per voxel as stored in the header. */
  bitpix: number;
  /** `dim[0..7]` as stored (dim[0] = number of dimensions, dim[1] = ni fastest). */
  dim: number[];
  /** `pixdim[0..7]` as stored (pixdim[0] = qfac, pixdim[1..3] = voxel sizes of i, j, k). */
  pixdim: number[];
  /** Byte offset of the voxel data. */
  voxOffset: number;
  /** Bytes of header extensions after the 4-byte extension flag, before the data (0 when none). */
  extensionBytes: number;
  /** Intensity scaling `value = stored · slope + inter` (not applied when slope is 0 or the pair is (1, 0)). */
  sclSlope: number;
  sclInter: number;
  /** Whether `readNifti` applied the scaling (the data are then Float32Array). */
  scaled: boolean;
  calMin: number;
  calMax: number;
  /** qform_code / sform_code (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI-152, 5 template). */
  qformCode: number;
  sformCode: number;
  /** qform parameters (quatern_b/c/d, qoffset_x/y/z, qfac = pixdim[0]). */
  quatern: QuaternParams;
  /** ijk→xyz matrix of the qform (NIfTI order, columns i, j, k), whatever qformCode says. */
  qform: Matrix4;
  /** ijk→xyz matrix of the sform (srow_x/y/z), whatever sformCode says. */
  sform: Matrix4;
  /** Which transform the Volume's affine came from: sform (sform_code > 0), qform (qform_code > 0), or the pixdim scaling (neither). */
  affineSource: 'sform' | 'qform' | 'pixdim';
  description: string;
  auxFile: string;
  intentCode: number;
  intentName: string;
  intentParams: [number, number, number];
  /** Units: bits 0–2 space (1 m, 2 mm, 3 µm), bits 3–5 time (8 s, 16 ms, 24 µs). */
  xyztUnits: number;
  dimInfo: number;
  sliceCode: number;
  sliceStart: number;
  sliceEnd: number;
  sliceDuration: number;
  toffset: number;
}

/** The header fields that depend only on the bytes (what `parseNiftiHeader` returns). */
export type ParsedNiftiHeader = Omit<NiftiHeaderInfo, 'gzipped' | 'scaled' | 'affineSource' | 'qform'>;

/** The header's sizes: NIfTI-1 348 bytes, NIfTI-2 540 bytes (each followed by a 4-byte extension flag). */
export const NIFTI_HEADER_BYTES: Readonly<Record<1 | 2, number>> = { 1: 348, 2: 540 };

/**
 * A NUL-terminated header string. Ours, not nifti-reader-js's `getStringAt`: that one skips NULs
 * instead of stopping at the first, so whatever a writer left after the terminator would be
 * appended to the description.
 */
function latin1(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * The NIfTI version and byte order from sizeof_hdr (348 or 540, in either byte order), or null.
 * nifti-reader-js tells NIfTI-1 from NIfTI-2 by the magic only.
 */
export function niftiVersionOf(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  if (le === 348 || be === 348) return { version: 1, littleEndian: le === 348 };
  if (le === 540 || be === 540) return { version: 2, littleEndian: le === 540 };
  return null;
}

/**
 * Parses a NIfTI-1 or NIfTI-2 header from the start of (already decompressed) bytes.
 *
 * The fields come from nifti-reader-js (`NIFTI1` / `NIFTI2`, which also works out the byte
 * order) and its magic checks (`isNIFTI1` / `isNIFTI2`, with and without .hdr/.img pairs). It
 * lacks some things, which are done here:
 * - telling NIfTI-1 from NIfTI-2 by sizeof_hdr and naming what is wrong (a bad sizeof_hdr, an
 *   Analyze magic, a .hdr/.img pair, a truncated NIfTI-2 header);
 * - NIfTI-2's 64-bit integers (dim, vox_offset, slice_start, slice_end): its `getInt64At` gets
 *   negative values wrong in both byte orders (−2 reads as −1.8e19 little-endian, −4294967296
 *   big-endian), big-endian values with the low word ≥ 2³¹ wrong, and rounds values above 2⁵³
 *   silently; here they are read as BigInt and refused when not exactly representable;
 * - NIfTI-1's srow_x/y/z: its `affine` is the qform whenever qform_code > sform_code, and the
 *   srows are not kept anywhere, but `readNifti` prefers the sform whenever sform_code > 0;
 * - the strings (NUL-terminated, see `latin1`); the qform matrix is built in `qform.ts` (its
 *   `quatern_a` is NaN when float32 rounding puts b² + c² + d² just above 1).
 * Only the header itself is handed to nifti-reader-js (a copy of its 348 or 540 bytes): it reads
 * from byte 0 of the ArrayBuffer it gets, and without the bytes after the header it parses no
 * extensions (PatchLens skips them, so a malformed extension cannot fail the image).
 * @param fn the calling function's name, for error messages.
 * @throws when the bytes are not a single-file NIfTI header.
 */
export function parseNiftiHeader(fn: string, bytes: Uint8Array): ParsedNiftiHeader {
  if (bytes.length < 348) throw new Error(`${fn}: not a NIfTI file (${bytes.length} bytes, shorter than a NIfTI-1 header)`);
  const found = niftiVersionOf(bytes);
  if (!found) {
    const sizeLE = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
    throw new Error(`${fn}: not a NIfTI file (sizeof_hdr is ${sizeLE}, expected 348 for NIfTI-1 or 540 for NIfTI-2)`);
  }
  const { version } = found;
  const size = NIFTI_HEADER_BYTES[version];
  if (bytes.length < size) throw new Error(`${fn}: the NIfTI-2 header is truncated (${bytes.length} of 540 bytes)`);
  const own = new Uint8Array(size);
  own.set(bytes.subarray(0, size));
  const ab = own.buffer;
  const isSingle = version === 1 ? isNIFTI1 : isNIFTI2;
  if (!isSingle(ab)) {
    const pair = version === 1 ? 'ni1' : 'ni2';
    if (isSingle(ab, true)) throw new Error(`${fn}: this is the header of a .hdr/.img pair (magic "${pair}"); its voxel data are in a separate file`);
    const magic = version === 1 ? latin1(own, 344, 4) : latin1(own, 4, 4);
    throw new Error(`${fn}: not a NIfTI file (magic ${JSON.stringify(magic)}, expected "${version === 1 ? 'n+1' : 'n+2'}"; an Analyze 7.5 header?)`);
  }
  // nifti-reader-js looks at the first three bytes of the magic only; the standard's magic is
  // "n+1\0" (NIfTI-1) and "n+2\0\r\n\x1a\n" (NIfTI-2, whose last four bytes catch a file
  // damaged by a text-mode transfer), as nibabel checks them.
  const expected = version === 1 ? [0x6e, 0x2b, 0x31, 0] : [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a];
  const at = version === 1 ? 344 : 4;
  if (expected.some((b, i) => own[at + i] !== b)) {
    const magic = latin1Raw(own, at, expected.length);
    throw new Error(`${fn}: not a valid NIfTI-${version} file: its magic is ${JSON.stringify(magic)}, expected ${JSON.stringify(String.fromCharCode(...expected))}${version === 2 ? ' (a damaged transfer, e.g. in text mode?)' : ''}`);
  }
  const h = version === 1 ? new NIFTI1() : new NIFTI2();
  h.readHeader(ab);
  const le = h.littleEndian;
  const view = new DataView(ab);
  const common = {
    version,
    littleEndian: le,
    datatypeCode: h.datatypeCode,
    bitpix: h.numBitsPerVoxel,
    intentParams: [h.intent_p1, h.intent_p2, h.intent_p3] as [number, number, number],
    intentCode: h.intent_code,
    pixdim: [...h.pixDims],
    sclSlope: h.scl_slope,
    sclInter: h.scl_inter,
    calMax: h.cal_max,
    calMin: h.cal_min,
    sliceDuration: h.slice_duration,
    toffset: h.toffset,
    sliceCode: h.slice_code,
    xyztUnits: h.xyzt_units,
    dimInfo: h.dim_info,
    qformCode: h.qform_code,
    sformCode: h.sform_code,
    quatern: { b: h.quatern_b, c: h.quatern_c, d: h.quatern_d, x: h.qoffset_x, y: h.qoffset_y, z: h.qoffset_z, qfac: 1 },
    extensionBytes: 0,
  };
  if (version === 1) {
    const f32 = (at: number) => view.getFloat32(at, le);
    const srow = (at: number) => [f32(at), f32(at + 4), f32(at + 8), f32(at + 12)];
    return {
      ...common,
      dim: [...h.dims],
      voxOffset: h.vox_offset,
      sliceStart: h.slice_start,
      sliceEnd: h.slice_end,
      description: latin1(own, 148, 80),
      auxFile: latin1(own, 228, 24),
      sform: [srow(280), srow(296), srow(312), [0, 0, 0, 1]],
      intentName: latin1(own, 328, 16),
    };
  }
  const i64 = (at: number) => {
    const v = view.getBigInt64(at, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`${fn}: a 64-bit header field at byte ${at} (${v}) is out of range`);
    }
    return Number(v);
  };
  return {
    ...common,
    dim: Array.from({ length: 8 }, (_, k) => i64(16 + 8 * k)),
    voxOffset: i64(168),
    sliceStart: i64(224),
    sliceEnd: i64(232),
    description: latin1(own, 240, 80),
    auxFile: latin1(own, 320, 24),
    sform: [...h.affine.slice(0, 3).map((row) => [...row]), [0, 0, 0, 1]],
    intentName: latin1(own, 508, 16),
  };
}

/** The fields `encodeNifti1Header` writes. */
export interface Nifti1HeaderFields {
  dim: number[];
  datatypeCode: number;
  bitpix: number;
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  xyztUnits: number;
  description: string;
  auxFile: string;
  qformCode: number;
  sformCode: number;
  quatern: QuaternParams;
  sform: readonly (readonly number[])[];
  intentCode: number;
  intentName: string;
  intentParams: readonly number[];
  dimInfo: number;
  sliceCode: number;
  sliceStart: number;
  sliceEnd: number;
  sliceDuration: number;
  toffset: number;
}

function writeAscii(bytes: Uint8Array, at: number, text: string, size: number): void {
  // at most size − 1 characters (NUL-terminated); non-ASCII characters become '?'
  for (let k = 0; k < Math.min(text.length, size - 1); k++) {
    const code = text.charCodeAt(k);
    bytes[at + k] = code >= 0x20 && code < 0x7f ? code : 0x3f;
  }
}

/** Writes a little-endian NIfTI-1 single-file header (348 bytes + 4 zero extension bytes). */
export function encodeNifti1Header(h: Nifti1HeaderFields): Uint8Array {
  const bytes = new Uint8Array(352);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i16 = (at: number, v: number) => view.setInt16(at, v, true);
  const f32 = (at: number, v: number) => view.setFloat32(at, v, true);
  view.setInt32(0, 348, true);
  bytes[38] = 0x72; // regular = 'r'
  bytes[39] = h.dimInfo;
  h.dim.forEach((v, k) => i16(40 + 2 * k, v));
  f32(56, h.intentParams[0]);
  f32(60, h.intentParams[1]);
  f32(64, h.intentParams[2]);
  i16(68, h.intentCode);
  i16(70, h.datatypeCode);
  i16(72, h.bitpix);
  i16(74, h.sliceStart);
  h.pixdim.forEach((v, k) => f32(76 + 4 * k, v));
  f32(108, h.voxOffset);
  f32(112, h.sclSlope);
  f32(116, h.sclInter);
  i16(120, h.sliceEnd);
  bytes[122] = h.sliceCode;
  bytes[123] = h.xyztUnits;
  f32(124, h.calMax);
  f32(128, h.calMin);
  f32(132, h.sliceDuration);
  f32(136, h.toffset);
  writeAscii(bytes, 148, h.description, 80);
  writeAscii(bytes, 228, h.auxFile, 24);
  i16(252, h.qformCode);
  i16(254, h.sformCode);
  const q = h.quatern;
  [q.b, q.c, q.d, q.x, q.y, q.z].forEach((v, k) => f32(256 + 4 * k, v));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) f32(280 + 16 * r + 4 * c, h.sform[r][c]);
  writeAscii(bytes, 328, h.intentName, 16);
  bytes.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  return bytes;
}

/** Bytes as Latin-1 characters, NULs included (for messages). */
function latin1Raw(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}
