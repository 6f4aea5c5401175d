/**
 * An inference run as a job of a session: in the compute worker, or on the session's own page
 * compute agent. It writes its folder whole (a temp folder beside it, renamed into place when
 * everything is written), so a crash, a cancel or a second PatchLens never leaves a half-written
 * run that looks complete.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ComputeCacheRequest, ComputeTaskInput, JobInfo, RequestArgs } from '../../shared/api/contract';
import { utf8Bytes } from '../../shared/engine/model/utf8';
import { beginFolder, writeJsonAtomic } from '../fs/atomicWrite';
import { pageCacheRequest } from '../compute/pageRunCache';
import { fileProbeCache } from '../probeCache';
import { readModelFolder } from '../readModelFolder';
import type { HostContext } from './hostContext';
import { PAGE_COMPUTE_LIMITS, routeToPage, type PageAgent } from './pageCompute';
import { RUN_INPUTS_FILE } from './projectStore';
import { fail } from './serviceError';
import type { Session } from './session';
import type { ModelRef } from './workerProtocol';

/** What a run was made of (`app-inputs.json`). */
export interface RunInputs {
  imagePath: string;
  labelPath: string | null;
  model: ModelRef;
}

/** The inputs a run of a finished run folder was made of (null when unknown). */
export function readRunInputs(dir: string): RunInputs | null {
  try {
    return JSON.parse(readFileSync(join(dir, RUN_INPUTS_FILE), 'utf8')) as RunInputs;
  } catch {
    return null;
  }
}

/** Bytes a page's `compute:done` may need for an image of `voxels` voxels and `classes` classes (labels, probabilities, coverage, maps) plus slack for the frame. */
export function pageResultBytes(voxels: number, classes: number, patchVoxels: number): number {
  return voxels * (1 + 4 * classes + 4 + 4) + 2 * patchVoxels * 2 * 8 + 16 * 1024 * 1024;
}

/** Queues an inference run of the session's image (and labels) with its model. */
export function startRun(ctx: HostContext, session: Session, settings: RequestArgs<'run:start'>['settings']): JobInfo {
  session.assertWritable('run:start');
  const { image, label, model } = session;
  if (!image) throw fail('precondition', 'run:start: open an image first');
  if (!model) throw fail('precondition', 'run:start: open a model first');
  if (settings.patchSize.length === 1) settings = { ...settings, patchSize: [settings.patchSize[0], settings.patchSize[0], settings.patchSize[0]] };
  if (settings.patchSize.length !== 3) throw fail('bad-request', `run:start: settings.patchSize must have 1 or 3 entries for a 3-D image, got [${settings.patchSize}]`);
  const inputs: RunInputs = { imagePath: image.path, labelPath: label?.path ?? null, model: { ...model.ref } };
  const p = settings.patchSize;
  const patch = p.every((x) => x === p[0]) ? `p${p[0]}` : `p${p.join('x')}`;
  const jobLabel = `Inference ${patch} ov${settings.overlap} ${settings.blend} on ${image.info.name}`;
  const voxels = image.volume.shape.reduce((a, b) => a * b, 1);
  const classes = Math.max(2, model.info.classes.length);
  // The page also sends the run's per-window predictions (its prediction cache): their bytes on top.
  const cacheRequest = pageCacheRequest(image.volume.shape, settings, classes);
  const resultBytes = pageResultBytes(voxels, classes, p[0] * p[1] * p[2]) + cacheRequest.maxBytes;
  const { store, records, compute, pageCompute } = ctx;
  return ctx.queue.add({
    kind: 'inference',
    label: jobLabel,
    owner: session.id,
    run: async ({ signal, progress, relabel }) => {
      const runId = store.reserveId('runs');
      const folder = beginFolder(join(store.runsDir, runId));
      const keep = (record: { id: string }) => {
        if (signal.aborted) throw fail('cancelled', `${jobLabel}: cancelled`);
        writeJsonAtomic(join(folder.dir, RUN_INPUTS_FILE), inputs);
        folder.commit();
        store.releaseId('runs', runId);
        const dir = folder.target;
        const finished = { ...(record as Parameters<typeof records.runs.set>[1]), id: runId, dir };
        records.runs.set(runId, finished);
        session.runIds.add(runId);
        return runId;
      };
      try {
        const agent = await pageAgentFor(ctx, session, signal);
        if (agent) {
          const where = `${jobLabel} on the page (${agent.offer.choice})`;
          relabel(where);
          return await pageCompute.run(
            agent,
            {
              label: where,
              resultBytes,
              input: () => pageTaskInput(ctx, inputs, settings, cacheRequest),
              finish: async (result) => keep(await compute.run('finishPage', { result, imagePath: inputs.imagePath, labelPath: inputs.labelPath, model: inputs.model, settings, outDir: folder.dir, runId }).result),
            },
            { signal, progress },
          );
        }
        const task = compute.run('infer', { ...inputs, settings, outDir: folder.dir, runId }, progress);
        const onAbort = () => compute.cancel(task.id);
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          return keep(await task.result);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      } finally {
        folder.abort();
        store.releaseId('runs', runId);
      }
    },
  });
}

