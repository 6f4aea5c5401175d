/**
 * What the compressed DICOM decoders need around the codecs: each frame's bytes out of
 * encapsulated Pixel Data (dicom-parser's helpers, as @cornerstonejs/dicom-image-loader does), and
 * the image size a stream declares in its own header — read before a codec allocates anything,
 * so a stream that claims a larger image than the file's Rows × Columns is refused first.
 */
import dicomParser, { type DataSet, type Element } from 'dicom-parser';

/** The size a compressed stream declares: columns, rows, components and bits per sample. */
export interface StreamHeader {
  width: number;
  height: number;
  components: number;
  /** Bits per sample (JPEG precision); 0 where the stream does not say (RLE). */
  bits: number;
}

/**
 * The bytes of frame `frame` (0-based) of encapsulated Pixel Data, as dicom-image-loader finds
 * them: through the Basic Offset Table when there is one; else the whole pixel data for a single
 * frame, one fragment per frame when there are as many fragments as frames, and otherwise an
 * offset table built from the JPEG end-of-image markers (createJPEGBasicOffsetTable).
 * @throws an Error when the file holds no such frame or its fragments cannot be split into frames.
 */
export function encapsulatedFrame(dataSet: DataSet, element: Element, frame: number, frames: number): Uint8Array {
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) throw new Error('the pixel data are not encapsulated (no fragments), as a compressed transfer syntax needs');
  const table = element.basicOffsetTable ?? [];
  let bytes: Uint8Array;
  try {
    if (table.length > 0) {
      if (table.length !== frames) throw new Error(`the Basic Offset Table lists ${table.length} frame(s), the file declares ${frames}`);
      bytes = dicomParser.readEncapsulatedImageFrame(dataSet, element, frame) as Uint8Array;
    } else if (frames === 1) {
      bytes = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length) as Uint8Array;
    } else if (fragments.length === frames) {
      bytes = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1) as Uint8Array;
    } else {
      bytes = dicomParser.readEncapsulatedImageFrame(dataSet, element, frame, dicomParser.createJPEGBasicOffsetTable(dataSet, element)) as Uint8Array;
    }
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    throw new Error(`cannot find frame ${frame + 1} of ${frames} in the ${fragments.length} fragment(s) of the encapsulated pixel data (${text.replace(/^dicomParser\.\w+: /, '')})`);
  }
  if (bytes.length === 0) throw new Error(`frame ${frame + 1} of the encapsulated pixel data is empty`);
  return bytes;
}

/** Start-of-frame markers of JPEG (baseline, extended, lossless, …) and JPEG-LS (SOF55). */
function isStartOfFrame(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
}

/**
 * The frame header of a JPEG or JPEG-LS stream: precision, lines, samples per line and
 * components of its start-of-frame segment (with the SOF marker, e.g. 0xc0 baseline, 0xc1
 * extended, 0xc3 lossless, 0xf7 JPEG-LS).
 * @throws an Error when the stream does not start with SOI or has no start-of-frame segment.
 */
export function jpegHeader(bytes: Uint8Array): StreamHeader & { marker: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('the stream does not start with a JPEG start-of-image marker (FFD8)');
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) throw new Error(`no JPEG marker at byte ${p} of the stream`);
    const marker = bytes[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    const length = (bytes[p + 2] << 8) | bytes[p + 3];
    if (isStartOfFrame(marker)) {
      if (p + 10 > bytes.length) break;
      return { marker, bits: bytes[p + 4], height: (bytes[p + 5] << 8) | bytes[p + 6], width: (bytes[p + 7] << 8) | bytes[p + 8], components: bytes[p + 9] };
    }
    if (marker === 0xda || marker === 0xd9) break; // scan or end before any frame header
    p += 2 + length;
  }
  throw new Error('the JPEG stream has no start-of-frame segment before its data');
}

/**
 * How many bytes an RLE segment expands to (PS3.5 G.3.1: a header byte n ≥ 0 copies n + 1 bytes,
 * −127…−1 repeats the next byte 1 − n times, −128 is nothing), up to `pixels`. Only counted: the cornerstone
 * decoder does the decoding but stops silently at a segment's end, so a cut or corrupt segment
 * would leave the rest of the image zero without this check.
 */
function rleSegmentLength(bytes: Uint8Array, start: number, end: number, pixels: number): number {
  let n = 0;
  let p = start;
  // Stop once the image is full: what follows is padding (segments are padded to even lengths).
  while (p < end && n < pixels) {
    const h = bytes[p] > 127 ? bytes[p] - 256 : bytes[p];
    if (h >= 0) {
      n += h + 1;
      p += h + 2;
    } else if (h > -128) {
      n += 1 - h;
      p += 2;
    } else p += 1;
  }
  return p > end ? -1 : n;
}

/**
 * The RLE header (DICOM PS3.5 G.3.1): the number of segments and where each starts, checked
 * against what the image needs (samples per pixel × bytes per sample segments, offsets
 * increasing within the frame), and each segment's expanded length against rows × columns.
 * @throws an Error naming what is wrong.
 */
export function rleHeader(bytes: Uint8Array, samplesPerPixel: number, bitsAllocated: number, pixels: number): StreamHeader {
  if (bytes.length < 64) throw new Error(`the RLE frame is ${bytes.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 64);
  const segments = view.getUint32(0, true);
  const want = samplesPerPixel * (bitsAllocated / 8);
  if (segments !== want) throw new Error(`the RLE header declares ${segments} segment(s), ${samplesPerPixel} sample(s) of ${bitsAllocated} bits need ${want}`);
  let last = 63;
  for (let s = 0; s < segments; s++) {
    const offset = view.getUint32(4 + 4 * s, true);
    if (offset <= last || offset >= bytes.length) throw new Error(`RLE segment ${s + 1} starts at byte ${offset}, outside the frame's ${bytes.length} bytes or before the previous segment`);
    last = offset;
  }
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : bytes.length;
    const length = rleSegmentLength(bytes, start, end, pixels);
    if (length < pixels) {
      throw new Error(`RLE segment ${s + 1} of ${segments} ${length < 0 ? 'runs past its end' : `expands to ${length} bytes`}, the image needs ${pixels} (a cut or corrupt stream)`);
    }
  }
  return { width: 0, height: 0, components: samplesPerPixel, bits: 0 };
}

/**
 * The image size of a JPEG 2000 (or HTJ2K) codestream from its SIZ segment, which follows the
 * start-of-codestream marker (FF4F FF51): the reference grid less its offset, the components and
 * the first component's bit depth.
 * @throws an Error when the stream is not a raw J2K codestream (a JP2 file, or truncated before SIZ).
 */
export function j2kHeader(bytes: Uint8Array): StreamHeader {
  if (bytes.length < 42 || bytes[0] !== 0xff || bytes[1] !== 0x4f || bytes[2] !== 0xff || bytes[3] !== 0x51) {
    throw new Error('the stream does not start with a JPEG 2000 codestream header (FF4F FF51)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const [xsiz, ysiz, xosiz, yosiz] = [8, 12, 16, 20].map((o) => view.getUint32(o));
  const components = view.getUint16(40);
  if (bytes.length < 43) throw new Error('the JPEG 2000 SIZ segment is cut short');
  return { width: xsiz - xosiz, height: ysiz - yosiz, components, bits: (bytes[42] & 0x7f) + 1 };
}
