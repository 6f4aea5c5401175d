/**
 * NIfTI read and write on byte arrays (no file system): `.nii` and gzipped `.nii.gz`, NIfTI-1 and
 * NIfTI-2, either byte order. The NIfTI voxel order (i fastest) is kept as it is and described as
 * a row-major Volume of shape `[nk, nj, ni]` (`[nt, nk, nj, ni]` for 4-D); the affine is NIfTI's
 * ijk→xyz matrix with its first three columns reversed (see `Volume`).
 */
import type { NumericArray } from '../stitching/types';
import type { Volume } from './volume';
import { columnNorms, det3, reverseSpatialColumns, type Matrix4 } from './affine';
import { GunzipReader, gzipBytes, isGzip } from './gzip';
import {
  encodeNifti1Header,
  NIFTI_HEADER_BYTES,
  niftiVersionOf,
  parseNiftiHeader,
  type NiftiHeaderInfo,
  type ParsedNiftiHeader,
} from './niftiHeader';
import { datatypeOfArray, NIFTI_DATATYPES, type NiftiDatatype, type NiftiDatatypeName } from './niftiDatatypes';
import { formatBytes, maxBytesOption, niftiDataLayout, type NiftiDataLayout, type NiftiLimitOptions } from './niftiLayout';
import { float32Quatern, matrixToQuatern, quaternToMatrix } from './qform';
import { assertVolume } from './layout';
import { describe } from '../util/validate';

export type { NiftiHeaderInfo } from './niftiHeader';
export type { NiftiDatatypeName } from './niftiDatatypes';
export { DEFAULT_MAX_IMAGE_BYTES, type NiftiDataLayout, type NiftiLimitOptions } from './niftiLayout';

