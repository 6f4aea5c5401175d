/**
 * What `readNifti` must do with given (decompressed) bytes, worked out independently of
 * shared/io from the byte layout (`niftiFields.ts`) and the reader's documented rules: whether
 * the file must be refused, and otherwise the shape, where the voxels are and what each voxel's
 * value is. The fuzzer compares every accepted result with this.
 */
import { DATATYPES } from './niftiFields';

/** The reader's documented default limit (2 GiB). */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** An image the reader must accept, as the oracle sees it. */
export interface NiftiExpectation {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[1..dim[0]] as stored. */
  storedDims: number[];
  /** The Volume shape the reader must give (`[nk, nj, ni]` or `[nt, nk, nj, ni]`). */
  shape: number[];
  datatype: number;
  offset: number;
  voxels: number;
  dataBytes: number;
  scaled: boolean;
  slope: number;
  inter: number;
  /** Bytes reading takes (file up to the end of its data, + a float32 copy when scaled). */
  decodedBytes: number;
}

/** The oracle's answer: the file must be refused (and why), or accepted as described. */
export type OracleAnswer = { refuse: string } | { accept: NiftiExpectation };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The expectation for a header in `raw` (the decompressed file, or at least its header).
 * @param fileLength bytes of the whole decompressed file (for the "data shorter than the header says" rule), or null to skip that rule
 */
export function expectNifti(raw: Uint8Array, maxBytes: number, fileLength: number | null): OracleAnswer {
  if (raw.length < 348) return { refuse: 'shorter than a NIfTI-1 header' };
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const sizeLE = view.getInt32(0, true);
  const sizeBE = view.getInt32(0, false);
  let version: 1 | 2;
  let le: boolean;
  if (sizeLE === 348 || sizeBE === 348) [version, le] = [1, sizeLE === 348];
  else if (sizeLE === 540 || sizeBE === 540) [version, le] = [2, sizeLE === 540];
  else return { refuse: 'bad sizeof_hdr' };
  const headerSize = version === 1 ? 348 : 540;
  if (raw.length < headerSize) return { refuse: 'truncated NIfTI-2 header' };
  const magic = version === 1 ? String.fromCharCode(...raw.subarray(344, 348)) : String.fromCharCode(...raw.subarray(4, 12));
  if (magic !== (version === 1 ? 'n+1\0' : 'n+2\0\r\n\x1a\n')) return { refuse: `magic ${JSON.stringify(magic)}` };

  let dim: number[];
  let voxOffset: number;
  let slope: number;
  let inter: number;
  let datatype: number;
  if (version === 1) {
    dim = Array.from({ length: 8 }, (_, k) => view.getInt16(40 + 2 * k, le));
    datatype = view.getInt16(70, le);
    voxOffset = view.getFloat32(108, le);
    slope = view.getFloat32(112, le);
    inter = view.getFloat32(116, le);
  } else {
    const big = [...Array.from({ length: 8 }, (_, k) => 16 + 8 * k), 168, 224, 232].map((at) => view.getBigInt64(at, le));
    if (big.some((b) => b > MAX_SAFE || b < -MAX_SAFE)) return { refuse: 'a 64-bit field out of range' };
    dim = big.slice(0, 8).map(Number);
    voxOffset = Number(big[8]);
    datatype = view.getInt16(12, le);
    slope = view.getFloat64(176, le);
    inter = view.getFloat64(184, le);
  }
  const ndim = dim[0];
  if (!(ndim >= 1 && ndim <= 7)) return { refuse: `dim[0] ${ndim}` };
  const dims = dim.slice(1, ndim + 1);
  if (dims.some((d) => !(d >= 1))) return { refuse: 'a non-positive dimension' };
  const storedDims = [...dims];
  while (dims.length > 3 && dims[dims.length - 1] === 1) dims.pop();
  if (dims.length > 4) return { refuse: `${dims.length}-D` };
  while (dims.length < 3) dims.push(1);
  const dt = DATATYPES[datatype];
  if (!dt) return { refuse: `datatype ${datatype}` };
  let offset = Math.floor(voxOffset);
  if (!(offset >= headerSize)) offset = headerSize + 4;
  const voxels = dims.reduce((a, b) => a * b, 1);
  const dataBytes = voxels * dt.bytes;
  const interUsed = Number.isFinite(inter) ? inter : 0;
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && interUsed === 0);
  const decodedBytes = offset + dataBytes + (scaled ? voxels * 4 : 0);
  if (!(decodedBytes <= maxBytes)) return { refuse: 'over the limit' };
  if (fileLength !== null && fileLength < offset + dataBytes) return { refuse: 'data shorter than the header says' };
  const shape = dims.length === 4 ? [dims[3], dims[2], dims[1], dims[0]] : [dims[2], dims[1], dims[0]];
  return {
    accept: { version, littleEndian: le, storedDims, shape, datatype, offset, voxels, dataBytes, scaled, slope, inter: interUsed, decodedBytes },
  };
}

/** The value voxel `i` must have (the stored value, scaled to float32 when the header asks). */
export function expectedVoxel(raw: Uint8Array, e: NiftiExpectation, i: number): number {
  const dt = DATATYPES[e.datatype];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const get = `get${dt.kind}` as const;
  const stored = (view[get] as (o: number, le?: boolean) => number).call(view, e.offset + i * dt.bytes, e.littleEndian);
  if (e.scaled) return Math.fround(stored * e.slope + e.inter);
  return dt.kind === 'Float32' ? Math.fround(stored) : stored;
}

/** Equal as stored numbers: NaN equals NaN, −0 equals −0 only. */
export function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b);
}
