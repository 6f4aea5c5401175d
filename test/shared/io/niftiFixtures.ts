// Test fixtures for the NIfTI reader: real MRIcron images from ../shared and small NIfTI-1/-2
// files built byte by byte here (independently of writeNifti), in either byte order.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sharedDir } from '../../helpers/sharedData';

/** Reads `../shared/data/mricron/<name>` (the bytes as a Buffer, i.e. a Uint8Array view). */
export function mricron(name: string): Uint8Array {
  const path = resolve(sharedDir, 'data', 'mricron', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: the tests need ../shared beside the repository`);
  return readFileSync(path);
}

/** Fields of a hand-built NIfTI file. */
export interface HandNifti {
  version: 1 | 2;
  littleEndian: boolean;
  dim: number[]; // dim[0..7]
  pixdim?: number[]; // pixdim[0..7]
  datatype: number;
  bitpix: number;
  /** Voxel values (written with the datatype's DataView setter in the file's byte order). */
  values: number[];
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: number[]; // b, c, d, qx, qy, qz
  srow?: number[][]; // 3 rows of 4
  magic?: string;
  voxOffset?: number;
  description?: string;
}

const SETTERS: Record<number, [keyof DataView, number]> = {
  2: ['setUint8', 1],
  4: ['setInt16', 2],
  8: ['setInt32', 4],
  16: ['setFloat32', 4],
  64: ['setFloat64', 8],
  256: ['setInt8', 1],
  512: ['setUint16', 2],
  768: ['setUint32', 4],
};

/** Builds a single-file NIfTI-1 (348-byte header) or NIfTI-2 (540-byte header) byte by byte. */
export function handNifti(h: HandNifti): Uint8Array {
  const le = h.littleEndian;
  const hdrSize = h.version === 1 ? 348 : 540;
  const voxOffset = h.voxOffset ?? (h.version === 1 ? 352 : 544);
  const [setter, width] = SETTERS[h.datatype] ?? ['setUint8', 1];
  const bytes = new Uint8Array(voxOffset + h.values.length * width);
  const v = new DataView(bytes.buffer);
  const pixdim = h.pixdim ?? [1, 1, 1, 1, 0, 0, 0, 0];
  const quatern = h.quatern ?? [0, 0, 0, 0, 0, 0];
  const srow = h.srow ?? [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  const ascii = (at: number, s: string) => [...s].forEach((c, k) => (bytes[at + k] = c.charCodeAt(0)));
  v.setInt32(0, hdrSize, le);
  if (h.version === 1) {
    h.dim.forEach((d, k) => v.setInt16(40 + 2 * k, d, le));
    v.setInt16(70, h.datatype, le);
    v.setInt16(72, h.bitpix, le);
    pixdim.forEach((p, k) => v.setFloat32(76 + 4 * k, p, le));
    v.setFloat32(108, voxOffset, le);
    v.setFloat32(112, h.sclSlope ?? 1, le);
    v.setFloat32(116, h.sclInter ?? 0, le);
    ascii(148, h.description ?? '');
    v.setInt16(252, h.qformCode ?? 0, le);
    v.setInt16(254, h.sformCode ?? 0, le);
    quatern.forEach((q, k) => v.setFloat32(256 + 4 * k, q, le));
    srow.forEach((row, r) => row.forEach((x, c) => v.setFloat32(280 + 16 * r + 4 * c, x, le)));
    ascii(344, h.magic ?? 'n+1\0');
  } else {
    ascii(4, h.magic ?? 'n+2\0\r\n\x1a\n');
    v.setInt16(12, h.datatype, le);
    v.setInt16(14, h.bitpix, le);
    h.dim.forEach((d, k) => v.setBigInt64(16 + 8 * k, BigInt(d), le));
    pixdim.forEach((p, k) => v.setFloat64(104 + 8 * k, p, le));
    v.setBigInt64(168, BigInt(voxOffset), le);
    v.setFloat64(176, h.sclSlope ?? 1, le);
    v.setFloat64(184, h.sclInter ?? 0, le);
    ascii(240, h.description ?? '');
    v.setInt32(344, h.qformCode ?? 0, le);
    v.setInt32(348, h.sformCode ?? 0, le);
    quatern.forEach((q, k) => v.setFloat64(352 + 8 * k, q, le));
    srow.forEach((row, r) => row.forEach((x, c) => v.setFloat64(400 + 32 * r + 8 * c, x, le)));
  }
  h.values.forEach((x, k) => (v[setter] as (o: number, x: number, le: boolean) => void).call(v, voxOffset + k * width, x, le));
  return bytes;
}
