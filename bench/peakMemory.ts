/**
 * Peak memory of a whole 256³ run, in a fresh process: brainchop model5_gw_ae on ch2 conformed
 * to 256³, one window over the head's crop (as brainchop runs it), wasm backend. Prints one JSON
 * line with the process's maximum resident set size and the heap/external peaks seen by sampling.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readNifti } from '../shared/io/nifti';
import { prepareModel } from '../shared/engine/prepareModel';
import { runInference } from '../shared/engine/inference/runInference';
import { readModelFolder } from '../src-node/readModelFolder';

const shared = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
tf.env().set('PROD', true);
let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const timer = setInterval(sample, 50);
const image = readNifti(readFileSync(resolve(shared, 'data/mricron/ch2.nii.gz')));
const p = await prepareModel(await readModelFolder(resolve(shared, 'models/brainchop/model5_gw_ae')), { backend: 'wasm' });
const r = await runInference({ image, runner: p.runner, spec: p.model.spec, options: { patchSize: 'whole' } });
clearInterval(timer);
sample();
const maxRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  `${JSON.stringify({
    bench: 'peak_memory_256',
    metric: 'max_rss_bytes',
    value: maxRss,
    unit: 'B',
    max_rss_mib: Math.round(maxRss / 2 ** 20),
    sampled_peak_rss_mib: Math.round(peakRss / 2 ** 20),
    grid: r.grid.shape,
    window: r.grid.domain.size,
    backend: r.backend.name,
    total_ms: Math.round(r.timing.totalMs),
    model_ms: Math.round(r.timing.modelMs),
  })}\n`,
);
p.runner.dispose();