/** A Volume read from a NIfTI file, with everything its header said. */
export type NiftiVolume = Volume & { header: NiftiHeaderInfo };

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let p = 0; p + width <= bytes.length; p += width) {
    for (let a = p, b = p + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** A pixdim fit for NIfTI's "method 1" affine: finite and positive, else 1 (mm). */
function usable(p: number): number {
  return Number.isFinite(p) && p > 0 ? p : 1;
}

function isFiniteMatrix(m: Matrix4): boolean {
  return m.slice(0, 3).every((row) => row.every(Number.isFinite)) && Math.abs(det3(m)) > 1e-12;
}

/** Options of `readNifti`. */
export type ReadNiftiOptions = NiftiLimitOptions;

/** Options of `readNiftiHeader`. */
export interface ReadNiftiHeaderOptions extends NiftiLimitOptions {
  /** Whether `bytes` is the whole file (default true); false for its first bytes (a `.nii.gz` is then inflated only as far as its header). */
  complete?: boolean;
}

/** What a NIfTI header says, and where its voxels are (`readNiftiHeader`). */
export interface NiftiHeaderSummary {
  header: ParsedNiftiHeader & { gzipped: boolean };
  layout: NiftiDataLayout;
}

function asBytes(fn: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new TypeError(`${fn}: bytes must be an ArrayBuffer or a Uint8Array, got ${describe(bytes)}`);
}

/**
 * Reads the header at the start of decompressed bytes (from `readBytes`, which fills its
 * argument and returns how many bytes it got): the first 348, and 192 more for NIfTI-2.
 */
function readHead(fn: string, readBytes: (into: Uint8Array) => number): { h: ParsedNiftiHeader; got: number } {
  const head = new Uint8Array(NIFTI_HEADER_BYTES[2]);
  let got = readBytes(head.subarray(0, NIFTI_HEADER_BYTES[1]));
  if (got === NIFTI_HEADER_BYTES[1] && niftiVersionOf(head)?.version === 2) got += readBytes(head.subarray(got));
  return { h: parseNiftiHeader(fn, head.subarray(0, got)), got };
}

function shorter(fn: string, layout: NiftiDataLayout, have: number): RangeError {
  return new RangeError(
    `${fn}: the image data are shorter than the header says: ${layout.dims.join('×')} ${layout.datatype.name} needs ${layout.dataBytes} bytes ` +
      `from offset ${layout.offset}, the file has ${Math.max(0, have)}`,
  );
}

/** A fresh ArrayBuffer of exactly the data's size (the size was checked against the limit already). */
function allocateData(fn: string, layout: NiftiDataLayout): ArrayBuffer {
  try {
    return new ArrayBuffer(layout.dataBytes);
  } catch (e) {
    throw new RangeError(`${fn}: cannot allocate ${formatBytes(layout.dataBytes)} for a ${layout.dims.join('×')} ${layout.datatype.name} image (${(e as Error).message})`);
  }
}

/**
 * Reads a NIfTI header (`.nii`, or `.nii.gz` inflated only as far as the header) and works out
 * where its voxels are, checking their size against the limit — nothing else is inflated or
 * allocated. With `complete: false`, `bytes` may be just the start of the file.
 * @throws `readNiftiHeader: …` as `readNifti` for everything the header alone can tell.
 */
export function readNiftiHeader(bytes: ArrayBuffer | Uint8Array, options: ReadNiftiHeaderOptions = {}): NiftiHeaderSummary {
  const fn = 'readNiftiHeader';
  const u8 = asBytes(fn, bytes);
  const maxBytes = maxBytesOption(fn, options);
  const gzipped = isGzip(u8);
  let readBytes: (into: Uint8Array) => number;
  if (gzipped) {
    const reader = new GunzipReader(fn, u8, { complete: options.complete !== false });
    readBytes = (into) => reader.read(into);
  } else {
    let at = 0;
    readBytes = (into) => {
      const n = Math.min(into.length, u8.length - at);
      into.set(u8.subarray(at, at + n));
      at += n;
      return n;
    };
  }
  const { h } = readHead(fn, readBytes);
  return { header: { ...h, gzipped }, layout: niftiDataLayout(fn, h, maxBytes) };
}

/**
 * Reads a NIfTI-1 or NIfTI-2 single file (`.nii`, or `.nii.gz` recognised by its gzip magic).
 *
 * - Input: an ArrayBuffer, or a Uint8Array (a Node Buffer included) at any byte offset of any
 *   buffer: only the view's own bytes are read, and never kept or modified.
 * - Limit: the bytes reading takes (header + extensions + voxel data, + a float32 copy when
 *   scaled) are checked against `options.maxBytes` (default 2 GiB) from the header alone,
 *   before anything is allocated; a `.nii.gz` is inflated step by step (only its header before
 *   that check), straight into a buffer of the declared size, and refused as soon as it would
 *   inflate past the declared data.
 * - Data: uint8, int8, int16, uint16, int32, uint32, float32, float64 in either byte order, as
 *   the matching typed array (always a fresh copy, on its own ArrayBuffer).
 *   When `scl_slope` is finite, non-zero and the pair is not (1, 0), `stored · slope + inter`
 *   is applied and the data become a Float32Array (`header.scaled`).
 * - Shape: `[nk, nj, ni]`, or `[nt, nk, nj, ni]` for 4-D; trailing dimensions of 1 are dropped
 *   and 1-D/2-D images get extents of 1 (`[1, nj, ni]`); 5-D and higher are refused.
 * - Affine: the sform when sform_code > 0, else the qform when qform_code > 0, else NIfTI's
 *   "method 1" scaling `diag(pixdim)` without offset (`header.affineSource` says which; a
 *   degenerate sform/qform falls through to the next).
 * - Spacing: `[pixdim[3], pixdim[2], pixdim[1]]` (a non-positive or non-finite pixdim is replaced
 *   by the affine's voxel size).
 * @throws `readNifti: …` for a truncated or corrupt gzip stream, one that inflates past the
 *   declared data, bytes that are not NIfTI (bad sizeof_hdr or magic, a .hdr/.img pair header),
 *   non-positive dimensions, unsupported datatypes (named), an image over the limit (its declared
 *   shape, datatype and size, the limit and how to raise it) and data shorter than the header says.
 */
export function readNifti(bytes: ArrayBuffer | Uint8Array, options?: ReadNiftiOptions): NiftiVolume {
  const fn = 'readNifti';
  const u8 = asBytes(fn, bytes);
  const maxBytes = maxBytesOption(fn, options);
  const gzipped = isGzip(u8);
  let h: ParsedNiftiHeader;
  let layout: NiftiDataLayout;
  let body: ArrayBuffer;
  if (gzipped) {
    const reader = new GunzipReader(fn, u8);
    const head = readHead(fn, (into) => {
      const n = reader.read(into);
      if (n < into.length) reader.checkTrailers(); // a header cut short by a truncated stream says so
      return n;
    });
    h = head.h;
    layout = niftiDataLayout(fn, h, maxBytes); // before anything past the header is inflated
    const skip = layout.offset - head.got;
    const short = (have: number) => {
      reader.checkTrailers(); // a stream cut short is "truncated or corrupt", not "short data"
      return shorter(fn, layout, have);
    };
    if (reader.read(skip) < skip) throw short(0);
    body = allocateData(fn, layout);
    const got = reader.read(new Uint8Array(body));
    if (got < layout.dataBytes) throw short(got);
    reader.finish(
      `the gzip stream inflates past the ${layout.dataBytes} bytes of voxel data its header declares ` +
        `(${layout.dims.join('×')} ${layout.datatype.name}): refused (a .nii.gz must end with its data)`,
    );
  } else {
    h = parseNiftiHeader(fn, u8);
    layout = niftiDataLayout(fn, h, maxBytes);
    if (u8.length < layout.offset + layout.dataBytes) throw shorter(fn, layout, u8.length - layout.offset);
    body = allocateData(fn, layout);
    // Copy the view's own bytes: `u8.buffer` may be a larger (pooled) buffer, and a Buffer's slice is a view.
    new Uint8Array(body).set(u8.subarray(layout.offset, layout.offset + layout.dataBytes));
  }
  const dt = layout.datatype;
  if (h.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(new Uint8Array(body), dt.bytes);
  let data: NumericArray = new dt.ctor(body);
  const nvox = layout.voxels;
  const slope = h.sclSlope;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  if (layout.scaled) {
    const out = new Float32Array(nvox);
    for (let v = 0; v < nvox; v++) out[v] = data[v] * slope + inter;
    data = out;
  }

  const pix = h.pixdim;
  const quatern = { ...h.quatern, qfac: pix[0] < 0 ? -1 : 1 };
  const qform = quaternToMatrix(quatern, pix[1], pix[2], pix[3]);
  let affineSource: NiftiHeaderInfo['affineSource'] = 'pixdim';
  let m: Matrix4 = [
    [usable(pix[1]), 0, 0, 0],
    [0, usable(pix[2]), 0, 0],
    [0, 0, usable(pix[3]), 0],
    [0, 0, 0, 1],
  ];
  if (h.sformCode > 0 && isFiniteMatrix(h.sform)) {
    affineSource = 'sform';
    m = h.sform.map((row) => [...row]);
  } else if (h.qformCode > 0 && isFiniteMatrix(qform)) {
    affineSource = 'qform';
    m = qform.map((row) => [...row]);
  }
  const affine = reverseSpatialColumns(m);
  const norms = columnNorms(affine);
  const spacing = [pix[3], pix[2], pix[1]].map((p, k) => (Number.isFinite(p) && p > 0 ? p : norms[k]));

  const header: NiftiHeaderInfo = {
    ...h,
    gzipped,
    scaled: layout.scaled,
    quatern,
    qform,
    affineSource,
    extensionBytes: Math.max(0, layout.offset - NIFTI_HEADER_BYTES[h.version] - 4),
    voxOffset: layout.offset,
  };
  return { data, shape: layout.shape, spacing, affine, header };
}

/** Options of `writeNifti`. */
export interface WriteNiftiOptions {
  /** gzip the output (`.nii.gz`); default true. */
  gzip?: boolean;
  /** Stored datatype; default: the data's own typed array type. */
  datatype?: NiftiDatatypeName;
  /** Header description (80 bytes, ASCII); default `like`'s, else "PatchLens". */
  description?: string;
  /** The header of the image this one belongs to (from `readNifti`): its sform/qform codes, units, description and aux_file are reused. */
  like?: Partial<NiftiHeaderInfo>;
  /** intent_code (a NIFTI_INTENT_* code, e.g. 1001 = ESTIMATE) and intent_name (at most 15 ASCII characters); default 0 and "". */
  intent?: { code: number; name?: string };
}

function fitsDescription(dt: NiftiDatatype): string {
  return dt.integer ? `integers in [${dt.min}, ${dt.max}]` : `finite magnitudes up to ${dt.max}`;
}

/** Throws unless every value of `data` is stored in `dt` without wrapping, truncation or overflow. */
function assertValuesFit(fn: string, data: NumericArray, dt: NiftiDatatype): void {
  const src = datatypeOfArray(data);
  if (dt.name === 'float64') return;
  if (src.integer && dt.integer && src.min >= dt.min && src.max <= dt.max) return;
  if (dt.name === 'float32' && (src.name === 'float32' || (src.integer && src.bytes <= 2))) return;
  const bad = (i: number) =>
    new RangeError(`${fn}: volume.data[${i}] = ${data[i]} does not fit datatype ${dt.name} (${fitsDescription(dt)}); choose another datatype`);
  if (dt.integer) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= dt.min && v <= dt.max) || Math.floor(v) !== v) throw bad(i);
    }
  } else {
    // float32 from float64 (range) or from 32-bit integers (exactness above 2^24)
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (src.integer ? Math.fround(v) !== v : Number.isFinite(v) && Math.abs(v) > dt.max) throw bad(i);
    }
  }
}

