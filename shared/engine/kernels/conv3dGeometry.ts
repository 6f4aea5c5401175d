/**
 * Output shape and padding of a 3-D convolution, computed exactly as tfjs-core's
 * `backend_util.computeConv3DInfo` does (channels-last, NDHWC), so that a kernel using it returns
 * the same shapes as tfjs for every stride, dilation and padding tfjs accepts.
 */

/** Options of a 3-D convolution (tfjs `conv3d` attributes). */
export interface Conv3DOptions {
  /** Strides along depth, height, width (a number: the same on every axis). Default 1. */
  strides?: number | [number, number, number];
  /** `'same'` (tfjs/TensorFlow SAME padding) or `'valid'` (no padding). */
  pad: 'same' | 'valid';
  /** Dilation rates along depth, height, width (a number: the same on every axis). Default 1. */
  dilations?: number | [number, number, number];
}

/** Everything a kernel needs to loop over one 3-D convolution. */
export interface Conv3DGeometry {
  batch: number;
  inDepth: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterDepth: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  outDepth: number;
  outHeight: number;
  outWidth: number;
  strideDepth: number;
  strideHeight: number;
  strideWidth: number;
  dilationDepth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Padding before the first voxel along depth, height, width (may be negative, as in tfjs). */
  padFront: number;
  padTop: number;
  padLeft: number;
  /** Output shape `[batch, outDepth, outHeight, outWidth, outChannels]`. */
  outShape: [number, number, number, number, number];
}

/** Reads a per-axis parameter (a number or three numbers), requiring positive integers. */
function triple(fn: string, name: string, value: number | readonly number[] | undefined): [number, number, number] {
  const v = value === undefined ? [1, 1, 1] : typeof value === 'number' ? [value, value, value] : [...value];
  if (v.length !== 3 || !v.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`${fn}: ${name} must be a positive integer or three positive integers, got ${JSON.stringify(value)}`);
  }
  return v as [number, number, number];
}

/** Checks that a shape has five positive integer entries. */
function shape5(fn: string, name: string, shape: readonly number[]): [number, number, number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 5 || !shape.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new Error(`${fn}: ${name} must have five non-negative integer entries, got ${JSON.stringify(shape)}`);
  }
  return shape as unknown as [number, number, number, number, number];
}

/** Output size and leading padding along one axis, as tfjs computes them. */
function axis(pad: 'same' | 'valid', size: number, filter: number, stride: number, dilation: number): [number, number] {
  const effective = filter + (filter - 1) * (dilation - 1);
  if (pad === 'valid') {
    // tfjs: trunc((in - f) / s + 1) when in >= f, else 0.
    return [size >= effective ? Math.trunc((size - effective) / stride + 1) : 0, 0];
  }
  const out = Math.ceil(size / stride);
  const padAlong = (out - 1) * stride + effective - size;
  return [out, Math.floor(padAlong / 2)];
}

/**
 * Computes the geometry of `conv3d(x, filter, strides, pad, 'NDHWC', dilations)` the way tfjs does.
 *
 * @param fn name of the calling function, for error messages
 * @param xShape `[batch, depth, height, width, inChannels]`
 * @param filterShape `[filterDepth, filterHeight, filterWidth, inChannels, outChannels]`
 * @param options strides, padding and dilations
 * @throws when a shape or an option is malformed, the channel counts disagree, or strides and
 *   dilations are both above 1 on some axis (tfjs forbids that too)
 */
export function conv3dGeometry(
  fn: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  options: Conv3DOptions,
): Conv3DGeometry {
  const [batch, inDepth, inHeight, inWidth, inChannels] = shape5(fn, 'xShape', xShape);
  const [filterDepth, filterHeight, filterWidth, filterIn, outChannels] = shape5(fn, 'filterShape', filterShape);
  if (filterIn !== inChannels) {
    throw new Error(`${fn}: filterShape[3] (${filterIn}) must equal the input channels xShape[4] (${inChannels})`);
  }
  if (filterDepth < 1 || filterHeight < 1 || filterWidth < 1) {
    throw new Error(`${fn}: filterShape's spatial sizes must be at least 1, got ${JSON.stringify(filterShape)}`);
  }
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: options must be an object`);
  const { pad } = options;
  if (pad !== 'same' && pad !== 'valid') throw new Error(`${fn}: options.pad must be 'same' or 'valid', got ${JSON.stringify(pad)}`);
  const [strideDepth, strideHeight, strideWidth] = triple(fn, 'options.strides', options.strides);
  const [dilationDepth, dilationHeight, dilationWidth] = triple(fn, 'options.dilations', options.dilations);
  if ((strideDepth > 1 || strideHeight > 1 || strideWidth > 1) && (dilationDepth > 1 || dilationHeight > 1 || dilationWidth > 1)) {
    throw new Error(`${fn}: options.strides or options.dilations must be 1 (tfjs conv3d), got ${JSON.stringify(options.strides)} and ${JSON.stringify(options.dilations)}`);
  }
  const [outDepth, padFront] = axis(pad, inDepth, filterDepth, strideDepth, dilationDepth);
  const [outHeight, padTop] = axis(pad, inHeight, filterHeight, strideHeight, dilationHeight);
  const [outWidth, padLeft] = axis(pad, inWidth, filterWidth, strideWidth, dilationWidth);
  return {
    batch, inDepth, inHeight, inWidth, inChannels,
    filterDepth, filterHeight, filterWidth, outChannels,
    outDepth, outHeight, outWidth,
    strideDepth, strideHeight, strideWidth,
    dilationDepth, dilationHeight, dilationWidth,
    padFront, padTop, padLeft,
    outShape: [batch, outDepth, outHeight, outWidth, outChannels],
  };
}
