/**
 * The compute agent with the real engine loop (cpu, over a MessageChannel) on the demo data and
 * the tiny fixture model (test/fixtures/tiny-model: the agent's plumbing needs a model, not a good one): what it hands to `compute:done` passes the contract's validator, and its Dice is the
 * Dice of the same settings run the way the Node compute worker runs them (prepareModel +
 * runInference with runInferenceJob's options); with main's prediction cache request, the
 * per-window predictions it hands in become the run folder's cache (finishPageRun), equal within
 * the encoding's step to the cache runInferenceJob writes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../helpers/sharedData';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComputeTaskInput, ComputeTaskResult, RunSettings } from '../../../shared/api/contract';
import { ARG_VALIDATORS } from '../../../shared/api/validateArgs';
import { runInference } from '../../../shared/engine/inference/runInference';
import { prepareModel } from '../../../shared/engine/prepareModel';
import { readNifti } from '../../../shared/io/nifti';
import { decodePredictionCache } from '../../../shared/reevaluate';
import { cacheDifference, cacheStep } from '../../helpers/cacheDifference';
import { readModelFolder } from '../../../src-node/readModelFolder';
import { finishPageRun, pageCacheRequest, readRunPlan, reevaluateRun, RUN_FILES, runInferenceJob } from '../../../src-node/compute/index';
import { resolveSpec } from '../../../shared/engine/model/resolveSpec';
import { startComputeAgent } from '../../../src-renderer/compute/computeAgent';
import { createEngineClient } from '../../../src-renderer/engine/engineClient';
import { engineChannel } from './engineChannel';
import { TINY_MODEL_DIR } from '../../fixtures/tiny-model/makeTinyModel';
import { fakeApi } from './fakes';

const demo = resolve(repoRoot, 'demo');
const settings: RunSettings = { patchSize: [24, 24, 24], overlap: 0.25, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };

function input(): ComputeTaskInput {
  const bytes = (p: string) => Uint8Array.from(readFileSync(resolve(demo, p)));
  return {
    image: { name: 'ch2-2mm_t1.nii.gz', bytes: bytes('data/ch2-2mm_t1.nii.gz') },
    label: { name: 'ch2-2mm_brain.nii.gz', bytes: bytes('data/ch2-2mm_brain.nii.gz') },
    model: {
      name: 'tiny',
      modelJson: bytes(join(TINY_MODEL_DIR, 'model.json')),
      weights: { 'group1-shard1of1.bin': bytes(join(TINY_MODEL_DIR, 'group1-shard1of1.bin')) },
      sidecar: JSON.parse(readFileSync(join(TINY_MODEL_DIR, 'patchlens.json'), 'utf8')),
    },
    settings,
    backend: 'cpu',
  };
}

describe('compute agent with the real engine (Node, cpu)', { timeout: 120_000 }, () => {
  it('runs a task end to end and hands in a valid result with the Node run\'s Dice', async () => {
    const results: ComputeTaskResult[] = [];
    const progress: number[] = [];
    const f = fakeApi({
      'compute:attach': (args) => {
        ARG_VALIDATORS['compute:attach']('compute:attach', args);
        return { agentId: 'a1' };
      },
      'compute:input': () => input(),
      'compute:progress': (args) => {
        progress.push(ARG_VALIDATORS['compute:progress']('compute:progress', args).progress.fraction);
        return null;
      },
      'compute:done': (args) => {
        results.push(ARG_VALIDATORS['compute:done']('compute:done', args).result);
        return null;
      },
      'compute:failed': (args) => {
        throw new Error(`unexpected compute:failed ${JSON.stringify(args)}`);
      },
    });
    const agent = startComputeAgent(f.api, 'ui-page', { createWorker: engineChannel, createClient: (w) => createEngineClient(w as Worker), progressIntervalMs: 50 });
    await agent.attached;
    const offer = (f.of('compute:attach')[0] as { offer: { choice: string; probes: { name: string }[] } }).offer;
    // Node has no WebGL: the quick probe offers wasm without measuring anything.
    expect(offer.choice).toBe('wasm');
    expect(offer.probes).toEqual([{ name: 'webgl', error: 'no WebGL in this worker' }]);

    f.emit('compute:task', { agentId: 'a1', taskId: 't1' });
    for (let i = 0; i < 600 && results.length === 0 && f.of('compute:failed').length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    agent.stop();
    expect(f.of('compute:failed')).toEqual([]);
    expect(results).toHaveLength(1);
    const r = results[0];
    expect(r.backend).toMatchObject({ name: 'cpu', reason: 'chosen by the user', renderer: null, software: false });
    expect(r.labels.shape).toEqual([91, 109, 91]);
    expect(r.probabilities.shape).toEqual([91, 109, 91, 2]);
    expect(r.patchPerformance!.measure).toBe('absoluteError');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.every((x, i) => i === 0 || x >= progress[i - 1])).toBe(true);

    // The same settings the way the Node compute worker runs them.
    const prepared = await prepareModel(await readModelFolder(TINY_MODEL_DIR), { backend: 'cpu' });
    try {
      const node = await runInference({
        image: readNifti(readFileSync(join(demo, 'data/ch2-2mm_t1.nii.gz'))),
        label: readNifti(readFileSync(join(demo, 'data/ch2-2mm_brain.nii.gz'))),
        runner: prepared.runner,
        spec: prepared.model.spec,
        options: { patchSize: settings.patchSize, overlap: settings.overlap, placement: settings.placement, blend: settings.blend, measure: settings.measure },
      });
      expect(r.windows).toBe(node.windows);
      expect(r.dice!.mean).toBeGreaterThan(0.5);
      expect(Math.abs(r.dice!.mean - node.dice!.mean)).toBeLessThan(1e-6);
    } finally {
      prepared.runner.dispose();
    }
  });
});

/** Runs one task through the agent (real engine loop, cpu) and answers the validated `compute:done` result. */
async function agentRun(task: ComputeTaskInput): Promise<ComputeTaskResult> {
  const results: ComputeTaskResult[] = [];
  const f = fakeApi({
    'compute:attach': () => ({ agentId: 'a1' }),
    'compute:input': () => task,
    'compute:progress': () => null,
    'compute:done': (args) => {
      results.push(ARG_VALIDATORS['compute:done']('compute:done', args).result);
      return null;
    },
    'compute:failed': (args) => {
      throw new Error(`unexpected compute:failed ${JSON.stringify(args)}`);
    },
  });
  const agent = startComputeAgent(f.api, 'ui-page', { createWorker: engineChannel, createClient: (w) => createEngineClient(w as Worker) });
  await agent.attached;
  f.emit('compute:task', { agentId: 'a1', taskId: 't1' });
  for (let i = 0; i < 600 && results.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  agent.stop();
  expect(results).toHaveLength(1);
  return results[0];
}

describe('the page\'s per-window predictions (prediction cache)', { timeout: 120_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'patchlens-agent-cache-'));
  const read = (p: string) => readNifti(readFileSync(join(demo, p)));
  const image = read('data/ch2-2mm_t1.nii.gz');
  const label = read('data/ch2-2mm_brain.nii.gz');
  const imageInput = { volume: image, header: image.header, name: 'ch2-2mm_t1.nii.gz', path: null };
  const labelInput = { volume: label, name: 'ch2-2mm_brain.nii.gz', path: null };
  const request = pageCacheRequest(image.shape, settings, 2);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('become the run folder\'s prediction-cache.bin, equal to the compute worker\'s within one uint8 step; reevaluateRun takes it', async () => {
    const r = await agentRun({ ...input(), predictionCache: request });
    expect(r.predictions).toMatchObject({ encoding: 'uint8', classes: 2 });
    const artifacts = await readModelFolder(TINY_MODEL_DIR);
    const spec = resolveSpec(artifacts);
    const pageDir = join(tmp, 'page');
    finishPageRun({ result: r, image: imageInput, label: labelInput, model: { spec, sha256: 'f'.repeat(64), name: 'tiny', path: null }, settings, outDir: pageDir, id: 'page' });

    const prepared = await prepareModel(artifacts, { backend: 'cpu' });
    const nodeDir = join(tmp, 'node');
    try {
      await runInferenceJob({ image: imageInput, label: labelInput, model: { ...prepared, name: 'tiny', path: null }, settings, outDir: nodeDir, id: 'node' });
    } finally {
      prepared.runner.dispose();
    }
    expect(readRunPlan(pageDir).predictionCache).toEqual(readRunPlan(nodeDir).predictionCache);
    const a = decodePredictionCache(readFileSync(join(pageDir, RUN_FILES.predictionCache)));
    const b = decodePredictionCache(readFileSync(join(nodeDir, RUN_FILES.predictionCache)));
    expect(a.geometry).toEqual(b.geometry);
    expect(a.probabilities.length).toBe(r.windows * 24 ** 3 * 2);
    expect(cacheDifference(a, b)).toBeLessThanOrEqual(cacheStep('uint8'));
    const again = await reevaluateRun(pageDir, label.data as Uint8Array);
    expect(Math.abs(again.dice.mean - r.dice!.mean)).toBeLessThan(1e-9);
  });

  it('more than main allows: the page sends none and says why; the run is written without a cache', async () => {
    const r = await agentRun({ ...input(), predictionCache: { encoding: 'uint8', maxBytes: 1000 } });
    const windows = r.windows;
    expect(r.predictions).toEqual({ absent: `its ${windows} windows' predictions take ${windows * 24 ** 3 * 2} bytes as uint8, more than the 1000 main allows for this run` });
    const spec = resolveSpec(await readModelFolder(TINY_MODEL_DIR));
    const dir = join(tmp, 'small');
    finishPageRun({ result: r, image: imageInput, label: labelInput, model: { spec, sha256: 'f'.repeat(64), name: 'tiny', path: null }, settings, outDir: dir, id: 'small' });
    expect(existsSync(join(dir, RUN_FILES.predictionCache))).toBe(false);
    expect(readRunPlan(dir).predictionCache).toEqual({ present: false, reason: expect.stringMatching(/sent no per-window predictions: its \d+ windows' predictions take \d+ bytes as uint8, more than the 1000 main allows/) });
  });
});
