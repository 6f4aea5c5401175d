/**
 * DICOM pixel data → numbers: the stored integers of each frame (masked to BitsStored,
 * sign-extended when PixelRepresentation is 1) from native pixel data or, for compressed transfer
 * syntaxes, from the frame a codec decoded (codecs.ts); and RescaleSlope/Intercept applied into
 * the smallest type that holds the result.
 */
import type { DataSet } from 'dicom-parser';
import type { NumericArray } from '../../shared/stitching/types';
import { decodeFrame as decodeCompressed, type DecodedSamples } from './codecs';
import { encapsulatedFrame } from './codecStreams';
import type { DicomInstance } from './parseFile';

/** A typed array constructor for stored or rescaled values. */
type Ctor = Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor;

/** The typed array that holds `inst`'s stored values (by BitsAllocated and PixelRepresentation). */
export function storedArrayType(inst: DicomInstance): Ctor {
  const signed = inst.pixelRepresentation === 1;
  if (inst.bitsAllocated === 8) return signed ? Int8Array : Uint8Array;
  if (inst.bitsAllocated === 16) return signed ? Int16Array : Uint16Array;
  return signed ? Int32Array : Uint32Array;
}

/** Bytes of one frame of native pixel data. */
export function frameBytes(inst: DicomInstance): number {
  return inst.rows * inst.columns * (inst.bitsAllocated / 8);
}

/**
 * Decodes frame `frame` of a file's native pixel data (starting at `dataOffset` of `bytes`) into
 * `out` from element `at`.
 */
export function decodeFrame(inst: DicomInstance, bytes: Uint8Array, dataOffset: number, frame: number, out: NumericArray, at: number): void {
  const n = inst.rows * inst.columns;
  const width = inst.bitsAllocated / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset + frame * n * width, n * width);
  const little = inst.transferSyntax.bigEndian !== true;
  const bits = inst.bitsStored;
  const shift = Math.max(0, inst.highBit + 1 - bits);
  const signed = inst.pixelRepresentation === 1;
  const read = width === 1 ? (p: number) => view.getUint8(p) : width === 2 ? (p: number) => view.getUint16(p * 2, little) : (p: number) => view.getUint32(p * 4, little);
  if (bits >= inst.bitsAllocated) {
    // All bits are the value: read it with the right signedness directly.
    const readSigned = width === 1 ? (p: number) => view.getInt8(p) : width === 2 ? (p: number) => view.getInt16(p * 2, little) : (p: number) => view.getInt32(p * 4, little);
    const get = signed ? readSigned : read;
    for (let p = 0; p < n; p++) out[at + p] = get(p);
    return;
  }
  // Fewer stored bits than allocated: the bits outside [highBit - bitsStored + 1, highBit] are not the value (overlays, garbage).
  const mask = 2 ** bits - 1;
  const sign = 2 ** (bits - 1);
  for (let p = 0; p < n; p++) {
    const v = Math.floor(read(p) / 2 ** shift) % (mask + 1);
    out[at + p] = signed && v >= sign ? v - 2 * sign : v;
  }
}

/**
 * Stores decoded samples as the file's stored values: masked to BitsStored and sign-extended when
 * PixelRepresentation is 1. Codecs give signed data either as values or as their unsigned bit
 * patterns; both end up as the same value.
 */
function storeDecoded(inst: DicomInstance, samples: DecodedSamples, out: NumericArray, at: number): void {
  const bits = inst.bitsStored;
  const container = 2 ** inst.bitsAllocated;
  const modulus = 2 ** bits;
  const sign = 2 ** (bits - 1);
  const signed = inst.pixelRepresentation === 1;
  for (let p = 0; p < samples.length; p++) {
    let v = samples[p];
    if (v < 0) v += container;
    v %= modulus;
    out[at + p] = signed && v >= sign ? v - modulus : v;
  }
}

/**
 * Decodes frame `frame` of a file with a compressed transfer syntax: its bytes from the
 * encapsulated Pixel Data of `dataSet`, decoded by the syntax's codec, into `out` from element
 * `at` (rows × columns × samplesPerPixel values).
 * @throws `<file> frame <n> (<syntax name>, <uid>): …` with the codec's or the encapsulation's reason.
 */
export async function decodeCompressedFrame(inst: DicomInstance, dataSet: DataSet, frame: number, out: NumericArray, at: number): Promise<void> {
  const ts = inst.transferSyntax;
  try {
    const bytes = encapsulatedFrame(dataSet, dataSet.elements.x7fe00010, frame, inst.frames.length);
    const samples = await decodeCompressed(ts.uid, bytes, {
      rows: inst.rows,
      columns: inst.columns,
      samplesPerPixel: inst.samplesPerPixel,
      bitsAllocated: inst.bitsAllocated,
      bitsStored: inst.bitsStored,
      pixelRepresentation: inst.pixelRepresentation,
      planarConfiguration: dataSet.uint16('x00280006') ?? 0,
    });
    storeDecoded(inst, samples, out, at);
  } catch (e) {
    throw new Error(`${inst.path} frame ${frame + 1} of ${inst.frames.length} (${ts.name}, transfer syntax ${ts.uid}): ${(e as Error).message}`);
  }
}

/** One stretch of the volume (one frame) and its rescale. */
export interface RescaleRun {
  /** First element of the frame in the volume. */
  at: number;
  length: number;
  slope: number;
  intercept: number;
}

const INTEGER_TYPES: [Ctor, number, number][] = [
  [Uint8Array, 0, 255],
  [Int8Array, -128, 127],
  [Uint16Array, 0, 65535],
  [Int16Array, -32768, 32767],
  [Int32Array, -(2 ** 31), 2 ** 31 - 1],
  [Uint32Array, 0, 2 ** 32 - 1],
];

/**
 * Applies each frame's RescaleSlope/Intercept to the stored values: a Float32Array when any
 * slope or intercept is not an integer (or the result does not fit 32-bit integers), else the
 * smallest integer array (uint8, int8, uint16, int16, int32, uint32) that holds every value.
 * Returns the values and their minimum and maximum.
 */
export function rescale(stored: NumericArray, runs: readonly RescaleRun[]): { data: NumericArray; range: [number, number]; rescaled: boolean } {
  let min = Infinity;
  let max = -Infinity;
  let integer = true;
  for (const r of runs) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = r.at; p < r.at + r.length; p++) {
      const v = stored[p];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const [a, b] = [lo * r.slope + r.intercept, hi * r.slope + r.intercept];
    min = Math.min(min, a, b);
    max = Math.max(max, a, b);
    if (!Number.isInteger(r.slope) || !Number.isInteger(r.intercept)) integer = false;
  }
  const rescaled = runs.some((r) => r.slope !== 1 || r.intercept !== 0);
  const type = integer ? INTEGER_TYPES.find(([, lo, hi]) => min >= lo && max <= hi)?.[0] : undefined;
  const data = new (type ?? Float32Array)(stored.length);
  for (const r of runs) {
    for (let p = r.at; p < r.at + r.length; p++) data[p] = stored[p] * r.slope + r.intercept;
  }
  if (!type) [min, max] = [Math.fround(min), Math.fround(max)];
  return { data, range: [min, max], rescaled };
}
