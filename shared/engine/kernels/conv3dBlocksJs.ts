/**
 * Register-blocked inner loops of the JavaScript 3-D convolution: each call computes a block of
 * 4 consecutive output voxels along the width × 1 to 5 output channels of one output row,
 * accumulating over every valid (depth, height) tap of the row, every width tap and every input
 * channel in local variables, then stores the block.
 *
 * The input rows of the valid taps sit in `rows` (Float64Array, one zero-padded input row of
 * `rowLen` values per valid tap, channels interleaved); the filter is a Float64Array in tfjs's
 * layout `[fd][fh][fw][cin][cout]`. Float64 avoids a float32→float64 conversion per load (JS
 * arithmetic is in doubles); the sums are rounded to float32 once, when stored.
 */

/** Parameters shared by every block of one output row (kept in an object to keep calls short). */
export interface RowBlockParams {
  /** Zero-padded input rows, one per valid tap, channels interleaved. */
  rows: Float64Array;
  /** Filter, `[fd][fh][fw][cin][cout]`, as doubles. */
  filter: Float64Array;
  /** Filter offset of each valid (depth, height) tap of this row. */
  tapFilter: Int32Array;
  /** Number of valid taps. */
  taps: number;
  /** Length of one padded input row in `rows` (values). */
  rowLen: number;
  /** Distance between the inputs of consecutive output voxels (stride × cin). */
  stepX: number;
  /** Width taps. */
  filterWidth: number;
  /** Distance between consecutive width taps (dilation × cin). */
  tapStep: number;
  inChannels: number;
  outChannels: number;
  /** Output array. */
  y: Float32Array;
}

/**
 * Computes output voxels `w0 .. w0 + count - 1` (count ≤ 4) × channels `co .. co + 3` of a row
 * whose first output value is at `yRow` in `p.y`.
 */
export function block4x4(p: RowBlockParams, w0: number, count: number, co: number, yRow: number): void {
  const rows = p.rows, f = p.filter, tapFilter = p.tapFilter, taps = p.taps, rowLen = p.rowLen;
  const sx = p.stepX, fw = p.filterWidth, tapStep = p.tapStep, cin = p.inChannels, cout = p.outChannels;
  const sx2 = sx + sx, sx3 = sx2 + sx;
  let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
  let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
  for (let t = 0; t < taps; t++) {
    let xw = t * rowLen + w0 * sx;
    let fo = tapFilter[t] + co;
    for (let kw = 0; kw < fw; kw++) {
      let xo = xw;
      for (let ci = 0; ci < cin; ci++) {
        const x0 = rows[xo], x1 = rows[xo + sx], x2 = rows[xo + sx2], x3 = rows[xo + sx3];
        const f0 = f[fo], f1 = f[fo + 1], f2 = f[fo + 2], f3 = f[fo + 3];
        a00 += x0 * f0; a01 += x0 * f1; a02 += x0 * f2; a03 += x0 * f3;
        a10 += x1 * f0; a11 += x1 * f1; a12 += x1 * f2; a13 += x1 * f3;
        a20 += x2 * f0; a21 += x2 * f1; a22 += x2 * f2; a23 += x2 * f3;
        a30 += x3 * f0; a31 += x3 * f1; a32 += x3 * f2; a33 += x3 * f3;
        xo++;
        fo += cout;
      }
      xw += tapStep;
    }
  }
  const y = p.y;
  let o = yRow + w0 * cout + co;
  y[o] = a00; y[o + 1] = a01; y[o + 2] = a02; y[o + 3] = a03;
  if (count < 2) return;
  o += cout;
  y[o] = a10; y[o + 1] = a11; y[o + 2] = a12; y[o + 3] = a13;
  if (count < 3) return;
  o += cout;
  y[o] = a20; y[o + 1] = a21; y[o + 2] = a22; y[o + 3] = a23;
  if (count < 4) return;
  o += cout;
  y[o] = a30; y[o + 1] = a31; y[o + 2] = a32; y[o + 3] = a33;
}

