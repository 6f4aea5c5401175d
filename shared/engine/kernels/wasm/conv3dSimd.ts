/**
 * The WebAssembly SIMD 3-D convolution driver (stride 1 along the width; any depth/height
 * strides, any dilations and padding). Per chunk of output depths it stages the input depth
 * slices the chunk reads into the module's memory as zero-padded channel planes, then for every
 * output row writes the table of its valid (depth, height) taps and runs the generated f32x4 row
 * functions for each block of output channels; the chunk's output is copied out at once.
 */
import { channelBlocks } from '../channelBlocks';
import type { Conv3DGeometry } from '../conv3dGeometry';
import { SIMD_BLOCK_W_MAX, SIMD_MR_FOR_NR } from './conv3dSimdModule';
import { simdInstance } from './conv3dSimdInstance';

/** Most bytes of staged input plus output per chunk (a chunk holds at least one output depth). */
const CHUNK_BUDGET = 128 * 2 ** 20;

/** Rounds up to a multiple of 16 bytes. */
function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/** The input depth slices that output depths `od0 .. od1 − 1` read, ascending. */
function slicesOf(g: Conv3DGeometry, od0: number, od1: number): number[] {
  const seen = new Set<number>();
  for (let od = od0; od < od1; od++) {
    for (let kd = 0; kd < g.filterDepth; kd++) {
      const xd = od * g.strideDepth + kd * g.dilationDepth - g.padFront;
      if (xd >= 0 && xd < g.inDepth) seen.add(xd);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * Computes the convolution described by `g` into `y` with the SIMD module.
 *
 * @param g geometry from `conv3dGeometry`
 * @param x input, NDHWC
 * @param filter filter, `[fd][fh][fw][cin][cout]`
 * @param y output, NDHWC (every value is written)
 * @param chunkBudget most bytes of staged input plus output per chunk of output depths
 * @returns false (and leaves `y` untouched) when the SIMD path does not apply: no WebAssembly
 *   SIMD, a width stride above 1, or memory that cannot grow enough
 */
export function conv3dSimd(
  g: Conv3DGeometry, x: Float32Array, filter: Float32Array, y: Float32Array, chunkBudget = CHUNK_BUDGET,
): boolean {
  if (g.strideWidth !== 1) return false;
  const inst = simdInstance();
  if (!inst) return false;
  const { batch, inDepth, inHeight, inWidth, inChannels: cin, outChannels: cout } = g;
  const { filterDepth: fd, filterHeight: fh, filterWidth: fw, outDepth, outHeight, outWidth } = g;
  if (y.length === 0) return true;
  if (cin === 0) {
    y.fill(0);
    return true;
  }
  const planeWidth = Math.ceil(outWidth / SIMD_BLOCK_W_MAX) * SIMD_BLOCK_W_MAX + (fw - 1) * g.dilationWidth;
  const planeBytes = planeWidth * 4;
  const rowBytes = cin * planeBytes;
  const sliceBytes = inHeight * rowBytes;
  const outDepthBytes = outHeight * outWidth * cout * 4;

  // Chunks of output depths whose staged input and output fit the budget.
  const chunks: [number, number][] = [];
  let maxSlices = 0;
  let maxDepths = 0;
  for (let od0 = 0; od0 < outDepth;) {
    let od1 = od0 + 1;
    while (od1 < outDepth && slicesOf(g, od0, od1 + 1).length * sliceBytes + (od1 + 1 - od0) * outDepthBytes <= chunkBudget) od1++;
    chunks.push([od0, od1]);
    maxSlices = Math.max(maxSlices, slicesOf(g, od0, od1).length);
    maxDepths = Math.max(maxDepths, od1 - od0);
    od0 = od1;
  }

  // Memory: tap table | filter | one raw input slice | staged slices | chunk output (+ slack).
  const tapBase = 0;
  const filterBase = align16(fd * fh * 8);
  const rawBase = filterBase + align16(filter.length * 4);
  const stageBase = rawBase + align16(inHeight * inWidth * cin * 4);
  const outBase = stageBase + maxSlices * sliceBytes;
  const end = outBase + maxDepths * outDepthBytes + SIMD_BLOCK_W_MAX * cout * 4 + 16;
  if (!inst.reserve(end)) return false;
  const f32 = inst.f32, i32 = inst.i32, rowFns = cin === 1 ? inst.rowsCin1 : inst.rows, stage = inst.stage;
  f32.set(filter, filterBase / 4);

  const blocks = channelBlocks(cout, 4);
  const blockCounts = blocks.map((nr) => Math.ceil(outWidth / (4 * SIMD_MR_FOR_NR[nr])));
  const tapFilterBytes = fw * cin * cout * 4;
  const dwBytes = g.dilationWidth * 4;
  const coutBytes = cout * 4;
  const outRowBytes = outWidth * cout * 4;
  const slotOf = new Int32Array(inDepth);
  // Input columns that land in a plane, and where.
  const firstCol = Math.max(0, -g.padLeft);
  const lastCol = Math.min(inWidth, planeWidth - g.padLeft);
  const sliceLen = inHeight * inWidth * cin;

  for (let b = 0; b < batch; b++) {
    for (const [od0, od1] of chunks) {
      slotOf.fill(-1);
      const slices = slicesOf(g, od0, od1);
      f32.fill(0, stageBase / 4, (stageBase + slices.length * sliceBytes) / 4);
      slices.forEach((xd, s) => {
        slotOf[xd] = s;
        if (lastCol <= firstCol || inHeight === 0) return;
        const src = (b * inDepth + xd) * sliceLen;
        f32.set(x.subarray(src, src + sliceLen), rawBase / 4);
        stage(rawBase + firstCol * cin * 4, stageBase + s * sliceBytes + (firstCol + g.padLeft) * 4,
          inHeight, cin, lastCol - firstCol, rowBytes, planeBytes);
      });
      for (let od = od0; od < od1; od++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const out = outBase + ((od - od0) * outHeight + oh) * outRowBytes;
          let taps = 0;
          for (let kd = 0; kd < fd; kd++) {
            const xd = od * g.strideDepth + kd * g.dilationDepth - g.padFront;
            if (xd < 0 || xd >= inDepth) continue;
            for (let kh = 0; kh < fh; kh++) {
              const xh = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
              if (xh < 0 || xh >= inHeight) continue;
              i32[(tapBase >> 2) + 2 * taps] = stageBase + slotOf[xd] * sliceBytes + xh * rowBytes;
              i32[(tapBase >> 2) + 2 * taps + 1] = filterBase + (kd * fh + kh) * tapFilterBytes;
              taps++;
            }
          }
          if (taps === 0) {
            f32.fill(0, out / 4, (out + outRowBytes) / 4);
            continue;
          }
          for (let k = 0, co = 0; k < blocks.length; co += blocks[k], k++) {
            rowFns[blocks[k]](tapBase, taps, cin, fw, dwBytes, planeBytes, coutBytes, co * 4, out, blockCounts[k]);
          }
        }
      }
      const outF = outBase / 4;
      y.set(f32.subarray(outF, outF + ((od1 - od0) * outDepthBytes) / 4), ((b * outDepth + od0) * outDepthBytes) / 4);
    }
  }
  return true;
}
