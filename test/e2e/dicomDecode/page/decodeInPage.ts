/** What the DICOM decode test page (main.ts) answers; shared by the page and its test. */
import type { DecodedDicom } from '../../../../src-renderer/viewer/dicom/decodeDicomFile';

/** A decoded file as it crosses from the page: the frames as plain arrays, with their types' names. */
export type DecodedInPage = Omit<DecodedDicom, 'pixels'> & {
  /** The typed array's constructor name, per decoded frame. */
  pixelType: string[];
  /** The decoded frames' samples. */
  pixels: number[][];
  /** The 16-pixel-wide thumbnail's size and its first pixel's alpha. */
  thumbnail: { width: number; height: number; alpha: number };
};

/** `window.decodeDicom(url, options)`: the decoded file or the error's message. */
export type DecodeInPage = (url: string, options?: { firstFrameOnly?: boolean; frame?: number; maxDecodedBytes?: number }) => Promise<{ decoded: DecodedInPage } | { error: string }>;
