/**
 * Fast float32 `Add`, `Sub`, `Multiply` and `RealDiv` kernels for a tfjs backend, for the shapes
 * MeshNets produce after a fast Conv3D: tfjs-layers' bias add (`[1, D, H, W, C] + [1, 1, 1, 1, C]`),
 * which tfjs-backend-cpu runs through its generic broadcasting loop (~100× slower than a plain
 * loop: it was 80 % of a model5_gw_ae pass once Conv3D was fast), and the scalar and same-shape
 * operations of GELU. Other shapes and dtypes go to the kernels registered before.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The binary operations this module speeds up, by code. */
const OPS = [tf.Add, tf.Sub, tf.Multiply, tf.RealDiv] as const;

/** `x op y` for an operation code (an index into OPS); small enough for V8 to inline. */
function combine(code: number, x: number, y: number): number {
  switch (code) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    default: return x / y;
  }
}

/** What the kernels need from a backend (tfjs's KernelBackend interface). */
interface ValueBackend {
  readSync(dataId: tf.DataId): tf.BackendValues;
  write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
}

/**
 * How `b` broadcasts onto `a` when the result has `a`'s shape: `'same'`, `'scalar'` (one value)
 * or `'channel'` (a vector along the last axis: every other dimension 1); null otherwise.
 */
export function broadcastKind(aShape: readonly number[], bShape: readonly number[]): 'same' | 'scalar' | 'channel' | null {
  const bSize = bShape.reduce((p, n) => p * n, 1);
  if (aShape.length === bShape.length && aShape.every((n, i) => n === bShape[i])) return 'same';
  if (bShape.length > aShape.length) return null;
  if (bSize === 1) return 'scalar';
  const c = aShape[aShape.length - 1];
  if (bShape.length >= 1 && bShape[bShape.length - 1] === c && bSize === c) return 'channel';
  return null;
}

/**
 * `out[i] = big[i] op small[i % n]` (`small op big` when `swapped`), where `n` = `small.length`
 * divides `big.length` (1: a scalar, the channel count, or the full size).
 */
function apply(code: number, big: Float32Array, small: Float32Array, swapped: boolean): Float32Array {
  const out = new Float32Array(big.length);
  const n = small.length;
  if (n === 1) {
    const s = small[0];
    if (swapped) for (let i = 0; i < out.length; i++) out[i] = combine(code, s, big[i]);
    else for (let i = 0; i < out.length; i++) out[i] = combine(code, big[i], s);
    return out;
  }
  for (let i = 0; i < out.length; i += n) {
    if (swapped) for (let c = 0; c < n; c++) out[i + c] = combine(code, small[c], big[i + c]);
    else for (let c = 0; c < n; c++) out[i + c] = combine(code, big[i + c], small[c]);
  }
  return out;
}

/**
 * Replaces `Add`, `Sub`, `Multiply` and `RealDiv` of `backendName` with kernels that handle
 * float32 operands of the same shape, or one of them a scalar or a last-axis vector, in a plain
 * loop; everything else (other dtypes, general broadcasting) runs the previous kernels. Results
 * equal tfjs-backend-cpu's (the same float32 operations, rounded once).
 *
 * Registrations nest: undo them in reverse order.
 *
 * @param backendName tfjs backend whose kernels to replace (default `'cpu'`; its package must be
 *   imported first)
 * @returns a function that restores the previous kernels (idempotent)
 * @throws when `backendName` is not a non-empty string
 */
export function registerFastBinaryOps(backendName = 'cpu'): () => void {
  const fn = 'registerFastBinaryOps';
  if (typeof backendName !== 'string' || backendName === '') {
    throw new Error(`${fn}: backendName must be a non-empty string, got ${JSON.stringify(backendName)}`);
  }
  const undos: (() => void)[] = [];
  OPS.forEach((name, code) => {
    const original = tf.getKernel(name, backendName);
    if (!original) return;
    const kernelFunc: tf.KernelFunc = (args) => {
      const { a, b } = args.inputs as tf.BinaryInputs;
      if (a && b && a.dtype === 'float32' && b.dtype === 'float32') {
        const ab = broadcastKind(a.shape, b.shape);
        const ba = ab === null ? broadcastKind(b.shape, a.shape) : null;
        if (ab !== null || ba !== null) {
          const backend = args.backend as ValueBackend;
          const [big, small] = ab !== null ? [a, b] : [b, a];
          const values = (t: tf.TensorInfo) => {
            const v = backend.readSync(t.dataId);
            return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
          };
          const out = apply(code, values(big), values(small), ab === null);
          return { dataId: backend.write(out, big.shape, 'float32'), shape: big.shape, dtype: 'float32' };
        }
      }
      return original.kernelFunc(args);
    };
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...original, kernelFunc });
    undos.push(() => {
      if (tf.getKernel(name, backendName)?.kernelFunc === kernelFunc) tf.unregisterKernel(name, backendName);
      if (!tf.getKernel(name, backendName)) tf.registerKernel(original);
    });
  });
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    for (const undo of undos.reverse()) undo();
  };
}
