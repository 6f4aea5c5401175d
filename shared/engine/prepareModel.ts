import type { ModelArtifacts } from './model/modelArtifacts';
import { loadModel } from './model/loadModel';
import type { LoadedModel } from './model/loadedModel';
import { selectBackend, type BackendChoice, type BackendPreference, type ProbeCache } from './backend/selectBackend';
import { createTfjsRunner } from './backend/tfjsRunner';
import type { ModelRunner } from './inference/modelRunner';
import { registerFastConv3D } from './kernels/registerFastConv3D';
import { registerFastBinaryOps } from './kernels/registerFastBinaryOps';

let fastKernels = false;

/**
 * Registers PatchLens's CPU kernels over tfjs's (once per process): the WebAssembly-SIMD Conv3D
 * on the cpu and wasm backends, and fast broadcasting add/sub/mul/div on cpu. tfjs's own Conv3D
 * runs at ~1 GFLOP/s here; see `npm run bench`.
 */
export function enableFastCpuKernels(): void {
  if (fastKernels) return;
  fastKernels = true;
  registerFastConv3D('cpu');
  registerFastConv3D('wasm');
  registerFastBinaryOps('cpu');
}

/** A model loaded on a chosen backend, ready for `runInference`. */
export interface PreparedModel {
  model: LoadedModel;
  runner: ModelRunner & { dispose(): void };
  backend: BackendChoice;
}

/**
 * Chooses the backend (measured probe or the user's choice), loads the model there, and wraps
 * it in a runner that falls back to the next backend if this one fails mid-run.
 */
export async function prepareModel(
  artifacts: ModelArtifacts,
  options: { backend?: BackendPreference; cache?: ProbeCache; fastKernels?: boolean } = {},
): Promise<PreparedModel> {
  if (options.fastKernels !== false) enableFastCpuKernels();
  const backend = await selectBackend(options.backend ?? 'auto', { cache: options.cache });
  const model = await loadModel(artifacts);
  let first: LoadedModel | null = model;
  const runner = await createTfjsRunner({
    classes: model.outputClasses,
    channels: model.inputShape.channels,
    choice: backend,
    // The first load is the one above; after a fallback the weights are loaded again on the new backend.
    load: async () => {
      const m = first ?? (await loadModel(artifacts));
      first = null;
      return m;
    },
  });
  return { model, runner, backend };
}
