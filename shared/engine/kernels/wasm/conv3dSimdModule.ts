/**
 * Generates the WebAssembly SIMD (f32x4) inner loops of the 3-D convolution: one function per
 * output-channel block width NR = 1..4, each computing a whole output row in blocks of
 * 4·MR voxels along the width × NR output channels, with the MR·NR accumulators in v128 locals;
 * and a function that stages input rows (channels interleaved) as channel planes.
 *
 * Measured on V8 (Node 20, x64): throughput falls by half as soon as a block needs more than 8
 * accumulators (2×4 or 4×2 run at ~55 GFLOP/s, 2×5 or 3×4 at ~27), so MR·NR ≤ 8: see
 * {@link SIMD_MR_FOR_NR}.
 *
 * Memory conventions (all pointers and strides in bytes, all data float32):
 * - input planes: for every valid (depth, height) tap the row's input is a set of `cin` planes,
 *   one per input channel, `planeBytes` apart, each a zero-padded row along the width (stride 1),
 *   so output voxel w, width tap kw reads plane[w + kw·dilation];
 * - the tap table: `nTaps` pairs (i32 input-row pointer, i32 filter pointer), where the filter
 *   pointer addresses `[kw][ci][cout]` of that (kd, kh) tap in tfjs's filter layout;
 * - the output row is channels-last: channel c of voxel w at `out + 4·(w·cout + c)`. The last
 *   block may write up to 4·MR − 1 voxels past the row's end (the caller leaves room).
 *
 * `row1` .. `row4`: `(taps, nTaps, cin, fw, dwBytes, planeBytes, coutBytes, coBytes, out, nBlocks)`
 * compute channels `co .. co + NR − 1` (coBytes = 4·co) for `nBlocks` blocks of 4·MR voxels;
 * `row1c1` .. `row4c1` do the same for exactly one input channel (`cin` and `planeBytes` unused).
 *
 * `stage`: `(src, dst, rows, cin, width, rowBytes, planeBytes)` copies `rows` rows of `width`
 * voxels × `cin` interleaved channels (row r at `src + 4·r·width·cin`) into channel planes
 * (row r, channel c at `dst + r·rowBytes + c·planeBytes`); all counts ≥ 1.
 */
import { encodeModule, FuncBuilder, I32, Op, Simd, V128 } from './wasmEncoder';

/**
 * f32x4 vectors per block along the width (a block is 4·MR output voxels) of the row function
 * for NR output channels, index NR = 1..4: the fastest measured shape with at most 8 accumulators.
 */
export const SIMD_MR_FOR_NR: readonly number[] = [0, 4, 4, 2, 2];
/** Widest output-channel block. */
export const SIMD_NR_MAX = 4;
/** Widest block along the width, in voxels (rows are padded to a multiple of it). */
export const SIMD_BLOCK_W_MAX = 16;

/** `local -= 1; br_if depth (local != 0)` */
function countDown(f: FuncBuilder, local: number, depth: number): void {
  f.get(local).i32(1).raw(Op.i32Sub).tee(local).raw(Op.brIf).u(depth);
}

/** `local += step` where step is a local. */
function addLocal(f: FuncBuilder, local: number, step: number): void {
  f.get(local).get(step).raw(Op.i32Add).set(local);
}

/**
 * Builds the body of the NR-channel row function; `cin1` drops the input-channel loop (one input
 * channel: the first layer), which makes that case ~40 % faster.
 */
