/**
 * The fuzzer's own NIfTI-1/-2 byte layout (from nifti1.h / nifti2.h, independent of
 * shared/io): a writer for seed files in either version and byte order, and the table of header
 * fields the mutators aim at.
 */

/** A header field: where it is, its type, and for arrays how many entries. */
export interface NiftiField {
  name: string;
  at: number;
  type: 'i8' | 'u8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'text';
  count: number;
}

const f = (name: string, at: number, type: NiftiField['type'], count = 1): NiftiField => ({ name, at, type, count });

/** NIfTI-1's fields (348-byte header). */
export const NIFTI1_FIELDS: readonly NiftiField[] = [
  f('sizeof_hdr', 0, 'i32'), f('dim_info', 39, 'u8'), f('dim', 40, 'i16', 8), f('intent_p', 56, 'f32', 3), f('intent_code', 68, 'i16'),
  f('datatype', 70, 'i16'), f('bitpix', 72, 'i16'), f('slice_start', 74, 'i16'), f('pixdim', 76, 'f32', 8), f('vox_offset', 108, 'f32'),
  f('scl_slope', 112, 'f32'), f('scl_inter', 116, 'f32'), f('slice_end', 120, 'i16'), f('slice_code', 122, 'u8'), f('xyzt_units', 123, 'u8'),
  f('cal_max', 124, 'f32'), f('cal_min', 128, 'f32'), f('descrip', 148, 'text', 80), f('qform_code', 252, 'i16'), f('sform_code', 254, 'i16'),
  f('quatern', 256, 'f32', 6), f('srow', 280, 'f32', 12), f('intent_name', 328, 'text', 16), f('magic', 344, 'text', 4), f('extension', 348, 'u8', 4),
];

/** NIfTI-2's fields (540-byte header). */
export const NIFTI2_FIELDS: readonly NiftiField[] = [
  f('sizeof_hdr', 0, 'i32'), f('magic', 4, 'text', 8), f('datatype', 12, 'i16'), f('bitpix', 14, 'i16'), f('dim', 16, 'i64', 8),
  f('intent_p', 80, 'f64', 3), f('pixdim', 104, 'f64', 8), f('vox_offset', 168, 'i64'), f('scl_slope', 176, 'f64'), f('scl_inter', 184, 'f64'),
  f('cal_max', 192, 'f64'), f('cal_min', 200, 'f64'), f('slice_start', 224, 'i64'), f('slice_end', 232, 'i64'), f('descrip', 240, 'text', 80),
  f('qform_code', 344, 'i32'), f('sform_code', 348, 'i32'), f('quatern', 352, 'f64', 6), f('srow', 400, 'f64', 12), f('slice_code', 496, 'i32'),
  f('xyzt_units', 500, 'i32'), f('intent_code', 504, 'i32'), f('intent_name', 508, 'text', 16), f('dim_info', 524, 'u8'), f('extension', 540, 'u8', 4),
];

/** Datatype code → bytes per voxel and the DataView getter/setter suffix. */
export const DATATYPES: Readonly<Record<number, { bytes: number; kind: 'Uint8' | 'Int8' | 'Int16' | 'Uint16' | 'Int32' | 'Uint32' | 'Float32' | 'Float64' }>> = {
  2: { bytes: 1, kind: 'Uint8' },
  256: { bytes: 1, kind: 'Int8' },
  4: { bytes: 2, kind: 'Int16' },
  512: { bytes: 2, kind: 'Uint16' },
  8: { bytes: 4, kind: 'Int32' },
  768: { bytes: 4, kind: 'Uint32' },
  16: { bytes: 4, kind: 'Float32' },
  64: { bytes: 8, kind: 'Float64' },
};

/** Reads one number of a field's type at a byte offset (int64 as a BigInt). */
export function readField(view: DataView, at: number, type: NiftiField['type'], le: boolean): number | bigint {
  switch (type) {
    case 'i8':
      return view.getInt8(at);
    case 'u8':
    case 'text':
      return view.getUint8(at);
    case 'i16':
      return view.getInt16(at, le);
    case 'i32':
      return view.getInt32(at, le);
    case 'i64':
      return view.getBigInt64(at, le);
    case 'f32':
      return view.getFloat32(at, le);
    case 'f64':
      return view.getFloat64(at, le);
  }
}

