/**
 * Registers the fast CPU 3-D convolution (`conv3dNDHWC`: WebAssembly SIMD where available, plain
 * JavaScript otherwise) as tfjs's `Conv3D` kernel for a backend, so that `tf.conv3d` and
 * tfjs-layers' `Conv3D` layers use it unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv3dNDHWC, type Conv3DImpl } from './conv3d';

/** Options of {@link registerFastConv3D}. */
export interface RegisterFastConv3DOptions {
  /** Which implementation runs (default `'auto'`: SIMD where it applies, else JavaScript). */
  impl?: Conv3DImpl;
}

/** What the kernel needs from a backend (tfjs's KernelBackend interface: cpu, wasm, webgl). */
interface ValueBackend {
  readSync(dataId: tf.DataId): tf.BackendValues;
  write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
}

/** Whether the kernel handles these inputs and attributes itself (else the original kernel runs). */
function handles(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: tf.Conv3DAttrs): boolean {
  return (
    x.dtype === 'float32' && filter.dtype === 'float32' &&
    x.shape.length === 5 && filter.shape.length === 5 &&
    (attrs.dataFormat === undefined || attrs.dataFormat === 'NDHWC') &&
    (attrs.pad === 'same' || attrs.pad === 'valid')
  );
}

/** Reads a tensor's values as a Float32Array (without copying when the backend holds one). */
function float32Values(backend: ValueBackend, t: tf.TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

/**
 * Replaces tfjs's `Conv3D` kernel of `backendName` with the fast kernel. Results have tfjs's
 * shapes and agree with tfjs's kernel to float32 rounding (sums are accumulated in float64 by the
 * JavaScript path and in float32 by the SIMD path, in a different order than tfjs's). Inputs the
 * fast kernel does not handle (non-float32 tensors, other data formats or padding modes) go to
 * the kernel that was registered before.
 *
 * Registrations nest: undo them in reverse order.
 *
 * @param backendName tfjs backend whose kernel to replace (default `'cpu'`); its package must be
 *   imported first so that its original kernel is registered
 * @param options which implementation the kernel runs
 * @returns a function that restores the previous kernel (idempotent)
 * @throws when `backendName` is not a non-empty string or `options.impl` is invalid
 */
export function registerFastConv3D(backendName = 'cpu', options: RegisterFastConv3DOptions = {}): () => void {
  const fn = 'registerFastConv3D';
  if (typeof backendName !== 'string' || backendName === '') {
    throw new Error(`${fn}: backendName must be a non-empty string, got ${JSON.stringify(backendName)}`);
  }
  const impl = options.impl ?? 'auto';
  if (impl !== 'auto' && impl !== 'js' && impl !== 'simd') {
    throw new Error(`${fn}: options.impl must be 'auto', 'js' or 'simd', got ${JSON.stringify(impl)}`);
  }
  const original = tf.getKernel(tf.Conv3D, backendName);
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as tf.Conv3DInputs;
    const a = attrs as unknown as tf.Conv3DAttrs;
    if (!x || !filter || !handles(x, filter, a)) {
      if (original) return original.kernelFunc({ inputs, backend, attrs });
      throw new Error(`${fn}: Conv3D on backend '${backendName}' got inputs it does not handle and there is no original kernel`);
    }
    const b = backend as ValueBackend;
    const r = conv3dNDHWC(
      float32Values(b, x), x.shape as [number, number, number, number, number],
      float32Values(b, filter), filter.shape as [number, number, number, number, number],
      { strides: a.strides, pad: a.pad, dilations: a.dilations, impl },
    );
    return { dataId: b.write(r.data, r.shape, 'float32'), shape: r.shape, dtype: 'float32' };
  };
  if (original) tf.unregisterKernel(tf.Conv3D, backendName);
  tf.registerKernel({ ...original, kernelName: tf.Conv3D, backendName, kernelFunc });
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (tf.getKernel(tf.Conv3D, backendName)?.kernelFunc === kernelFunc) tf.unregisterKernel(tf.Conv3D, backendName);
    if (original && !tf.getKernel(tf.Conv3D, backendName)) tf.registerKernel(original);
  };
}