/** `options.intent`, checked: an int16 code and a printable ASCII name that intent_name holds. */
function checkIntent(fn: string, intent: WriteNiftiOptions['intent']): { code: number; name?: string } {
  if (intent === undefined) return { code: 0 };
  if (!Number.isInteger(intent?.code) || intent.code < -32768 || intent.code > 32767) {
    throw new RangeError(`${fn}: options.intent.code must be an int16 NIFTI_INTENT_* code, got ${describe(intent?.code)}`);
  }
  if (intent.name !== undefined && !/^[\x20-\x7e]{0,15}$/.test(intent.name)) {
    throw new RangeError(`${fn}: options.intent.name must be at most 15 printable ASCII characters, got ${describe(intent.name)}`);
  }
  return intent;
}

function isMethod1Affine(m: Matrix4, pixdim: number[]): boolean {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const expected = r === c ? pixdim[c] : 0;
      if (Math.abs(m[r][c] - expected) > 1e-6 * Math.max(1, Math.abs(expected))) return false;
    }
  }
  return true;
}

function hasOrthogonalColumns(m: Matrix4): boolean {
  const cols = [0, 1, 2].map((c) => [m[0][c], m[1][c], m[2][c]]);
  const n = columnNorms(m);
  for (let a = 0; a < 3; a++) {
    for (let b = a + 1; b < 3; b++) {
      const dot = cols[a][0] * cols[b][0] + cols[a][1] * cols[b][1] + cols[a][2] * cols[b][2];
      if (Math.abs(dot) > 1e-6 * n[a] * n[b]) return false;
    }
  }
  return true;
}

