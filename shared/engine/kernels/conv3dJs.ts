/**
 * The JavaScript 3-D convolution driver: loops over output rows (batch, depth, height), gathers
 * the input rows of the row's valid (depth, height) taps into a zero-padded scratch (so taps that
 * fall outside the volume are skipped once per row, never tested per voxel, and width taps that
 * fall outside read zeros), then runs the register-blocked inner loops of `conv3dBlocksJs`.
 */
import { channelBlocks } from './channelBlocks';
import type { Conv3DGeometry } from './conv3dGeometry';
import { block4x1, block4x2, block4x3, block4x4, block4x5, type RowBlockParams } from './conv3dBlocksJs';

/** Output voxels per block along the width. */
const BLOCK_W = 4;

/** The block functions by the number of output channels they compute (index 1..5). */
const BLOCKS = [block4x1, block4x1, block4x2, block4x3, block4x4, block4x5];

/**
 * Computes a 3-D convolution (NDHWC, any strides, dilations and padding described by `g`) into
 * `y`, which must hold `g.outShape`'s product of zeros or garbage (every value is written).
 *
 * @param g geometry from `conv3dGeometry`
 * @param x input, NDHWC
 * @param filter filter, `[fd][fh][fw][cin][cout]`
 * @param y output, NDHWC
 */
export function conv3dJs(g: Conv3DGeometry, x: Float32Array, filter: Float32Array, y: Float32Array): void {
  const { batch, inDepth, inHeight, inWidth, inChannels: cin, outChannels: cout } = g;
  const { filterDepth: fd, filterHeight: fh, filterWidth: fw, outDepth, outHeight, outWidth } = g;
  if (y.length === 0) return;
  if (cin === 0) {
    y.fill(0);
    return;
  }
  const outWidthPadded = Math.ceil(outWidth / BLOCK_W) * BLOCK_W;
  // Padded row: position p holds input column p - padLeft (zero outside the input).
  const rowWidth = (outWidthPadded - 1) * g.strideWidth + (fw - 1) * g.dilationWidth + 1;
  const rowLen = rowWidth * cin;
  const rows = new Float64Array(fd * fh * rowLen);
  const tapFilter = new Int32Array(fd * fh);
  const tapRow = new Int32Array(fd * fh).fill(-1);
  // Which input column range lands inside the padded row, and where.
  const firstCol = Math.max(0, -g.padLeft);
  const lastCol = Math.min(inWidth, rowWidth - g.padLeft); // exclusive
  const copyDst = (firstCol + g.padLeft) * cin;
  const copySrc = firstCol * cin;
  const copyLen = Math.max(0, lastCol - firstCol) * cin;
  const p: RowBlockParams = {
    rows,
    filter: Float64Array.from(filter),
    tapFilter,
    taps: 0,
    rowLen,
    stepX: g.strideWidth * cin,
    filterWidth: fw,
    tapStep: g.dilationWidth * cin,
    inChannels: cin,
    outChannels: cout,
    y,
  };
  const blockSizes = channelBlocks(cout, 5);
  const blockFns = blockSizes.map((n) => BLOCKS[n]);
  const blockStart = blockSizes.map((_, i) => blockSizes.slice(0, i).reduce((a, b) => a + b, 0));
  const nBlocks = blockSizes.length;
  const tapFilterStride = fw * cin * cout;
  for (let b = 0; b < batch; b++) {
    for (let od = 0; od < outDepth; od++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const yRow = (((b * outDepth + od) * outHeight + oh) * outWidth) * cout;
        let taps = 0;
        for (let kd = 0; kd < fd; kd++) {
          const xd = od * g.strideDepth + kd * g.dilationDepth - g.padFront;
          if (xd < 0 || xd >= inDepth) continue;
          for (let kh = 0; kh < fh; kh++) {
            const xh = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
            if (xh < 0 || xh >= inHeight) continue;
            tapFilter[taps] = (kd * fh + kh) * tapFilterStride;
            const src = ((b * inDepth + xd) * inHeight + xh) * inWidth * cin;
            // Reuse the slot if it already holds this input row (same slot, same row as before).
            if (tapRow[taps] !== src) {
              const dst = taps * rowLen;
              rows.fill(0, dst, dst + copyDst);
              for (let i = 0; i < copyLen; i++) rows[dst + copyDst + i] = x[src + copySrc + i];
              rows.fill(0, dst + copyDst + copyLen, dst + rowLen);
              tapRow[taps] = src;
            }
            taps++;
          }
        }
        if (taps === 0) {
          y.fill(0, yRow, yRow + outWidth * cout);
          continue;
        }
        p.taps = taps;
        for (let w0 = 0; w0 < outWidth; w0 += BLOCK_W) {
          const count = Math.min(BLOCK_W, outWidth - w0);
          for (let k = 0; k < nBlocks; k++) blockFns[k](p, w0, count, blockStart[k], yRow);
        }
      }
    }
  }
}
