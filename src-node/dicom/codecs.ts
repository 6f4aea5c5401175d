/**
 * Compressed DICOM frames → samples, in Node, with the decoders @cornerstonejs/dicom-image-loader
 * uses in the renderer (the same npm packages and versions: its 5.0.13 pins, with the four wasm
 * codecs overridden in package.json by the CSP-safe releases 5.14.0 pins; docs/dicom.md):
 * libjpeg-turbo 8-bit (JPEG baseline / 8-bit extended), jpeg-lossless-decoder-js (JPEG lossless,
 * process 14), CharLS (JPEG-LS), OpenJPEG (JPEG 2000), OpenJPH (HTJ2K), and for RLE the RLE
 * decoder of @cornerstonejs/dicom-codec (the cornerstone codec wrapper; dicom-image-loader keeps
 * the same code in its source, which its package does not export).
 *
 * The Emscripten modules are loaded on first use (each reads its .wasm from its package folder).
 * Before a codec runs, the size the stream declares in its own header is compared with the file's
 * Rows, Columns and SamplesPerPixel — which the caller has already held to its byte limit — so a
 * codec never allocates for an image larger than the file says.
 */
import { createRequire } from 'node:module';
import { j2kHeader, jpegHeader, rleHeader, type StreamHeader } from './codecStreams';

// Not named `require`: the Electron main bundle declares its own `require` shim in the same scope.
const requirePackage = createRequire(import.meta.url);

/** What a codec needs to know of the frame, from the file's attributes. */
export interface CodecFrameInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  /** 0 colour-by-pixel, 1 colour-by-plane (RLE only; JPEG family streams decode interleaved). */
  planarConfiguration: number;
}

/**
 * Decoded samples: rows × columns × samplesPerPixel values, 8-bit or 16-bit as the stream's
 * precision needs. Signed data may come back as their unsigned bit patterns (RLE, some JPEG
 * streams); the caller masks to BitsStored and sign-extends as for native pixel data.
 */
export type DecodedSamples = Uint8Array | Uint8ClampedArray | Uint16Array | Int16Array;

/** The codecs, by what they decode. */
type CodecId = 'jpeg8' | 'jpegLossless' | 'jpegls' | 'j2k' | 'htj2k' | 'rle';

/** Which codec decodes which transfer syntax. */
const SYNTAX_CODEC: Record<string, CodecId> = {
  '1.2.840.10008.1.2.4.50': 'jpeg8',
  '1.2.840.10008.1.2.4.51': 'jpeg8',
  '1.2.840.10008.1.2.4.57': 'jpegLossless',
  '1.2.840.10008.1.2.4.70': 'jpegLossless',
  '1.2.840.10008.1.2.4.80': 'jpegls',
  '1.2.840.10008.1.2.4.81': 'jpegls',
  '1.2.840.10008.1.2.4.90': 'j2k',
  '1.2.840.10008.1.2.4.91': 'j2k',
  '1.2.840.10008.1.2.4.201': 'htj2k',
  '1.2.840.10008.1.2.4.202': 'htj2k',
  '1.2.840.10008.1.2.4.203': 'htj2k',
  '1.2.840.10008.1.2.5': 'rle',
};

/** The npm package that decodes each codec's streams (named in errors and in the README). */
export const CODEC_PACKAGES: Record<CodecId, string> = {
  jpeg8: '@cornerstonejs/codec-libjpeg-turbo-8bit',
  jpegLossless: 'jpeg-lossless-decoder-js',
  jpegls: '@cornerstonejs/codec-charls',
  j2k: '@cornerstonejs/codec-openjpeg',
  htj2k: '@cornerstonejs/codec-openjph',
  rle: '@cornerstonejs/dicom-codec',
};

