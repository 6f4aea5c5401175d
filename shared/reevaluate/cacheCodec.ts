import { assertShape, describe, product } from '../util/validate';
import { allocateProbabilities, cacheWindowCount, CACHE_ENCODINGS, type CacheEncoding, type CacheGeometry, type PredictionCache } from './predictionCache';

/** First 8 bytes of a prediction cache file. */
const MAGIC = 'PLPCACHE';
/** Payloads start on a multiple of this (so a reader may view them in place). */
const ALIGN = 8;

/** The JSON header of an encoded cache (ASCII, after the magic and its length). */
interface CacheHeader extends CacheGeometry {
  format: 'patchlens.prediction-cache';
  version: 1;
  encoding: CacheEncoding;
  classes: number;
  windows: number;
  probabilityBytes: number;
  labelBytes: number;
}

const BYTES: Record<CacheEncoding, number> = { uint8: 1, float16: 2, float32: 4 };

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The payload's bytes in little-endian order (a copy with swapped bytes on a big-endian host). */
function leBytes(view: ArrayBufferView, width: number): Uint8Array {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (littleEndian || width === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k];
  return out;
}

/**
 * A cache as bytes: `PLPCACHE`, a uint32 (little-endian) header length, the ASCII JSON header
 * (format, version, encoding, classes, the window geometry, payload sizes), zero padding to a
 * multiple of 8, the probabilities (little-endian) and the stitched labels.
 */
export function encodePredictionCache(cache: PredictionCache): Uint8Array {
  const width = BYTES[cache.encoding];
  const header: CacheHeader = {
    format: 'patchlens.prediction-cache',
    version: 1,
    encoding: cache.encoding,
    classes: cache.classes,
    shape: cache.geometry.shape,
    patchSize: cache.geometry.patchSize,
    paddedShape: cache.geometry.paddedShape,
    padLow: cache.geometry.padLow,
    starts: cache.geometry.starts,
    windows: cacheWindowCount(cache.geometry),
    probabilityBytes: cache.probabilities.length * width,
    labelBytes: cache.labels.length,
  };
  // Numbers and fixed ASCII words only, so one byte per character.
  const json = JSON.stringify(header);
  const start = Math.ceil((12 + json.length) / ALIGN) * ALIGN;
  const out = new Uint8Array(start + header.probabilityBytes + header.labelBytes);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, json.length, true);
  for (let i = 0; i < json.length; i++) out[12 + i] = json.charCodeAt(i);
  out.set(leBytes(cache.probabilities, width), start);
  out.set(cache.labels, start + header.probabilityBytes);
  return out;
}

function fail(what: string): never {
  throw new RangeError(`decodePredictionCache: ${what}`);
}

function readHeader(bytes: Uint8Array): { header: CacheHeader; start: number } {
  if (bytes.length < 12) fail(`${bytes.length} bytes are too few for a prediction cache`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) fail(`not a prediction cache (the first bytes are not "${MAGIC}")`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + length > bytes.length) fail(`the header says it has ${length} bytes but only ${bytes.length - 12} follow`);
  let json = '';
  for (let i = 0; i < length; i++) {
    const c = bytes[12 + i];
    if (c > 127) fail(`the header has a non-ASCII byte at ${12 + i}`);
    json += String.fromCharCode(c);
  }
  let h: CacheHeader;
  try {
    h = JSON.parse(json) as CacheHeader;
  } catch (e) {
    return fail(`the header is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (h === null || typeof h !== 'object') fail('the header is not an object');
  if (h.format !== 'patchlens.prediction-cache') fail(`format must be "patchlens.prediction-cache", got ${describe(h.format)}`);
  if (h.version !== 1) fail(`version ${describe(h.version)} is not supported (this build reads version 1)`);
  if (!CACHE_ENCODINGS.includes(h.encoding)) fail(`encoding must be one of ${CACHE_ENCODINGS.join(', ')}, got ${describe(h.encoding)}`);
  if (!Number.isInteger(h.classes) || h.classes < 1 || h.classes > 255) fail(`classes must be an integer in [1, 255], got ${describe(h.classes)}`);
  const geometry = (k: 'shape' | 'patchSize' | 'paddedShape') => {
    try {
      assertShape('decodePredictionCache', k, h[k]);
    } catch (e) {
      fail((e as Error).message.replace(/^decodePredictionCache: /, ''));
    }
  };
  (['shape', 'patchSize', 'paddedShape'] as const).forEach(geometry);
  const nd = h.shape.length;
  const sameLength = [h.patchSize, h.paddedShape, h.padLow, h.starts].every((x) => Array.isArray(x) && x.length === nd);
  if (!sameLength) fail(`shape, patchSize, paddedShape, padLow and starts must each have ${nd} entries`);
  h.padLow.forEach((p, a) => {
    if (!Number.isInteger(p) || p < 0 || p + h.shape[a] > h.paddedShape[a]) fail(`padLow[${a}] must be an integer in [0, ${h.paddedShape[a] - h.shape[a]}], got ${describe(p)}`);
  });
  h.starts.forEach((s, a) => {
    if (!Array.isArray(s) || s.length === 0 || s.some((v) => !Number.isInteger(v) || v < 0 || v + h.patchSize[a] > h.paddedShape[a])) fail(`starts[${a}] must list window starts in [0, ${h.paddedShape[a] - h.patchSize[a]}]`);
  });
  if (h.windows !== cacheWindowCount(h)) fail(`windows is ${describe(h.windows)} but the starts give ${cacheWindowCount(h)}`);
  const probabilityBytes = h.windows * product(h.patchSize) * h.classes * BYTES[h.encoding];
  if (h.probabilityBytes !== probabilityBytes) fail(`probabilityBytes is ${describe(h.probabilityBytes)}, expected ${probabilityBytes} for ${h.windows} windows of [${h.patchSize}] × ${h.classes} classes in ${h.encoding}`);
  if (h.labelBytes !== product(h.shape)) fail(`labelBytes is ${describe(h.labelBytes)}, expected ${product(h.shape)} for shape [${h.shape}]`);
  const start = Math.ceil((12 + length) / ALIGN) * ALIGN;
  if (bytes.length !== start + h.probabilityBytes + h.labelBytes) fail(`expected ${start + h.probabilityBytes + h.labelBytes} bytes in all, got ${bytes.length} (truncated or padded?)`);
  return { header: h, start };
}

/**
 * Reads {@link encodePredictionCache}'s bytes back, checking the header against the payload.
 * @throws `decodePredictionCache: …` naming what does not fit
 */
export function decodePredictionCache(bytes: Uint8Array): PredictionCache {
  const { header: h, start } = readHeader(bytes);
  const width = BYTES[h.encoding];
  const probabilities = allocateProbabilities(h.encoding, h.probabilityBytes / width);
  const raw = bytes.subarray(start, start + h.probabilityBytes);
  // Swapping bytes is its own inverse: on a big-endian host leBytes turns the file's order into the host's.
  new Uint8Array(probabilities.buffer).set(leBytes(raw, width));
  const labels = bytes.slice(start + h.probabilityBytes);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= h.classes) fail(`label ${labels[i]} at voxel ${i} is not a class of a ${h.classes}-class model`);
  return {
    encoding: h.encoding,
    classes: h.classes,
    geometry: { shape: h.shape, patchSize: h.patchSize, paddedShape: h.paddedShape, padLow: h.padLow, starts: h.starts },
    probabilities,
    labels,
  };
}
