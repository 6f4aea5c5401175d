/** Binary SEG pixel data: frames packed bit after bit, first pixel in the lowest bit, no padding between frames. */
import { describe, expect, it } from 'vitest';
import { packedBytes, packFrames, unpackFrame } from '../../../../src-node/dicom/seg/bits';

describe('packFrames / unpackFrame', () => {
  it('packs the first pixel into bit 0 and pads the whole to an even length', () => {
    const f = new Uint8Array(8);
    f[0] = 1;
    f[3] = 1;
    expect([...packFrames([f], 8)]).toEqual([0b00001001, 0]);
    expect(packedBytes(1, 8)).toBe(2);
  });

  it('frames of 15 pixels (3×5) run on across byte boundaries and unpack to what was packed', () => {
    const frames = [0, 1, 2].map((f) => Uint8Array.from({ length: 15 }, (_, p) => ((p * 7 + f * 3) % 4 === 0 ? 1 : 0)));
    const packed = packFrames(frames, 15);
    expect(packed.length).toBe(6); // 45 bits → 6 bytes (even)
    frames.forEach((f, i) => expect([...unpackFrame(packed, i, 15)]).toEqual([...f]));
    // Frame 2 starts at bit 15: the top bit of byte 1.
    expect((packed[1] >> 7) & 1).toBe(frames[1][0]);
  });

  it('names a frame beyond the data and a frame of the wrong size', () => {
    expect(() => unpackFrame(new Uint8Array(2), 1, 16)).toThrow('frame 2 needs bits up to 32 but the pixel data has 16');
    expect(() => packFrames([new Uint8Array(3)], 4)).toThrow('packFrames: a frame has 3 pixels, not 4');
  });
});