function rowFunction(mr: number, nr: number, cin1: boolean): FuncBuilder {
  const f = new FuncBuilder(10);
  const [taps, nTaps, cin, fw, dwBytes, planeBytes, coutBytes, coBytes, out, nBlocks] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const wOff = f.local(I32), t = f.local(I32), tp = f.local(I32), xk = f.local(I32), fk = f.local(I32);
  const kw = f.local(I32), ci = f.local(I32), xp = f.local(I32), fp = f.local(I32), op = f.local(I32), wb = f.local(I32);
  const acc: number[] = [];
  for (let k = 0; k < mr * nr; k++) acc.push(f.local(V128));
  const xv: number[] = [];
  for (let i = 0; i < mr; i++) xv.push(f.local(V128));
  const fv = f.local(V128);
  const a = (i: number, j: number): number => acc[i * nr + j];

  f.i32(0).set(wOff);
  f.get(out).get(coBytes).raw(Op.i32Add).set(op);
  f.get(nBlocks).set(wb);
  f.raw(Op.loop, 0x40); // W
  for (const k of acc) f.v128Zero().set(k);
  f.get(taps).set(tp);
  f.get(nTaps).set(t);
  f.raw(Op.loop, 0x40); // T
  f.get(tp).raw(Op.i32Load).u(2).u(0).get(wOff).raw(Op.i32Add).set(xk);
  f.get(tp).raw(Op.i32Load).u(2).u(4).get(coBytes).raw(Op.i32Add).set(fk);
  f.get(fw).set(kw);
  f.raw(Op.loop, 0x40); // KW
  f.get(xk).set(xp);
  f.get(fk).set(fp);
  if (!cin1) {
    f.get(cin).set(ci);
    f.raw(Op.loop, 0x40); // CI
  }
  for (let i = 0; i < mr; i++) f.get(xp).simdMem(Simd.v128Load, 2, 16 * i).set(xv[i]);
  for (let j = 0; j < nr; j++) {
    f.get(fp).simdMem(Simd.v128Load32Splat, 2, 4 * j).set(fv);
    for (let i = 0; i < mr; i++) {
      f.get(a(i, j)).get(xv[i]).get(fv).simd(Simd.f32x4Mul).simd(Simd.f32x4Add).set(a(i, j));
    }
  }
  if (!cin1) {
    addLocal(f, xp, planeBytes);
    addLocal(f, fp, coutBytes);
    countDown(f, ci, 0);
    f.raw(Op.end); // CI
  }
  // The next width tap's filter slice follows this one's cin·cout values.
  if (cin1) f.get(fp).get(coutBytes).raw(Op.i32Add).set(fk);
  else f.get(fp).set(fk);
  addLocal(f, xk, dwBytes);
  countDown(f, kw, 0);
  f.raw(Op.end); // KW
  f.get(tp).i32(8).raw(Op.i32Add).set(tp);
  countDown(f, t, 0);
  f.raw(Op.end); // T
  // Store channels-last: voxel by voxel, NR channels each.
  for (let i = 0; i < mr; i++) {
    for (let lane = 0; lane < 4; lane++) {
      for (let j = 0; j < nr; j++) {
        f.get(op).get(a(i, j)).simd(Simd.f32x4ExtractLane).raw(lane).raw(Op.f32Store).u(2).u(4 * j);
      }
      addLocal(f, op, coutBytes);
    }
  }
  f.get(wOff).i32(16 * mr).raw(Op.i32Add).set(wOff);
  countDown(f, wb, 0);
  f.raw(Op.end); // W
  return f;
}

/** Builds the staging function (interleaved channels → channel planes). */
function stageFunction(): FuncBuilder {
  const f = new FuncBuilder(7);
  const [src, dst, rows, cin, width, rowBytes, planeBytes] = [0, 1, 2, 3, 4, 5, 6];
  const r = f.local(I32), c = f.local(I32), w = f.local(I32), s = f.local(I32), d = f.local(I32);
  const cinBytes = f.local(I32), rowSrc = f.local(I32), rowDst = f.local(I32), planeDst = f.local(I32);
  f.get(cin).i32(4).raw(Op.i32Mul).set(cinBytes);
  f.get(src).set(rowSrc);
  f.get(dst).set(rowDst);
  f.get(rows).set(r);
  f.raw(Op.loop, 0x40); // rows
  f.get(rowDst).set(planeDst);
  f.i32(0).set(c);
  f.raw(Op.loop, 0x40); // channels
  f.get(rowSrc).get(c).i32(4).raw(Op.i32Mul).raw(Op.i32Add).set(s);
  f.get(planeDst).set(d);
  f.get(width).set(w);
  f.raw(Op.loop, 0x40); // width
  f.get(d).get(s).raw(Op.f32Load).u(2).u(0).raw(Op.f32Store).u(2).u(0);
  addLocal(f, s, cinBytes);
  f.get(d).i32(4).raw(Op.i32Add).set(d);
  countDown(f, w, 0);
  f.raw(Op.end); // width
  addLocal(f, planeDst, planeBytes);
  f.get(c).i32(1).raw(Op.i32Add).tee(c).get(cin).raw(Op.i32LtU).raw(Op.brIf).u(0);
  f.raw(Op.end); // channels
  f.get(rowSrc).get(width).get(cinBytes).raw(Op.i32Mul).raw(Op.i32Add).set(rowSrc);
  addLocal(f, rowDst, rowBytes);
  countDown(f, r, 0);
  f.raw(Op.end); // rows
  return f;
}

/**
 * The module's bytes: exports `memory`, `stage`, `row1` .. `row<n>` and `row1c1` .. `row<n>c1`,
 * where `mrForNr[nr]` is the number of f32x4 vectors per block along the width of `row<nr>`.
 *
 * @param mrForNr per block width NR (index 1..), vectors along the width (1..4); default
 *   {@link SIMD_MR_FOR_NR}
 */
export function conv3dSimdModuleBytes(mrForNr: readonly number[] = SIMD_MR_FOR_NR): Uint8Array {
  const functions = [{ name: 'stage', body: stageFunction() }];
  for (let nr = 1; nr < mrForNr.length; nr++) {
    const mr = mrForNr[nr];
    if (!Number.isInteger(mr) || mr < 1 || mr > 4) throw new Error(`conv3dSimdModuleBytes: mrForNr[${nr}] must be 1..4, got ${mr}`);
    functions.push({ name: `row${nr}`, body: rowFunction(mr, nr, false) });
    functions.push({ name: `row${nr}c1`, body: rowFunction(mr, nr, true) });
  }
  return encodeModule(functions, 1);
}
