/**
 * Binary SEG pixel data (BitsAllocated 1): the frames' pixels one bit each, the first pixel in
 * the lowest bit of the first byte, frame after frame with no padding between frames (PS3.5
 * 8.1.1), the whole padded with zero bits to an even number of bytes.
 */

/** Bytes of `frames` frames of `pixels` pixels packed one bit each, padded to an even length. */
export function packedBytes(frames: number, pixels: number): number {
  const bytes = Math.ceil((frames * pixels) / 8);
  return bytes + (bytes % 2);
}

/**
 * Packs frames into binary pixel data: `frames[f][p]` non-zero sets the bit.
 * @param pixels pixels per frame (Rows × Columns)
 */
export function packFrames(frames: readonly Uint8Array[], pixels: number): Uint8Array {
  const out = new Uint8Array(packedBytes(frames.length, pixels));
  let bit = 0;
  for (const frame of frames) {
    if (frame.length !== pixels) throw new RangeError(`packFrames: a frame has ${frame.length} pixels, not ${pixels}`);
    for (let p = 0; p < pixels; p++, bit++) if (frame[p]) out[bit >> 3] |= 1 << (bit & 7);
  }
  return out;
}

/** Frame `f` (0-based) of binary pixel data, one byte (0 or 1) per pixel. */
export function unpackFrame(data: Uint8Array, f: number, pixels: number): Uint8Array {
  const start = f * pixels;
  if (Math.ceil((start + pixels) / 8) > data.length) {
    throw new RangeError(`frame ${f + 1} needs bits up to ${start + pixels} but the pixel data has ${data.length * 8}`);
  }
  const out = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const bit = start + p;
    out[p] = (data[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}