/** As {@link block4x4} for 5 output channels `co .. co + 4` (MeshNets have 5, 15 or 20 channels). */
export function block4x5(p: RowBlockParams, w0: number, count: number, co: number, yRow: number): void {
  const rows = p.rows, f = p.filter, tapFilter = p.tapFilter, taps = p.taps, rowLen = p.rowLen;
  const sx = p.stepX, fw = p.filterWidth, tapStep = p.tapStep, cin = p.inChannels, cout = p.outChannels;
  const sx2 = sx + sx, sx3 = sx2 + sx;
  let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a04 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0;
  let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a24 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0, a34 = 0;
  for (let t = 0; t < taps; t++) {
    let xw = t * rowLen + w0 * sx;
    let fo = tapFilter[t] + co;
    for (let kw = 0; kw < fw; kw++) {
      let xo = xw;
      for (let ci = 0; ci < cin; ci++) {
        const x0 = rows[xo], x1 = rows[xo + sx], x2 = rows[xo + sx2], x3 = rows[xo + sx3];
        const f0 = f[fo], f1 = f[fo + 1], f2 = f[fo + 2], f3 = f[fo + 3], f4 = f[fo + 4];
        a00 += x0 * f0; a01 += x0 * f1; a02 += x0 * f2; a03 += x0 * f3; a04 += x0 * f4;
        a10 += x1 * f0; a11 += x1 * f1; a12 += x1 * f2; a13 += x1 * f3; a14 += x1 * f4;
        a20 += x2 * f0; a21 += x2 * f1; a22 += x2 * f2; a23 += x2 * f3; a24 += x2 * f4;
        a30 += x3 * f0; a31 += x3 * f1; a32 += x3 * f2; a33 += x3 * f3; a34 += x3 * f4;
        xo++;
        fo += cout;
      }
      xw += tapStep;
    }
  }
  const y = p.y;
  let o = yRow + w0 * cout + co;
  y[o] = a00; y[o + 1] = a01; y[o + 2] = a02; y[o + 3] = a03; y[o + 4] = a04;
  if (count < 2) return;
  o += cout;
  y[o] = a10; y[o + 1] = a11; y[o + 2] = a12; y[o + 3] = a13; y[o + 4] = a14;
  if (count < 3) return;
  o += cout;
  y[o] = a20; y[o + 1] = a21; y[o + 2] = a22; y[o + 3] = a23; y[o + 4] = a24;
  if (count < 4) return;
  o += cout;
  y[o] = a30; y[o + 1] = a31; y[o + 2] = a32; y[o + 3] = a33; y[o + 4] = a34;
}

/** As {@link block4x4} for 3 output channels `co .. co + 2`. */
export function block4x3(p: RowBlockParams, w0: number, count: number, co: number, yRow: number): void {
  const rows = p.rows, f = p.filter, tapFilter = p.tapFilter, taps = p.taps, rowLen = p.rowLen;
  const sx = p.stepX, fw = p.filterWidth, tapStep = p.tapStep, cin = p.inChannels, cout = p.outChannels;
  const sx2 = sx + sx, sx3 = sx2 + sx;
  let a00 = 0, a01 = 0, a02 = 0, a10 = 0, a11 = 0, a12 = 0;
  let a20 = 0, a21 = 0, a22 = 0, a30 = 0, a31 = 0, a32 = 0;
  for (let t = 0; t < taps; t++) {
    let xw = t * rowLen + w0 * sx;
    let fo = tapFilter[t] + co;
    for (let kw = 0; kw < fw; kw++) {
      let xo = xw;
      for (let ci = 0; ci < cin; ci++) {
        const x0 = rows[xo], x1 = rows[xo + sx], x2 = rows[xo + sx2], x3 = rows[xo + sx3];
        const f0 = f[fo], f1 = f[fo + 1], f2 = f[fo + 2];
        a00 += x0 * f0; a01 += x0 * f1; a02 += x0 * f2;
        a10 += x1 * f0; a11 += x1 * f1; a12 += x1 * f2;
        a20 += x2 * f0; a21 += x2 * f1; a22 += x2 * f2;
        a30 += x3 * f0; a31 += x3 * f1; a32 += x3 * f2;
        xo++;
        fo += cout;
      }
      xw += tapStep;
    }
  }
  const y = p.y;
  let o = yRow + w0 * cout + co;
  y[o] = a00; y[o + 1] = a01; y[o + 2] = a02;
  if (count < 2) return;
  o += cout;
  y[o] = a10; y[o + 1] = a11; y[o + 2] = a12;
  if (count < 3) return;
  o += cout;
  y[o] = a20; y[o + 1] = a21; y[o + 2] = a22;
  if (count < 4) return;
  o += cout;
  y[o] = a30; y[o + 1] = a31; y[o + 2] = a32;
}

