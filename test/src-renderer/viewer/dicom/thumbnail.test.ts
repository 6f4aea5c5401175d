/** thumbnailOf: a decoded DICOM frame as RGBA, windowed from the frame's minimum to its maximum. */
import { describe, expect, it } from 'vitest';
import { thumbnailOf, type ThumbnailSource } from '../../../../src-renderer/viewer/dicom/thumbnail';

/** A 2×4 (rows×columns) greyscale frame: -100 … 600. */
function grey(photometric = 'MONOCHROME2'): ThumbnailSource {
  return { rows: 2, columns: 4, samplesPerPixel: 1, photometric, planarConfiguration: 0, pixels: [Int16Array.of(-100, 0, 100, 200, 300, 400, 500, 600)] };
}

/** The grey levels (red channel) and alphas of a thumbnail. */
const levels = (t: { data: Uint8ClampedArray }) => Array.from(t.data.filter((_, i) => i % 4 === 0));
const alphas = (t: { data: Uint8ClampedArray }) => Array.from(t.data.filter((_, i) => i % 4 === 3));

describe('thumbnailOf', () => {
  it('at full size: min → 0, max → 255, linear between (R = G = B), opaque', () => {
    const t = thumbnailOf(grey(), 4);
    expect([t.width, t.height]).toEqual([4, 2]);
    expect(levels(t)).toEqual([0, 36, 73, 109, 146, 182, 219, 255]);
    expect(Array.from(t.data.subarray(4, 8))).toEqual([36, 36, 36, 255]);
    expect(alphas(t)).toEqual(Array(8).fill(255));
  });

  it('scaled down to 2 across (height in proportion, nearest neighbour), and at least 1 row', () => {
    const t = thumbnailOf(grey(), 2);
    expect([t.width, t.height]).toEqual([2, 1]);
    // Pixel centres at source columns 1 and 3 of source row 1 (values 400 and 600).
    expect(levels(t)).toEqual([182, 255]);
  });

  it('MONOCHROME1 is inverted; a constant frame is black', () => {
    expect(levels(thumbnailOf(grey('MONOCHROME1'), 4))).toEqual([255, 219, 182, 146, 109, 73, 36, 0]);
    expect(levels(thumbnailOf({ ...grey(), pixels: [new Int16Array(8).fill(7)] }, 4))).toEqual(Array(8).fill(0));
  });

  it('RGB by pixel and by plane give the same picture', () => {
    const byPixel = Uint8Array.of(10, 20, 30, 40, 50, 60);
    const byPlane = Uint8Array.of(10, 40, 20, 50, 30, 60);
    const src = { rows: 1, columns: 2, samplesPerPixel: 3, photometric: 'RGB' };
    const a = thumbnailOf({ ...src, planarConfiguration: 0, pixels: [byPixel] }, 2);
    const b = thumbnailOf({ ...src, planarConfiguration: 1, pixels: [byPlane] }, 2);
    expect(Array.from(a.data)).toEqual([0, 51, 102, 255, 153, 204, 255, 255]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('refuses a bad width and a frame of the wrong size', () => {
    expect(() => thumbnailOf(grey(), 0)).toThrow('thumbnailOf: width must be a positive integer, got 0');
    expect(() => thumbnailOf({ ...grey(), rows: 3 }, 4)).toThrow('thumbnailOf: the frame has 8 samples, 4×3×1 needs 12');
    expect(() => thumbnailOf({ ...grey(), pixels: [] }, 4)).toThrow('thumbnailOf: the decoded file has no frame');
  });
});
