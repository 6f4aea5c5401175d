/**
 * NIfTI datatype codes: the numeric ones PatchLens reads and writes, and the names of the rest
 * (so that an unsupported file is reported by name).
 */
import type { NumericArray } from '../stitching/types';

/** Names of the NIfTI datatypes PatchLens reads and writes. */
export type NiftiDatatypeName = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** A typed-array constructor of one of the supported datatypes. */
export type NumericArrayConstructor = {
  new (length: number): NumericArray;
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** One supported datatype: its code, its name, its typed array and its value range. */
export interface NiftiDatatype {
  code: number;
  name: NiftiDatatypeName;
  ctor: NumericArrayConstructor;
  bytes: number;
  /** Integer types: the representable range; floats: ±max finite. */
  min: number;
  max: number;
  integer: boolean;
}

/** The supported datatypes by name. */
export const NIFTI_DATATYPES: Readonly<Record<NiftiDatatypeName, NiftiDatatype>> = {
  uint8: { code: 2, name: 'uint8', ctor: Uint8Array, bytes: 1, min: 0, max: 255, integer: true },
  int16: { code: 4, name: 'int16', ctor: Int16Array, bytes: 2, min: -32768, max: 32767, integer: true },
  int32: { code: 8, name: 'int32', ctor: Int32Array, bytes: 4, min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
  float32: { code: 16, name: 'float32', ctor: Float32Array, bytes: 4, min: -3.4028234663852886e38, max: 3.4028234663852886e38, integer: false },
  float64: { code: 64, name: 'float64', ctor: Float64Array, bytes: 8, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, integer: false },
  int8: { code: 256, name: 'int8', ctor: Int8Array, bytes: 1, min: -128, max: 127, integer: true },
  uint16: { code: 512, name: 'uint16', ctor: Uint16Array, bytes: 2, min: 0, max: 65535, integer: true },
  uint32: { code: 768, name: 'uint32', ctor: Uint32Array, bytes: 4, min: 0, max: 2 ** 32 - 1, integer: true },
};

/** Names of the NIfTI datatype codes PatchLens does not read (for error messages). */
export const UNSUPPORTED_DATATYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'DT_UNKNOWN',
  1: 'DT_BINARY (1 bit per voxel)',
  32: 'DT_COMPLEX64',
  128: 'DT_RGB24',
  1024: 'DT_INT64',
  1280: 'DT_UINT64',
  1536: 'DT_FLOAT128',
  1792: 'DT_COMPLEX128',
  2048: 'DT_COMPLEX256',
  2304: 'DT_RGBA32',
};

/** The supported datatype with this NIfTI code, or undefined. */
export function datatypeByCode(code: number): NiftiDatatype | undefined {
  return Object.values(NIFTI_DATATYPES).find((d) => d.code === code);
}

/** The datatype a typed array is stored as (by its constructor). */
export function datatypeOfArray(data: NumericArray): NiftiDatatype {
  const found = Object.values(NIFTI_DATATYPES).find((d) => data instanceof d.ctor);
  if (!found) throw new TypeError(`datatypeOfArray: unsupported array type ${Object.prototype.toString.call(data)}`);
  return found;
}

/** The typed-array constructor of `data` (to allocate an array of the same type). */
export function arrayConstructorOf(data: NumericArray): NumericArrayConstructor {
  return datatypeOfArray(data).ctor;
}