/**
 * Where an inference job runs (decided when it starts): the session's own page compute agent, or
 * null for the compute worker. Sweeps and the patch inspector always run in the worker (a sweep
 * times many runs of one backend; splitting it over two would mix their timings).
 */
async function pageAgentFor(ctx: HostContext, session: Session, signal: AbortSignal): Promise<PageAgent | null> {
  const { computeMode, pageCompute } = ctx;
  if (computeMode === 'node') return null;
  if (computeMode === 'page') {
    const agent = await pageCompute.waitForAgent(session.id, PAGE_COMPUTE_LIMITS.attachWaitMs, signal);
    if (!agent) {
      throw fail(
        'precondition',
        `run:start: no page compute context is attached (waited ${Math.round(PAGE_COMPUTE_LIMITS.attachWaitMs / 1000)} s): this app runs inference in the page's WebGL (--compute page); open or reload the app's page, or start it with --compute auto or --compute node`,
      );
    }
    return agent;
  }
  const agent = pageCompute.latest(session.id);
  if (!agent) return null;
  let probes = ctx.nodeProbes;
  if (!probes) {
    const cached = await fileProbeCache().load();
    probes = cached && cached.probes.length > 0 ? cached.probes : null;
  }
  return routeToPage('auto', agent, probes).page ? agent : null;
}

/** A page compute task's inputs: the files as they are on disk (the model folder's by their manifest paths), and the prediction cache main asks for. */
async function pageTaskInput(ctx: HostContext, inputs: RunInputs, settings: RequestArgs<'run:start'>['settings'], predictionCache: ComputeCacheRequest): Promise<ComputeTaskInput> {
  const read = async (kind: 'image' | 'label', path: string) => {
    try {
      return { name: basename(path), bytes: new Uint8Array(await readFile(path)) };
    } catch (e) {
      throw fail('not-found', `compute:input: the ${kind} ${basename(path)} cannot be read (${path}): ${(e as Error).message}`);
    }
  };
  const [image, label] = await Promise.all([read('image', inputs.imagePath), inputs.labelPath ? read('label', inputs.labelPath) : null]);
  let artifacts;
  try {
    artifacts = await readModelFolder(inputs.model.path);
  } catch (e) {
    throw fail('bad-input', `compute:input: model ${inputs.model.name}: ${(e as Error).message}`);
  }
  const weights: Record<string, Uint8Array> = {};
  for (const [path, bytes] of artifacts.weights) weights[path] = new Uint8Array(bytes);
  return {
    image,
    label,
    model: { name: inputs.model.name, modelJson: artifacts.modelJsonBytes ?? utf8Bytes(JSON.stringify(artifacts.modelJson)), weights, sidecar: artifacts.sidecar ?? null },
    settings: { ...settings, patchSize: [...settings.patchSize] },
    backend: ctx.options.pageBackend ?? 'auto',
    predictionCache: { ...predictionCache },
  };
}
