/**
 * A small picture of a decoded DICOM frame (decodeDicomFile.ts), for a series picker: RGBA
 * pixels like `ImageData`, greyscale windowed from the frame's own minimum to maximum.
 */
import { valueRange } from '../model/overlays';
import type { DecodedDicom } from './decodeDicomFile';

/** What {@link thumbnailOf} draws from: the fields of a decoded file it reads. */
export type ThumbnailSource = Pick<DecodedDicom, 'rows' | 'columns' | 'samplesPerPixel' | 'pixels' | 'photometric' | 'planarConfiguration'>;

/** RGBA pixels, row by row from the top (what `new ImageData(data, width, height)` takes). */
export interface Thumbnail {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * The first frame of `decoded` scaled to `width` pixels across (height in proportion, at least
 * 1), nearest neighbour. Greyscale is windowed from the frame's minimum (black) to its maximum
 * (white; a constant frame is black), MONOCHROME1 inverted; colour (3 samples per pixel, by pixel
 * or by plane) is windowed the same way over all its samples. Rescale slope and intercept do not
 * matter: a linear map keeps the window's ends.
 * @throws Error when `width` is not a positive integer or the frame is missing or the wrong size
 */
export function thumbnailOf(decoded: ThumbnailSource, width: number): Thumbnail {
  if (!Number.isInteger(width) || width < 1) throw new Error(`thumbnailOf: width must be a positive integer, got ${width}`);
  const { rows, columns, samplesPerPixel: spp } = decoded;
  const frame = decoded.pixels[0];
  if (!frame) throw new Error('thumbnailOf: the decoded file has no frame');
  if (frame.length !== rows * columns * spp) throw new Error(`thumbnailOf: the frame has ${frame.length} samples, ${columns}×${rows}×${spp} needs ${rows * columns * spp}`);
  const height = Math.max(1, Math.round((width * rows) / columns));
  const [min, max] = valueRange(frame);
  const scale = max > min ? 255 / (max - min) : 0;
  const invert = decoded.photometric === 'MONOCHROME1';
  const planar = spp > 1 && decoded.planarConfiguration === 1;
  const plane = rows * columns;
  const level = (v: number) => {
    const g = (v - min) * scale;
    return invert ? 255 - g : g;
  };
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(columns - 1, Math.floor(((x + 0.5) * columns) / width));
      const p = sy * columns + sx;
      const o = (y * width + x) * 4;
      if (spp >= 3) {
        for (let c = 0; c < 3; c++) data[o + c] = level(frame[planar ? c * plane + p : p * spp + c]);
      } else {
        const g = level(frame[p * spp]);
        data[o] = g;
        data[o + 1] = g;
        data[o + 2] = g;
      }
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}
