/**
 * A fast CPU 3-D convolution for channels-last (NDHWC) float32 volumes: the pure-TypeScript
 * kernel behind `registerFastConv3D`, with tfjs's shapes and padding.
 */
import { conv3dGeometry, type Conv3DOptions } from './conv3dGeometry';
import { conv3dJs } from './conv3dJs';
import { conv3dSimd } from './wasm/conv3dSimd';

export type { Conv3DOptions } from './conv3dGeometry';
export { prepareConv3dSimd } from './wasm/conv3dSimdInstance';

/**
 * Which implementation runs: `'simd'` (WebAssembly f32x4; width stride 1 only), `'js'` (plain
 * JavaScript, any configuration) or `'auto'` (SIMD where it applies, else JavaScript).
 */
export type Conv3DImpl = 'auto' | 'simd' | 'js';

/** Result of {@link conv3dNDHWC}: a new array and its NDHWC shape. */
export interface Conv3DResult {
  data: Float32Array;
  shape: [number, number, number, number, number];
}

/**
 * 3-D convolution (cross-correlation, as in tfjs and TensorFlow) of an NDHWC volume with a
 * `[fd, fh, fw, cin, cout]` filter. Same output shape and padding as `tf.conv3d(x, filter,
 * strides, pad, 'NDHWC', dilations)`. The SIMD path (WebAssembly f32x4, chosen by `'auto'` when
 * the width stride is 1) accumulates in float32 in the order tfjs-backend-wasm does (its results
 * are bit-identical); the JavaScript path accumulates in float64 and rounds once. Never mutates
 * its inputs.
 *
 * @param x input values, row-major NDHWC
 * @param xShape `[batch, depth, height, width, inChannels]`
 * @param filter filter values, row-major `[fd, fh, fw, cin, cout]`
 * @param filterShape `[fd, fh, fw, cin, cout]`
 * @param options `{ strides, pad: 'same' | 'valid', dilations, impl }` (strides/dilations
 *   default 1, impl `'auto'`)
 * @returns the output values and shape `[batch, outDepth, outHeight, outWidth, cout]`
 * @throws when an argument is malformed or the sizes disagree
 */
export function conv3dNDHWC(
  x: Float32Array,
  xShape: [number, number, number, number, number],
  filter: Float32Array,
  filterShape: [number, number, number, number, number],
  options: Conv3DOptions & { impl?: Conv3DImpl },
): Conv3DResult {
  const fn = 'conv3dNDHWC';
  if (!(x instanceof Float32Array)) throw new Error(`${fn}: x must be a Float32Array`);
  if (!(filter instanceof Float32Array)) throw new Error(`${fn}: filter must be a Float32Array`);
  const g = conv3dGeometry(fn, xShape, filterShape, options);
  const xSize = xShape.reduce((a, b) => a * b, 1);
  if (x.length !== xSize) throw new Error(`${fn}: x has ${x.length} values but xShape ${JSON.stringify(xShape)} needs ${xSize}`);
  const fSize = filterShape.reduce((a, b) => a * b, 1);
  if (filter.length !== fSize) {
    throw new Error(`${fn}: filter has ${filter.length} values but filterShape ${JSON.stringify(filterShape)} needs ${fSize}`);
  }
  const impl = options.impl ?? 'auto';
  if (impl !== 'auto' && impl !== 'js' && impl !== 'simd') {
    throw new Error(`${fn}: options.impl must be 'auto', 'js' or 'simd', got ${JSON.stringify(impl)}`);
  }
  const data = new Float32Array(g.outShape.reduce((a, b) => a * b, 1));
  if (impl === 'js' || !conv3dSimd(g, x, filter, data)) {
    if (impl === 'simd') throw new Error(`${fn}: options.impl 'simd' is unavailable here (no WebAssembly SIMD, or a width stride above 1)`);
    conv3dJs(g, x, filter, data);
  }
  return { data, shape: g.outShape };
}
