/**
 * One DICOM file's pixels decoded in the renderer with @cornerstonejs/dicom-image-loader: its
 * dicom-parser reading with the loader's inflater (deflated syntax), the loader's
 * `getImagePixelModule` and `getPixelData` for the frames' bytes, and its decode worker for the
 * samples (decodeWorker.ts) — the cornerstone codec packages Node decodes with
 * (src-node/dicom/codecs.ts), at the versions the loader pins.
 *
 * The viewer itself shows a series as the NIfTI it was imported to (docs/dicom.md); this is for
 * what needs one file's pixels in the page, such as a series picker's thumbnail (thumbnail.ts).
 */
import type { DataSet } from 'dicom-parser';
import { parseDicom } from '@cornerstonejs/dicom-image-loader/wadouri/parseDicomWithInflater';
import getPixelData from '@cornerstonejs/dicom-image-loader/wadouri/getPixelData';
import getImagePixelModule from '@cornerstonejs/dicom-image-loader/wadouri/metaData/getImagePixelModule';
import { decodeFrameInWorker, type LoaderImageFrame } from './decodeWorker';

/** Decoded samples of one frame, in the type BitsAllocated and PixelRepresentation call for. */
export type DecodedPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** A decoded DICOM file. */
export interface DecodedDicom {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** NumberOfFrames (1 when absent). */
  frames: number;
  /**
   * The decoded frames (all, or only the first with `firstFrameOnly`, or `frame`), each rows × columns ×
   * samplesPerPixel stored values as the loader's decoders give them: RescaleSlope/Intercept NOT
   * applied (see `rescale`), colour pixel-interleaved (native data with PlanarConfiguration 1
   * stays colour-by-plane), JPEG baseline colour as the codec's RGB.
   */
  pixels: DecodedPixels[];
  /** PhotometricInterpretation of the file (e.g. MONOCHROME2, RGB, YBR_FULL_422). */
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  planarConfiguration: number;
  /** RescaleSlope and RescaleIntercept of the file (1 and 0 when absent); not applied to `pixels`. */
  rescale: { slope: number; intercept: number };
  transferSyntaxUid: string;
}

/** Options of {@link decodeDicomFile}. */
export interface DecodeDicomOptions {
  /** The file's name, put in front of every error message (default `DICOM file`). */
  name?: string;
  /** Decode only the first frame (a thumbnail). */
  firstFrameOnly?: boolean;
  /** Decode only this frame (0-based; `pixels[0]` holds it): a multi-frame file's middle image for a thumbnail. */
  frame?: number;
  /** Most bytes the decoded frames may take together (default 512 MiB), checked before decoding. */
  maxDecodedBytes?: number;
}

const DEFAULT_MAX_DECODED = 512 * 1024 * 1024;

/** The transfer syntaxes the loader decodes (its decodeImageFrameWorker's switch). */
const SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2': 'implicit VR little endian',
  '1.2.840.10008.1.2.1': 'explicit VR little endian',
  '1.2.840.10008.1.2.1.99': 'deflated explicit VR little endian',
  '1.2.840.10008.1.2.2': 'explicit VR big endian',
  '1.2.840.10008.1.2.5': 'RLE lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG extended',
  '1.2.840.10008.1.2.4.57': 'JPEG lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};

/** The codec package behind each compressed syntax's decoder in the loader's worker (named in errors). */
const CODEC: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': '@cornerstonejs/codec-libjpeg-turbo-8bit',
  '1.2.840.10008.1.2.4.80': '@cornerstonejs/codec-charls',
  '1.2.840.10008.1.2.4.81': '@cornerstonejs/codec-charls',
  '1.2.840.10008.1.2.4.90': '@cornerstonejs/codec-openjpeg',
  '1.2.840.10008.1.2.4.91': '@cornerstonejs/codec-openjpeg',
  '1.2.840.10008.1.2.4.201': '@cornerstonejs/codec-openjph',
  '1.2.840.10008.1.2.4.202': '@cornerstonejs/codec-openjph',
  '1.2.840.10008.1.2.4.203': '@cornerstonejs/codec-openjph',
};

