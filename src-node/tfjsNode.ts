/**
 * tfjs in a Node thread, quiet: tfjs-backend-cpu prints "Hi, looks like you are running
 * TensorFlow.js in Node.js … install our node backend" on its first tensor whenever tfjs-core
 * runs in Node, unless the `PROD` (or `IS_TEST`) flag is set. PatchLens does not use tfjs-node (it
 * registers its own fast CPU kernels and runs wasm offline), so the banner is only noise. Flags
 * are per thread (per copy of tfjs-core), so every Node entry that runs tfjs imports this module
 * first: the CLI (src-cli/main.ts), the server (src-server/main.ts), the model check worker
 * (through src-node/model/modelFolderFacts.ts) and the compute worker (src-node/app/computeWorker.ts).
 * `PROD` also turns off tfjs's debug checks, which PatchLens never enables.
 */
import * as tf from '@tensorflow/tfjs-core';

tf.env().set('PROD', true);

/** Whether this thread's tfjs is quiet (the `PROD` flag is set): always true once imported. */
export function tfjsQuiet(): boolean {
  return tf.env().getBool('PROD');
}