/** As {@link block4x4} for 2 output channels `co, co + 1`. */
export function block4x2(p: RowBlockParams, w0: number, count: number, co: number, yRow: number): void {
  const rows = p.rows, f = p.filter, tapFilter = p.tapFilter, taps = p.taps, rowLen = p.rowLen;
  const sx = p.stepX, fw = p.filterWidth, tapStep = p.tapStep, cin = p.inChannels, cout = p.outChannels;
  const sx2 = sx + sx, sx3 = sx2 + sx;
  let a00 = 0, a01 = 0, a10 = 0, a11 = 0, a20 = 0, a21 = 0, a30 = 0, a31 = 0;
  for (let t = 0; t < taps; t++) {
    let xw = t * rowLen + w0 * sx;
    let fo = tapFilter[t] + co;
    for (let kw = 0; kw < fw; kw++) {
      let xo = xw;
      for (let ci = 0; ci < cin; ci++) {
        const x0 = rows[xo], x1 = rows[xo + sx], x2 = rows[xo + sx2], x3 = rows[xo + sx3];
        const f0 = f[fo], f1 = f[fo + 1];
        a00 += x0 * f0; a01 += x0 * f1;
        a10 += x1 * f0; a11 += x1 * f1;
        a20 += x2 * f0; a21 += x2 * f1;
        a30 += x3 * f0; a31 += x3 * f1;
        xo++;
        fo += cout;
      }
      xw += tapStep;
    }
  }
  const y = p.y;
  let o = yRow + w0 * cout + co;
  y[o] = a00; y[o + 1] = a01;
  if (count < 2) return;
  o += cout;
  y[o] = a10; y[o + 1] = a11;
  if (count < 3) return;
  o += cout;
  y[o] = a20; y[o + 1] = a21;
  if (count < 4) return;
  o += cout;
  y[o] = a30; y[o + 1] = a31;
}

/** As {@link block4x4} for the single output channel `co`. */
export function block4x1(p: RowBlockParams, w0: number, count: number, co: number, yRow: number): void {
  const rows = p.rows, f = p.filter, tapFilter = p.tapFilter, taps = p.taps, rowLen = p.rowLen;
  const sx = p.stepX, fw = p.filterWidth, tapStep = p.tapStep, cin = p.inChannels, cout = p.outChannels;
  const sx2 = sx + sx, sx3 = sx2 + sx;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (let t = 0; t < taps; t++) {
    let xw = t * rowLen + w0 * sx;
    let fo = tapFilter[t] + co;
    for (let kw = 0; kw < fw; kw++) {
      let xo = xw;
      for (let ci = 0; ci < cin; ci++) {
        const f0 = f[fo];
        a0 += rows[xo] * f0; a1 += rows[xo + sx] * f0; a2 += rows[xo + sx2] * f0; a3 += rows[xo + sx3] * f0;
        xo++;
        fo += cout;
      }
      xw += tapStep;
    }
  }
  const y = p.y;
  let o = yRow + w0 * cout + co;
  y[o] = a0;
  if (count < 2) return;
  o += cout;
  y[o] = a1;
  if (count < 3) return;
  o += cout;
  y[o] = a2;
  if (count < 4) return;
  o += cout;
  y[o] = a3;
}
