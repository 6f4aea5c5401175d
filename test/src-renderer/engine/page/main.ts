/**
 * The engine worker's test page: creates the worker and its client the way the app does, and
 * exposes `window.runEngine(args)`, which fetches the model and the input from the test server,
 * runs them in the worker and answers a serialisable summary.
 */
import { createEngineClient } from '../../../../src-renderer/engine/engineClient';
import { createEngineWorker } from '../../../../src-renderer/engine/createEngineWorker';
import { EngineError } from '../../../../src-renderer/engine/EngineError';
import type { EngineModelFiles, EngineResult } from '../../../../src-renderer/engine/protocol';
import { readNifti } from '../../../../shared/io/nifti';
import type { LostContextProbe, RunEngineArgs, RunEngineSummary, SeenProgress } from './runEngineTypes';

const client = createEngineClient(createEngineWorker());

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`test page: GET ${url} answered ${res.status}`);
  return res.arrayBuffer();
}

/** model.json as bytes plus every shard its manifest lists. */
async function fetchModel(base: string): Promise<EngineModelFiles> {
  const modelJson = await fetchBytes(`${base}/model.json`);
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as { weightsManifest: { paths: string[] }[] };
  const weights: Record<string, ArrayBuffer> = {};
  for (const group of json.weightsManifest) for (const path of group.paths) weights[path] = await fetchBytes(`${base}/${path}`);
  return { modelJson, weights, name: base.split('/').filter(Boolean).pop() };
}

function summarize(r: EngineResult): Partial<RunEngineSummary> {
  const probs = r.probabilities!;
  const classes = probs.shape[probs.shape.length - 1];
  let worst = 0;
  for (let v = 0; v < probs.data.length; v += classes) {
    let s = 0;
    for (let c = 0; c < classes; c++) s += probs.data[v + c];
    worst = Math.max(worst, Math.abs(s - 1));
  }
  return {
    labels: Array.from(r.labels.data),
    labelsShape: r.labels.shape,
    labelsNiftiBytes: r.labelsNifti?.byteLength ?? 0,
    labelsNiftiShape: r.labelsNifti ? readNifti(r.labelsNifti).shape : undefined,
    probabilitiesShape: probs.shape,
    probabilitySumError: worst,
    coverageShape: r.coverage?.count.shape,
    consistency: r.consistency ? { shape: r.consistency.shape, count: r.consistency.count, mapLength: r.consistency.map.length, accumulatorShape: r.consistency.accumulator.shape } : null,
    windows: r.windows,
    backend: r.backend,
    worker: r.worker,
    timing: r.timing,
    grid: r.grid,
    model: r.model,
    warnings: r.warnings,
  };
}

window.runEngine = async (args: RunEngineArgs): Promise<RunEngineSummary> => {
  const image = await fetchBytes(args.imageUrl);
  const model = await fetchModel(args.modelUrl);
  const modelJson = model.modelJson as ArrayBuffer;
  const postedBytes = image.byteLength + modelJson.byteLength + Object.values(model.weights).reduce((a, b) => a + b.byteLength, 0);
  const progress: SeenProgress[] = [];
  const controller = new AbortController();
  const t0 = performance.now();
  const running = client.run(
    { image, model, backend: args.backend, probe: args.probe, options: args.options, outputs: { labelsNifti: true }, ...(args.debug ? { debug: args.debug } : {}) },
    {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push({ ...p });
        if (args.cancelInModelPhase && p.phase === 'model' && !controller.signal.aborted) controller.abort();
      },
    },
  );
  const detached = {
    image: image.byteLength === 0,
    modelJson: modelJson.byteLength === 0,
    weights: Object.values(model.weights).every((b) => b.byteLength === 0),
  };
  try {
    const result = await running;
    return { ok: true, detached, postedBytes, progress, pageMs: performance.now() - t0, ...summarize(result) };
  } catch (e) {
    const err = e as Error;
    return {
      ok: false,
      error: { name: err.name, code: e instanceof EngineError ? e.code : undefined, message: err.message },
      detached,
      postedBytes,
      progress,
      pageMs: performance.now() - t0,
    };
  }
};

window.probeLostContext = (waitMs: number): Promise<LostContextProbe> => {
  // A worker of its own (the engine worker's tfjs state stays untouched), started on demand.
  const worker = new Worker(new URL('./lostContextProbe.worker.ts', import.meta.url), { type: 'module', name: 'lost-context-probe' });
  return new Promise<LostContextProbe>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ result?: LostContextProbe; error?: string }>) => {
      worker.terminate();
      if (e.data.result) resolve(e.data.result);
      else reject(new Error(`lostContextProbe: ${e.data.error}`));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`lostContextProbe: the worker failed: ${e.message}`));
    };
    worker.postMessage({ waitMs });
  });
};

document.getElementById('status')!.textContent = 'ready';
