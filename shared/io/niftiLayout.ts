/**
 * Where a NIfTI file's voxels are and how many bytes reading them takes, worked out from the
 * header alone, and the limit on that size, checked before anything is allocated or inflated.
 */
import type { ParsedNiftiHeader } from './niftiHeader';
import { NIFTI_HEADER_BYTES } from './niftiHeader';
import { datatypeByCode, NIFTI_DATATYPES, UNSUPPORTED_DATATYPE_NAMES, type NiftiDatatype } from './niftiDatatypes';
import { describe } from '../util/validate';

/** The default limit on the bytes reading one image takes: 2 GiB. */
export const DEFAULT_MAX_IMAGE_BYTES = 2 * 1024 ** 3;

/** Where a NIfTI file's voxels are, and what reading them costs. */
export interface NiftiDataLayout {
  /** Extents as stored, NIfTI order (i fastest), trailing 1s dropped, padded to three: `[ni, nj, nk]` or `[ni, nj, nk, nt]`. */
  dims: number[];
  /** The Volume shape: `[nk, nj, ni]`, or `[nt, nk, nj, ni]` for 4-D. */
  shape: number[];
  datatype: NiftiDatatype;
  /** Voxels (all frames). */
  voxels: number;
  /** Byte offset of the voxel data (vox_offset, or header + 4 when it is 0 or garbage). */
  offset: number;
  /** Bytes of voxel data. */
  dataBytes: number;
  /** Whether scl_slope / scl_inter will be applied (then a Float32Array copy is made). */
  scaled: boolean;
  /**
   * Bytes reading the image takes: the decoded file up to the end of its data (header,
   * extensions, voxels) plus the float32 copy when the data are scaled.
   */
  decodedBytes: number;
}

/** Options of the NIfTI readers. */
export interface NiftiLimitOptions {
  /**
   * The most bytes reading one image may take (header + extensions + voxel data, + a float32 copy
   * when scl_slope applies), checked against the header before anything is allocated or
   * inflated. Default {@link DEFAULT_MAX_IMAGE_BYTES} (2 GiB).
   */
  maxBytes?: number;
}

/** `n` bytes for people: 4 GiB, 1.5 MiB, 352 bytes. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${n} bytes`;
  return `${Number(v.toPrecision(v >= 100 ? 4 : 3))} ${units[u]}`;
}

/** The limit option, checked: a positive finite number (default 2 GiB). */
export function maxBytesOption(fn: string, options: NiftiLimitOptions | undefined): number {
  if (options === undefined) return DEFAULT_MAX_IMAGE_BYTES;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  const max = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0) {
    throw new RangeError(`${fn}: options.maxBytes must be a positive finite number of bytes, got ${describe(max)}`);
  }
  return max;
}

/**
 * Works out where the voxels of a file with header `h` are and what reading them costs, and
 * refuses a file whose reading would take more than `maxBytes` — from the header alone, before
 * anything is allocated or inflated.
 * @throws `${fn}: …` for a corrupt dim, 5-D and higher images, unsupported datatypes (named),
 *   and for an image over the limit (its declared shape, datatype and bytes, the limit and how to
 *   raise it).
 */
export function niftiDataLayout(fn: string, h: ParsedNiftiHeader, maxBytes: number = DEFAULT_MAX_IMAGE_BYTES): NiftiDataLayout {
  const ndim = h.dim[0];
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) throw new RangeError(`${fn}: dim[0] must be in 1..7, got ${ndim} (corrupt header)`);
  const dims = h.dim.slice(1, ndim + 1);
  dims.forEach((d, k) => {
    if (!(d >= 1)) throw new RangeError(`${fn}: dim[${k + 1}] must be positive, got ${d}`);
  });
  while (dims.length > 3 && dims[dims.length - 1] === 1) dims.pop();
  if (dims.length > 4) throw new RangeError(`${fn}: ${dims.length}-D images are not supported (dim ${describe(h.dim)})`);
  while (dims.length < 3) dims.push(1);
  const [ni, nj, nk] = dims;
  const nt = dims.length === 4 ? dims[3] : 1;

  const datatype = datatypeByCode(h.datatypeCode);
  if (!datatype) {
    const name = UNSUPPORTED_DATATYPE_NAMES[h.datatypeCode] ?? `code ${h.datatypeCode}`;
    throw new TypeError(`${fn}: unsupported datatype ${name} (supported: ${Object.keys(NIFTI_DATATYPES).join(', ')})`);
  }

  const headerSize = NIFTI_HEADER_BYTES[h.version];
  let offset = Math.floor(h.voxOffset);
  if (!(offset >= headerSize)) offset = headerSize + 4; // vox_offset 0 (or garbage) in a single file: data follow the extension flag
  const voxels = ni * nj * nk * nt;
  const dataBytes = voxels * datatype.bytes;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  const scaled = Number.isFinite(h.sclSlope) && h.sclSlope !== 0 && !(h.sclSlope === 1 && inter === 0);
  const decodedBytes = offset + dataBytes + (scaled ? voxels * 4 : 0);
  if (!(decodedBytes <= maxBytes)) {
    const scaledPart = scaled ? ` + ${formatBytes(voxels * 4)} for the float32 copy scl_slope asks for` : '';
    throw new RangeError(
      `${fn}: the header declares a ${dims.join('×')} ${datatype.name} image: ${formatBytes(dataBytes)} of voxel data ` +
        `+ ${formatBytes(offset)} of header and extensions${scaledPart} = ${decodedBytes} bytes, over the limit of ` +
        `${formatBytes(maxBytes)} (${maxBytes} bytes); if the image is real, raise the limit (maxBytes; CLI: --max-image-gib <n>)`,
    );
  }
  return { dims, shape: nt > 1 ? [nt, nk, nj, ni] : [nk, nj, ni], datatype, voxels, offset, dataBytes, scaled, decodedBytes };
}
