/**
 * NumPy `.npy` (format versions 1–3) read and write on ArrayBuffers: the format of the original
 * patchperformance project's saved maps. Little- and big-endian numeric dtypes; C order only on
 * write, C or Fortran order on read (Fortran data is returned as-is with `fortranOrder: true`).
 */
import type { NumericArray } from '../stitching/types';

/** A parsed `.npy` array. */
export interface NpyArray {
  data: NumericArray;
  shape: number[];
  /** NumPy dtype descriptor, e.g. `<f4`. */
  dtype: string;
  fortranOrder: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Ctor = { new (buffer: ArrayBuffer): NumericArray; BYTES_PER_ELEMENT: number };
const TYPES: Record<string, Ctor> = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
};

function ascii(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * Parses a `.npy` file.
 * @throws with a message naming what is wrong (magic, header, dtype, size)
 */
export function parseNpy(buffer: ArrayBuffer | Uint8Array): NpyArray {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('parseNpy: not a .npy file (bad magic string)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw new Error(`parseNpy: unsupported .npy format version ${major}`);
  }
  const header = ascii(bytes.subarray(offset, offset + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`parseNpy: malformed header ${JSON.stringify(header.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`parseNpy: bad shape (${shapeText})`);
  const order = descr[0];
  const kind = descr.slice(1);
  const Type = TYPES[kind];
  if (Type === undefined || !'<>|='.includes(order)) throw new Error(`parseNpy: unsupported dtype ${descr}`);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  const nbytes = count * Type.BYTES_PER_ELEMENT;
  if (bytes.length - start < nbytes) {
    throw new Error(`parseNpy: file holds ${bytes.length - start} data bytes but shape (${shape}) of ${descr} needs ${nbytes}`);
  }
  // A fresh, aligned copy (Node's Buffer.slice would share its pool, so copy explicitly).
  const copy = new Uint8Array(nbytes);
  copy.set(bytes.subarray(start, start + nbytes));
  if (order === '>' && Type.BYTES_PER_ELEMENT > 1) {
    const w = Type.BYTES_PER_ELEMENT;
    for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
  }
  return { data: new Type(copy.buffer), shape, dtype: descr, fortranOrder: fortran === 'True' };
}

const DESCR = new Map<unknown, string>([
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Int8Array, '|i1'],
  [Uint8Array, '|u1'],
  [Int16Array, '<i2'],
  [Uint16Array, '<u2'],
  [Int32Array, '<i4'],
  [Uint32Array, '<u4'],
]);

/** Writes a C-order little-endian `.npy` (version 1.0) that `numpy.load` reads. */
export function writeNpy(data: NumericArray, shape: readonly number[]): Uint8Array {
  const descr = DESCR.get(data.constructor);
  if (descr === undefined) throw new TypeError('writeNpy: data must be a numeric typed array');
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`writeNpy: data has ${data.length} values but shape (${shape}) needs ${count}`);
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  // Pad with spaces so that the data starts on a 64-byte boundary; the header ends with \n.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