/** The package that decodes transfer syntax `uid`, or undefined when PatchLens has no codec for it. */
export function codecPackage(uid: string): string | undefined {
  const id = SYNTAX_CODEC[uid];
  return id ? CODEC_PACKAGES[id] : undefined;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

/** An Embind decoder object of the cornerstone codec modules. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

interface WasmModule {
  getExceptionMessage?: (e: number) => string;
  [decoderClass: string]: unknown;
}

type WasmFactory = (options: { locateFile: (file: string) => string; print: (s: string) => void; printErr: (s: string) => void }) => Promise<WasmModule>;

/** A loaded Emscripten codec and what it printed during the last decode (OpenJPEG reports errors that way). */
interface LoadedWasm {
  module: WasmModule;
  decoderClass: string;
  messages: string[];
}

const WASM: Record<'jpeg8' | 'jpegls' | 'j2k' | 'htj2k', { js: string; wasm: string; decoderClass: string }> = {
  jpeg8: { js: 'decodewasmjs', wasm: 'decodewasm', decoderClass: 'JPEGDecoder' },
  jpegls: { js: 'decodewasmjs', wasm: 'decodewasm', decoderClass: 'JpegLSDecoder' },
  j2k: { js: 'decodewasmjs', wasm: 'decodewasm', decoderClass: 'J2KDecoder' },
  htj2k: { js: 'wasmjs', wasm: 'wasm', decoderClass: 'HTJ2KDecoder' },
};

const loaded = new Map<CodecId, Promise<LoadedWasm>>();

function loadWasm(id: keyof typeof WASM): Promise<LoadedWasm> {
  let p = loaded.get(id);
  if (!p) {
    const spec = WASM[id];
    const pkg = CODEC_PACKAGES[id];
    const messages: string[] = [];
    const factory = requirePackage(`${pkg}/${spec.js}`) as WasmFactory;
    const wasmPath = requirePackage.resolve(`${pkg}/${spec.wasm}`);
    p = factory({ locateFile: (f) => (f.endsWith('.wasm') ? wasmPath : f), print: (s) => messages.push(s), printErr: (s) => messages.push(s) }).then((module) => ({ module, decoderClass: spec.decoderClass, messages }));
    p.catch(() => loaded.delete(id));
    loaded.set(id, p);
  }
  return p;
}

/** A codec failure: the codec's own words (CharLS's exception text, OpenJPEG's printed errors) or a code. */
function codecFailure(codec: LoadedWasm, e: unknown): string {
  if (typeof e === 'number') {
    const text = codec.module.getExceptionMessage?.(e);
    const printed = codec.messages.filter((m) => /error/i.test(m)).join('; ');
    return text || printed || `the decoder stopped (WebAssembly exception ${e})`;
  }
  return e instanceof Error ? e.message : String(e);
}

function checkHeader(header: StreamHeader, info: CodecFrameInfo): void {
  const size = `${header.width}×${header.height} (columns×rows) with ${header.components} component(s)`;
  if (header.width !== info.columns || header.height !== info.rows || header.components !== info.samplesPerPixel) {
    throw new Error(`the stream declares ${size}, the file ${info.columns}×${info.rows} with ${info.samplesPerPixel} sample(s) per pixel`);
  }
  if (header.bits > info.bitsAllocated) throw new Error(`the stream has ${header.bits}-bit samples, over BitsAllocated ${info.bitsAllocated}`);
}

/** Decodes with an Emscripten codec: header first (checked), then the frame, copied out of the module's memory. */
async function decodeWasm(id: keyof typeof WASM, bytes: Uint8Array, info: CodecFrameInfo): Promise<DecodedSamples> {
  const h = id === 'jpeg8' || id === 'jpegls' ? jpegHeader(bytes) : j2kHeader(bytes);
  checkHeader(h, info);
  if (id === 'jpeg8' && h.bits !== 8) throw new Error(`${h.bits}-bit JPEG has no decoder here: only 8-bit JPEG baseline/extended is decoded (${CODEC_PACKAGES.jpeg8})`);
  const codec = await loadWasm(id);
  const Decoder = codec.module[codec.decoderClass] as new () => WasmDecoder;
  const decoder = new Decoder();
  codec.messages.length = 0;
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const out = decoder.getDecodedBuffer();
    const bytesPerSample = h.bits > 8 ? 2 : 1;
    const want = info.rows * info.columns * info.samplesPerPixel * bytesPerSample;
    if (out.length !== want) {
      const printed = codec.messages.filter((m) => /error/i.test(m)).join('; ');
      throw new Error(`the decoder returned ${out.length} bytes, the frame needs ${want}${printed ? ` (${printed})` : ''}`);
    }
    const copy = out.slice();
    return bytesPerSample === 2 ? new Uint16Array(copy.buffer) : copy;
  } catch (e) {
    throw new Error(codecFailure(codec, e));
  } finally {
    decoder.delete();
  }
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
}