/**
 * A decoder's failure in words. Codec builds whose Embind glue makes functions with `new Function`
 * stop at the Worker's CSP (`script-src 'self' 'wasm-unsafe-eval'`, no `'unsafe-eval'`): say so.
 */
function decoderFailure(syntax: string, message: string): string {
  if (/unsafe-eval/.test(message)) {
    return `the ${CODEC[syntax] ?? 'codec'} build needs 'unsafe-eval' (its Embind glue calls new Function), which the app's Content-Security-Policy does not allow in its Workers`;
  }
  return message;
}

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

/** `(GGGG,EEEE)` of a dicom-parser tag (`x7fe00010`), with the name of the few that matter here. */
function tagName(tag: string): string {
  const t = `(${tag.slice(1, 5)},${tag.slice(5, 9)})`.toUpperCase();
  const names: Record<string, string> = { x7fe00010: 'Pixel Data', x00020010: 'Transfer Syntax UID' };
  return names[tag] ? `${t} ${names[tag]}` : t;
}

/** dicom-parser's reading, or an Error saying where the file stops making sense. */
function parse(bytes: Uint8Array): DataSet {
  try {
    return parseDicom(bytes);
  } catch (e) {
    // dicom-parser throws strings, or { exception, dataSet } with what it read before the problem.
    const partial = e as { exception?: unknown; dataSet?: DataSet };
    const reason = String(partial?.exception ?? (e instanceof Error ? e.message : e));
    const elements = partial?.dataSet?.elements;
    const tags = elements ? Object.keys(elements) : [];
    const last = tags.length ? elements![tags[tags.length - 1]] : undefined;
    if (last && last.dataOffset + last.length > bytes.length) {
      const declared = last.length === 0xffffffff ? 'undefined length (its items run past the end)' : `${last.length} bytes at offset ${last.dataOffset}`;
      throw new Error(`cut short: element ${tagName(last.tag)} declares ${declared}, the file has ${bytes.length} bytes (${reason})`);
    }
    throw new Error(`not a readable DICOM file (${reason})`);
  }
}

function numberOr(value: number | undefined, fallback: number): number {
  return value === undefined || Number.isNaN(value) ? fallback : value;
}

/** The typed array of a frame's stored values. */
function storedType(bitsAllocated: number, signed: boolean) {
  if (bitsAllocated <= 8) return signed ? Int8Array : Uint8Array;
  if (bitsAllocated === 16) return signed ? Int16Array : Uint16Array;
  return signed ? Int32Array : Uint32Array;
}

/**
 * Decodes a DICOM Part 10 file's pixels in the loader's worker.
 * @param bytes the whole file
 * @returns the frames' stored values and the attributes needed to read them
 * @throws Error starting with the file's name, saying what is wrong: a file cut short (the element
 *   it ends in), not DICOM, no Pixel Data, a transfer syntax without a decoder (named), a size
 *   over `maxDecodedBytes`, pixel data shorter than its frames, or the decoder's own message
 */