/**
 * Writes a Volume as a NIfTI-1 single file (`.nii.gz` by default, `.nii` with `gzip: false`),
 * little-endian, data at byte 352, no scaling (slope 1, intercept 0).
 *
 * Geometry: the Volume's affine goes into BOTH the sform (exactly, float32) and the qform
 * (rotation + voxel sizes + offset; a sheared affine is orthogonalised there), and pixdim[1..3]
 * are the affine's voxel sizes (its column norms — the affine, not `volume.spacing`, is
 * authoritative). Codes: without `like`, sform_code = qform_code = 1 (scanner anatomical: the
 * coordinates are the image's own world coordinates, nothing more is claimed). With `like`, its
 * codes are reused, so that an output written "like" its input is interpreted by every viewer
 * with the same transform as the input and overlays it exactly; two exceptions keep the geometry
 * from being lost: a sheared affine gets an sform code when `like` had only a qform, and when
 * `like` had neither (codes 0/0) but the affine is not NIfTI's default `diag(pixdim)`, both
 * codes become 1.
 *
 * 4-D volumes (`[nt, nk, nj, ni]`) are written with dim[4] = nt (pixdim[4] from `like`, else 1).
 * @throws `writeNifti: …` for an invalid volume, an unknown datatype, a dimension over 32767, or
 *   a value that the datatype cannot hold exactly (non-integers or out-of-range values for
 *   integer types, overflow for float32, 32-bit integers above 2²⁴ for float32) — never wraps.
 */