function decodeJpegLossless(bytes: Uint8Array, info: CodecFrameInfo): DecodedSamples {
  const h = jpegHeader(bytes);
  checkHeader(h, info);
  if (h.marker !== 0xc3) throw new Error(`the stream is not lossless JPEG (start-of-frame marker FF${h.marker.toString(16).toUpperCase()}, lossless is FFC3)`);
  const { Decoder } = requirePackage(CODEC_PACKAGES.jpegLossless) as { Decoder: new () => LosslessDecoder };
  const numBytes = info.bitsAllocated <= 8 ? 1 : 2;
  let out: Uint8Array | Uint16Array;
  try {
    out = new Decoder().decode(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length, numBytes);
  } catch (e) {
    throw new Error(e instanceof Error ? e.message : String(e));
  }
  const want = info.rows * info.columns * info.samplesPerPixel;
  if (out.length !== want) throw new Error(`the decoder returned ${out.length} samples, the frame needs ${want}`);
  return out;
}

interface RleCodec {
  decode(frame: Uint8Array, info: Record<string, number | boolean>): Promise<{ imageFrame: Int8Array }>;
}

async function decodeRle(bytes: Uint8Array, info: CodecFrameInfo): Promise<DecodedSamples> {
  if (info.bitsAllocated !== 8 && !(info.bitsAllocated === 16 && info.samplesPerPixel === 1)) {
    throw new Error(`RLE with ${info.bitsAllocated} bits allocated and ${info.samplesPerPixel} sample(s) per pixel is not decoded (${CODEC_PACKAGES.rle} decodes 8-bit images and 16-bit greyscale)`);
  }
  rleHeader(bytes, info.samplesPerPixel, info.bitsAllocated, info.rows * info.columns);
  const rle = requirePackage(`${CODEC_PACKAGES.rle}/src/codecs/rleLossless.js`) as RleCodec;
  const { imageFrame } = await rle.decode(bytes, {
    rows: info.rows,
    columns: info.columns,
    bitsAllocated: info.bitsAllocated,
    samplesPerPixel: info.samplesPerPixel,
    planarConfiguration: info.planarConfiguration,
    signed: info.pixelRepresentation === 1,
  });
  const out = new Uint8Array(imageFrame.buffer, imageFrame.byteOffset, imageFrame.byteLength);
  // The 16-bit decoder writes each sample's low then high byte: little endian.
  return info.bitsAllocated === 16 ? new Uint16Array(out.buffer, out.byteOffset, out.byteLength / 2) : out;
}

/**
 * Decodes one compressed frame (its bytes from the encapsulated Pixel Data) of transfer syntax
 * `syntax` into `rows × columns × samplesPerPixel` samples (colour pixel-interleaved, except RLE
 * with PlanarConfiguration 1, which stays colour-by-plane).
 * @throws an Error naming the syntax and what failed: no codec for the syntax, a stream whose own
 *   header disagrees with the file's size (checked before decoding), a 12-bit JPEG, a corrupt or
 *   truncated stream (the codec's message), or a decoded size that is not the frame's.
 */
export async function decodeFrame(syntax: string, bytes: Uint8Array, info: CodecFrameInfo): Promise<DecodedSamples> {
  const id = SYNTAX_CODEC[syntax];
  if (!id) throw new Error(`no codec for transfer syntax ${syntax}`);
  try {
    if (id === 'jpegLossless') return decodeJpegLossless(bytes, info);
    if (id === 'rle') return await decodeRle(bytes, info);
    return await decodeWasm(id, bytes, info);
  } catch (e) {
    throw new Error(`${CODEC_PACKAGES[id]} could not decode the ${syntax} stream: ${(e as Error).message}`);
  }
}
