/**
 * A tiny PNG reader for the report tests: enough to tell a rendered page from a blank one.
 * Reads 8-bit grey, grey+alpha, RGB and RGBA, non-interlaced (what pdftoppm writes), undoes the
 * five row filters and inflates with node:zlib. Decoding the pixels (rather than looking at the
 * file size) is what proves a page has ink: a blank A4 page at 50 dpi is still a valid PNG of a
 * few hundred bytes, and a file size alone says nothing about where the ink is.
 */
import { inflateSync } from 'node:zlib';

/** Size of a decoded PNG and how much of it is not white. */
export interface PngStats {
  width: number;
  height: number;
  /** Pixels whose darkest channel is below 235 (out of 255), as a fraction of all pixels. */
  inkFraction: number;
  /** Number of distinct grey levels (min channel, quantised to 16 levels) seen: 1 for a flat page. */
  levels: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** A decoded PNG: `channels` bytes per pixel, row-major, top row first. */
export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

/** Decodes `bytes` (a PNG file) and measures its ink. */
export function pngStats(bytes: Uint8Array): PngStats {
  const { width, height, channels, pixels: px } = decodePng(bytes);
  let ink = 0;
  const levels = new Set<number>();
  const colour = channels >= 3 ? 3 : 1;
  for (let p = 0; p < width * height; p++) {
    let m = 255;
    for (let k = 0; k < colour; k++) m = Math.min(m, px[p * channels + k]);
    if (m < 235) ink++;
    levels.add(m >> 4);
  }
  return { width, height, inkFraction: ink / (width * height), levels: levels.size };
}

/** Decodes `bytes` (a PNG file) into its pixels. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) throw new Error('pngStats: not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (off + 8 <= bytes.length) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    const data = bytes.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      const depth = data[8];
      channels = CHANNELS[data[9]] ?? 0;
      if (depth !== 8 || channels === 0 || data[12] !== 0) throw new Error(`pngStats: only 8-bit non-interlaced grey/RGB(A) PNGs are supported (depth ${depth}, colour type ${data[9]}, interlace ${data[12]})`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = src[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`pngStats: bad filter ${filter} on row ${y}`);
      row[i] = v & 0xff;
    }
  }
  return { width, height, channels, pixels: px };
}
