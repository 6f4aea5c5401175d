/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: parsing (either byte order) and writing a
 * little-endian NIfTI-1 single-file (`n+1`) header. Field layout as nifti1.h / nifti2.h.
 */
import type { Matrix4 } from './affine';
import type { QuaternParams } from './qform';

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

function latin1(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * Parses a NIfTI-1 or NIfTI-2 header from the start of (already decompressed) bytes.
 * @param fn the calling function's name, for error messages.
 * @throws when the bytes are not a single-file NIfTI header.
 */
export function parseNiftiHeader(fn: string, bytes: Uint8Array): ParsedNiftiHeader {
  if (bytes.length < 348) throw new Error(`${fn}: not a NIfTI file (${bytes.length} bytes, shorter than a NIfTI-1 header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizeLE = view.getInt32(0, true);
  const sizeBE = view.getInt32(0, false);
  let version: 1 | 2;
  let le: boolean;
  if (sizeLE === 348 || sizeBE === 348) {
    version = 1;
    le = sizeLE === 348;
  } else if (sizeLE === 540 || sizeBE === 540) {
    version = 2;
    le = sizeLE === 540;
  } else {
    throw new Error(`${fn}: not a NIfTI file (sizeof_hdr is ${sizeLE}, expected 348 for NIfTI-1 or 540 for NIfTI-2)`);
  }
  if (version === 2 && bytes.length < 540) throw new Error(`${fn}: the NIfTI-2 header is truncated (${bytes.length} of 540 bytes)`);
  const magic = version === 1 ? latin1(bytes, 344, 4) : latin1(bytes, 4, 4);
  const single = version === 1 ? 'n+1' : 'n+2';
  const pair = version === 1 ? 'ni1' : 'ni2';
  if (magic === pair) {
    throw new Error(`${fn}: this is the header of a .hdr/.img pair (magic "${pair}"); its voxel data are in a separate file`);
  }
  if (magic !== single) {
    throw new Error(`${fn}: not a NIfTI file (magic ${JSON.stringify(magic)}, expected "${single}"; an Analyze 7.5 header?)`);
  }
  const i16 = (at: number) => view.getInt16(at, le);
  const i32 = (at: number) => view.getInt32(at, le);
  const f32 = (at: number) => view.getFloat32(at, le);
  const f64 = (at: number) => view.getFloat64(at, le);
  const i64 = (at: number) => {
    const v = view.getBigInt64(at, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`${fn}: a 64-bit header field at byte ${at} (${v}) is out of range`);
    }
    return Number(v);
  };
  if (version === 1) {
    const srow = (at: number) => [f32(at), f32(at + 4), f32(at + 8), f32(at + 12)];
    return {
      version,
      littleEndian: le,
      dimInfo: bytes[39],
      dim: Array.from({ length: 8 }, (_, k) => i16(40 + 2 * k)),
      intentParams: [f32(56), f32(60), f32(64)],
      intentCode: i16(68),
      datatypeCode: i16(70),
      bitpix: i16(72),
      sliceStart: i16(74),
      pixdim: Array.from({ length: 8 }, (_, k) => f32(76 + 4 * k)),
      voxOffset: f32(108),
      sclSlope: f32(112),
      sclInter: f32(116),
      sliceEnd: i16(120),
      sliceCode: bytes[122],
      xyztUnits: bytes[123],
      calMax: f32(124),
      calMin: f32(128),
      sliceDuration: f32(132),
      toffset: f32(136),
      description: latin1(bytes, 148, 80),
      auxFile: latin1(bytes, 228, 24),
      qformCode: i16(252),
      sformCode: i16(254),
      quatern: { b: f32(256), c: f32(260), d: f32(264), x: f32(268), y: f32(272), z: f32(276), qfac: 1 },
      sform: [srow(280), srow(296), srow(312), [0, 0, 0, 1]],
      intentName: latin1(bytes, 328, 16),
      extensionBytes: 0,
    };
  }
  const srow = (at: number) => [f64(at), f64(at + 8), f64(at + 16), f64(at + 24)];
  return {
    version,
    littleEndian: le,
    datatypeCode: i16(12),
    bitpix: i16(14),
    dim: Array.from({ length: 8 }, (_, k) => i64(16 + 8 * k)),
    intentParams: [f64(80), f64(88), f64(96)],
    pixdim: Array.from({ length: 8 }, (_, k) => f64(104 + 8 * k)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    sliceDuration: f64(208),
    toffset: f64(216),
    sliceStart: i64(224),
    sliceEnd: i64(232),
    description: latin1(bytes, 240, 80),
    auxFile: latin1(bytes, 320, 24),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: { b: f64(352), c: f64(360), d: f64(368), x: f64(376), y: f64(384), z: f64(392), qfac: 1 },
    sform: [srow(400), srow(432), srow(464), [0, 0, 0, 1]],
    sliceCode: i32(496),
    xyztUnits: i32(500),
    intentCode: i32(504),
    intentName: latin1(bytes, 508, 16),
    dimInfo: bytes[524],
    extensionBytes: 0,
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
  const view = new DataView(bytes.buffer);
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