export async function decodeDicomFile(bytes: Uint8Array, options: DecodeDicomOptions = {}): Promise<DecodedDicom> {
  const name = options.name ?? 'DICOM file';
  try {
    return await decode(bytes, options);
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

async function decode(input: Uint8Array, options: DecodeDicomOptions): Promise<DecodedDicom> {
  if (!(input instanceof Uint8Array)) throw new Error('decodeDicomFile: bytes must be a Uint8Array');
  // The loader slices `byteArray.buffer` from the element offsets: the bytes must start their buffer.
  const bytes = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input : input.slice();
  const dataSet = parse(bytes);
  const transferSyntaxUid = (dataSet.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (!transferSyntaxUid) throw new Error('no Transfer Syntax UID (0002,0010) in its file meta information');
  const syntax = SYNTAXES[transferSyntaxUid];
  if (!syntax) throw new Error(`transfer syntax ${transferSyntaxUid} has no decoder in @cornerstonejs/dicom-image-loader`);
  if (!dataSet.elements.x7fe00010) throw new Error('no Pixel Data (7FE0,0010): not an image');

  const module = getImagePixelModule(dataSet) as LoaderImageFrame;
  // An absent attribute reads as undefined: 0, which the checks below refuse.
  const rows = numberOr(module.rows, 0);
  const columns = numberOr(module.columns, 0);
  const bitsAllocated = numberOr(module.bitsAllocated, 0);
  const samplesPerPixel = numberOr(module.samplesPerPixel, 1);
  const bitsStored = numberOr(module.bitsStored, bitsAllocated);
  const pixelRepresentation = numberOr(module.pixelRepresentation, 0);
  const planarConfiguration = numberOr(module.planarConfiguration, 0);
  const photometric = module.photometricInterpretation ?? '';
  if (NATIVE.has(transferSyntaxUid) && photometric === 'YBR_FULL_422') {
    throw new Error('native (uncompressed) YBR_FULL_422 pixel data, with subsampled chroma, is not decoded here');
  }
  if (transferSyntaxUid === '1.2.840.10008.1.2.5' && bitsAllocated !== 8 && !(bitsAllocated === 16 && samplesPerPixel === 1)) {
    // The loader's RLE decoder reads 8-bit images and 16-bit greyscale; 16-bit colour would come out wrong.
    throw new Error(`RLE with ${bitsAllocated} bits allocated and ${samplesPerPixel} sample(s) per pixel is not decoded (the loader's RLE decoder reads 8-bit images and 16-bit greyscale)`);
  }
  if (!(rows > 0 && columns > 0)) throw new Error(`Rows ${rows} and Columns ${columns} must both be positive`);
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw new Error(`BitsAllocated ${bitsAllocated} is not 1, 8, 16 or 32`);
  const frames = Math.max(1, numberOr(dataSet.intString('x00280008'), 1));
  const only = options.frame ?? (options.firstFrameOnly ? 0 : null);
  if (only !== null && !(Number.isInteger(only) && only >= 0 && only < frames)) throw new Error(`frame ${only} is not one of the file's ${frames} frame(s) (0 to ${frames - 1})`);
  const wanted = only !== null ? 1 : frames;
  const bytesPerSample = Math.max(1, bitsAllocated / 8);
  const frameSamples = rows * columns * samplesPerPixel;
  const limit = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED;
  if (frameSamples * bytesPerSample * wanted > limit) {
    throw new Error(`${wanted} frame(s) of ${columns}×${rows}×${samplesPerPixel} ${bitsAllocated}-bit samples take ${frameSamples * bytesPerSample * wanted} bytes, over the limit of ${limit} (maxDecodedBytes)`);
  }

  const imageFrame: LoaderImageFrame = { ...module, samplesPerPixel, bitsStored, pixelRepresentation, planarConfiguration, photometricInterpretation: photometric };
  const Stored = storedType(bitsAllocated, pixelRepresentation === 1);
  const pixels: DecodedPixels[] = [];
  for (let f = only ?? 0; f < (only ?? 0) + wanted; f++) {
    const where = `frame ${f + 1} of ${frames} (${syntax}, ${transferSyntaxUid})`;
    let frameBytes: Uint8Array;
    try {
      frameBytes = getPixelData(dataSet, f) as Uint8Array;
    } catch (e) {
      throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (NATIVE.has(transferSyntaxUid)) {
      const need = bitsAllocated === 1 ? frameSamples : frameSamples * bytesPerSample;
      if (!frameBytes || frameBytes.length < need) throw new Error(`${where}: the pixel data holds ${frameBytes?.length ?? 0} bytes of the frame's ${need}`);
    }
    let decoded: LoaderImageFrame;
    try {
      decoded = await decodeFrameInWorker({ ...imageFrame }, transferSyntaxUid, frameBytes);
    } catch (e) {
      throw new Error(`${where}: ${decoderFailure(transferSyntaxUid, (e as Error).message)}`);
    }
    const samples = decoded.pixelData;
    if (!samples || samples.length !== frameSamples) throw new Error(`${where}: the decoder returned ${samples?.length ?? 0} samples, the frame has ${frameSamples}`);
    pixels.push(samples instanceof Stored ? samples : Stored.from(samples));
  }
  return {
    rows,
    columns,
    samplesPerPixel,
    frames,
    pixels,
    photometric,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    planarConfiguration,
    rescale: { slope: numberOr(dataSet.floatString('x00281053'), 1), intercept: numberOr(dataSet.floatString('x00281052'), 0) },
    transferSyntaxUid,
  };
}