export function writeNifti(volume: Volume, options: WriteNiftiOptions = {}): Uint8Array {
  const fn = 'writeNifti';
  assertVolume(fn, 'volume', volume);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  const dtName = options.datatype ?? datatypeOfArray(volume.data).name;
  if (!Object.prototype.hasOwnProperty.call(NIFTI_DATATYPES, dtName)) {
    throw new RangeError(`${fn}: options.datatype must be one of ${Object.keys(NIFTI_DATATYPES).join(', ')}, got ${describe(dtName)}`);
  }
  const dt = NIFTI_DATATYPES[dtName];
  const shape = volume.shape;
  const [nt, nk, nj, ni] = shape.length === 4 ? shape : [1, ...shape];
  for (const [name, n] of [['ni', ni], ['nj', nj], ['nk', nk], ['nt', nt]] as const) {
    if (n > 32767) throw new RangeError(`${fn}: ${name} = ${n} exceeds NIfTI-1's limit of 32767 voxels per axis`);
  }
  assertValuesFit(fn, volume.data, dt);
  const intent = checkIntent(fn, options.intent);

  const like = options.like;
  const m = reverseSpatialColumns(volume.affine);
  const { quatern: exactQuatern, pixdim } = matrixToQuatern(m);
  const quatern = float32Quatern(exactQuatern);
  const orthogonal = hasOrthogonalColumns(m);
  let sformCode = like ? (like.sformCode ?? 0) : 1;
  let qformCode = like ? (like.qformCode ?? 0) : 1;
  if (!orthogonal && sformCode <= 0 && qformCode > 0) sformCode = qformCode;
  if (sformCode <= 0 && qformCode <= 0 && !isMethod1Affine(m, pixdim)) {
    sformCode = 1;
    qformCode = 1;
  }
  const fourD = shape.length === 4;
  const likePix = like?.pixdim ?? [];
  const header = encodeNifti1Header({
    dim: [fourD ? 4 : 3, ni, nj, nk, nt, 1, 1, 1],
    datatypeCode: dt.code,
    bitpix: dt.bytes * 8,
    pixdim: [quatern.qfac, pixdim[0], pixdim[1], pixdim[2], fourD ? likePix[4] || 1 : 0, 0, 0, 0],
    voxOffset: 352,
    sclSlope: 1,
    sclInter: 0,
    calMin: 0,
    calMax: 0,
    xyztUnits: like?.xyztUnits ?? 2 + 8, // mm and s
    description: options.description ?? like?.description ?? 'PatchLens',
    auxFile: like?.auxFile ?? '',
    qformCode,
    sformCode,
    quatern,
    sform: m,
    intentCode: intent.code,
    intentName: intent.name ?? '',
    intentParams: [0, 0, 0],
    dimInfo: 0,
    sliceCode: 0,
    sliceStart: 0,
    sliceEnd: 0,
    sliceDuration: 0,
    toffset: 0,
  });
  const out = new Uint8Array(header.length + volume.data.length * dt.bytes);
  out.set(header);
  const body = new dt.ctor(out.buffer, header.length, volume.data.length);
  body.set(volume.data);
  if (!HOST_LITTLE_ENDIAN) swapBytes(out.subarray(header.length), dt.bytes);
  return options.gzip === false ? out : gzipBytes(out);
}
