/**
 * Engine benchmark (`npm run bench` calls it): a real model (brainchop model5_gw_ae) on real MRI
 * (ch2, conformed 256³), per tfjs backend available in Node: windows and voxels per second of the
 * model step, and the share of the run spent outside the model; and, in a fresh process, the
 * peak memory of a whole 256³ run as brainchop does it (`bench/peakMemory.ts`).
 * WebGL is not available in Node; the browser test (test/browser) records it under SwiftShader.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readNifti } from '../shared/io/nifti';
import { prepareModel } from '../shared/engine/prepareModel';
import { runInference } from '../shared/engine/inference/runInference';
import { readModelFolder } from '../src-node/readModelFolder';
import { writeInferenceFiles } from '../src-node/writeInferenceOutputs';
import { now } from '../shared/util/clock';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(repo, '..', 'shared');

/** Runs the engine lines; `emit` prints one JSON object per line. */
export async function engineBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  const modelDir = resolve(shared, 'models/brainchop/model5_gw_ae');
  const imagePath = resolve(shared, 'data/mricron/ch2.nii.gz');
  if (!existsSync(modelDir) || !existsSync(imagePath)) {
    emit({ bench: 'engine', skipped: `needs ${modelDir} and ${imagePath}` });
    return;
  }
  tf.env().set('PROD', true);
  const image = readNifti(readFileSync(imagePath));
  const artifacts = await readModelFolder(modelDir);
  for (const backend of ['wasm', 'cpu'] as const) {
    const p = await prepareModel(artifacts, { backend });
    const options = { region: { start: [64, 64, 64], size: [128, 128, 128] }, patchSize: 64, overlap: 0.5, blend: 'gaussian' as const, largestComponent: false, consistency: false };
    await runInference({ image, runner: p.runner, spec: p.model.spec, options: { ...options, region: { start: [96, 96, 96], size: [64, 64, 64] } } }); // warm-up
    const before = tf.memory().numTensors;
    const r = await runInference({ image, runner: p.runner, spec: p.model.spec, options });
    const voxels = r.windows * 64 ** 3;
    emit({
      bench: 'engine_model',
      metric: 'windows_per_s',
      value: round(r.windows / (r.timing.modelMs / 1000)),
      unit: 'window/s',
      backend: p.backend.name,
      model: 'model5_gw_ae',
      patch: 64,
      overlap: 0.5,
      blend: 'gaussian',
      windows: r.windows,
      voxels_per_s: Math.round(voxels / (r.timing.modelMs / 1000)),
      model_ms: round(r.timing.modelMs),
      stitch_ms: round(r.timing.stitchMs),
      total_ms: round(r.timing.totalMs),
      stitch_fraction: round(r.timing.stitchMs / r.timing.totalMs, 4),
      outside_model_fraction: round((r.timing.totalMs - r.timing.modelMs) / r.timing.totalMs, 4),
      tensors_leaked: tf.memory().numTensors - before,
    });
    emit(outsideModelLine(r, p.backend.name, image.header));
    p.runner.dispose();
  }
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(repo, 'bench/peakMemory.ts')], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
    for (const line of out.split('\n')) if (line.startsWith('{')) emit(JSON.parse(line) as Record<string, unknown>);
  } catch (e) {
    emit({ bench: 'peak_memory_256', skipped: (e as Error).message.split('\n')[0] });
  }
}

/**
 * Issue 16's "time outside the model" row for one backend: `now` is the share of `runInference`'s
 * wall time outside the model, split by phase (docs/performance.md, "Where the time outside the
 * model goes"): preprocess (conform to the model grid, normalize, the box), stitch (everything in
 * the window loop but the model: blending, the per-window measures, the finite check, event-loop
 * yields), maps (coverage, consistency: total − the others), postprocess (argmax, back onto the
 * source grid, Dice). `write_ms` is what `patchlens infer` adds after the run: writing the output
 * folder (NIfTI + gzip, .npy, result.json), timed here into a temporary folder.
 */
function outsideModelLine(r: Awaited<ReturnType<typeof runInference>>, backend: string, like: ReturnType<typeof readNifti>['header']): Record<string, unknown> {
  const t = r.timing;
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-bench-infer-'));
  let writeMs: number;
  try {
    const t0 = now();
    writeInferenceFiles(join(dir, 'out'), r, like, {});
    writeMs = now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const outside = t.totalMs - t.modelMs;
  return {
    bench: 'engine_outside_model',
    metric: 'outside_model_fraction',
    now: round(outside / t.totalMs, 4),
    target: 0.05,
    backend,
    model: 'model5_gw_ae',
    windows: r.windows,
    total_ms: round(t.totalMs),
    model_ms: round(t.modelMs),
    outside_ms: round(outside),
    preprocess_ms: round(t.preprocessMs),
    stitch_ms: round(t.stitchMs),
    maps_ms: round(t.totalMs - t.preprocessMs - t.modelMs - t.stitchMs - t.postprocessMs),
    postprocess_ms: round(t.postprocessMs),
    write_ms: round(writeMs),
  };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  engineBench((line) => process.stdout.write(`${JSON.stringify(line)}\n`)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