/** Writes one number of a field's type (wrapping integers as the type does). */
export function writeField(view: DataView, at: number, type: NiftiField['type'], le: boolean, value: number | bigint): void {
  const n = typeof value === 'bigint' ? Number(value) : value;
  switch (type) {
    case 'i8':
    case 'u8':
    case 'text':
      view.setUint8(at, Number.isFinite(n) ? n & 0xff : 0);
      return;
    case 'i16':
      view.setInt16(at, Number.isFinite(n) ? n : 0, le);
      return;
    case 'i32':
      view.setInt32(at, Number.isFinite(n) ? n : 0, le);
      return;
    case 'i64':
      view.setBigInt64(at, BigInt.asIntN(64, typeof value === 'bigint' ? value : BigInt(Number.isFinite(n) ? Math.trunc(n) : 0)), le);
      return;
    case 'f32':
      view.setFloat32(at, n, le);
      return;
    case 'f64':
      view.setFloat64(at, n, le);
      return;
  }
}

/** What a seed file holds. */
export interface SeedNifti {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[1..]: extents, i fastest. */
  dims: number[];
  datatype: number;
  values: ArrayLike<number>;
  pixdim: number[];
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quatern: number[];
  srow: number[][];
  /** Bytes of one header extension (0: none). */
  extensionBytes: number;
}

/** Writes a single-file NIfTI byte by byte (header, extension flag, optional extension, voxels). */
export function encodeSeedNifti(s: SeedNifti): Uint8Array {
  const le = s.littleEndian;
  const header = s.version === 1 ? 348 : 540;
  const ext = s.extensionBytes > 0 ? Math.ceil((s.extensionBytes + 8) / 16) * 16 : 0; // esize: a multiple of 16, its own 8 bytes included
  const voxOffset = header + 4 + ext;
  const dt = DATATYPES[s.datatype];
  const bytes = new Uint8Array(voxOffset + s.values.length * dt.bytes);
  const v = new DataView(bytes.buffer);
  const fields = s.version === 1 ? NIFTI1_FIELDS : NIFTI2_FIELDS;
  const put = (name: string, values: readonly (number | bigint)[]) => {
    const field = fields.find((x) => x.name === name)!;
    const width = { i8: 1, u8: 1, text: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8 }[field.type];
    values.forEach((x, k) => writeField(v, field.at + k * width, field.type, le, x));
  };
  put('sizeof_hdr', [header]);
  const magic = s.version === 1 ? 'n+1\0' : 'n+2\0\r\n\x1a\n';
  put('magic', [...magic].map((c) => c.charCodeAt(0)));
  put('dim', [s.dims.length, ...s.dims, ...new Array(7 - s.dims.length).fill(1)].map((d) => (s.version === 2 ? BigInt(d) : d)));
  put('datatype', [s.datatype]);
  put('bitpix', [dt.bytes * 8]);
  put('pixdim', s.pixdim);
  put('vox_offset', [s.version === 2 ? BigInt(voxOffset) : voxOffset]);
  put('scl_slope', [s.sclSlope]);
  put('scl_inter', [s.sclInter]);
  put('qform_code', [s.qformCode]);
  put('sform_code', [s.sformCode]);
  put('quatern', s.quatern);
  put('srow', s.srow.flat());
  put('xyzt_units', [10]);
  if (ext > 0) {
    put('extension', [1, 0, 0, 0]);
    v.setInt32(header + 4, ext, le); // esize
    v.setInt32(header + 8, 6, le); // ecode: comment
    for (let i = header + 12; i < voxOffset; i++) bytes[i] = 0x41 + (i % 26);
  }
  const set = `set${dt.kind}` as const;
  for (let i = 0; i < s.values.length; i++) (v[set] as (o: number, x: number, le?: boolean) => void).call(v, voxOffset + i * dt.bytes, s.values[i], le);
  return bytes;
}
