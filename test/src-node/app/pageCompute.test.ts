/**
 * Page compute through the service host: a fake agent in the test (what the renderer's compute
 * agent does: attach, take a task, fetch its inputs, run the demo model — here in-process on
 * wasm —, report progress, hand in the result) and the routing of inference jobs between the
 * page and the compute worker.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { RUN_LAYERS, type ComputeAgentOffer, type ComputeTaskInput, type ComputeTaskResult, type Envelope, type JobInfo, type RunRecord, type SessionState } from '../../../shared/api/contract';
import { readNifti } from '../../../shared/io/nifti';
import { prepareModel, type PreparedModel } from '../../../shared/engine/prepareModel';
import { runInference } from '../../../shared/engine/inference/runInference';
import type { ModelArtifacts } from '../../../shared/engine/model/modelArtifacts';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import { PAGE_COMPUTE_LIMITS, routeToPage, type PageAgent } from '../../../src-node/app/pageCompute';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { readRunPlan, toComputeTaskResult } from '../../../src-node/compute/index';
import { PredictionCollector } from '../../../shared/reevaluate';
import { parseServeArgs } from '../../../src-server/parseServeArgs';
import { repoRoot } from '../../helpers/sharedData';
import { errorOf, recorder, result } from '../../helpers/hostEnvelopes';

const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;
const HW_OFFER: ComputeAgentOffer = { probes: [{ name: 'webgl', ms: 2, renderer: 'Test GPU', software: false }, { name: 'wasm', ms: 40 }, { name: 'cpu', ms: 200 }], choice: 'webgl', host: 'ui-page' };
const SW_OFFER: ComputeAgentOffer = { probes: [{ name: 'webgl', ms: 1, renderer: 'ANGLE (SwiftShader)', software: true }, { name: 'wasm', ms: 40 }], choice: 'wasm', host: 'ui-page' };
const AGENT_BACKEND = { name: 'webgl', reason: 'fake agent of the test', renderer: 'Test GPU', software: false };



/** Resolves when a job ended. */
async function jobEnd(host: ServiceConnection, jobId: string, timeoutMs = 60_000): Promise<JobInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not end within ${timeoutMs} ms`)), timeoutMs);
    const check = (s: SessionState) => {
      const job = s.jobs.find((j) => j.id === jobId);
      if (job && (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled')) {
        clearTimeout(timer);
        off();
        resolve(job);
      }
    };
    const off = host.subscribe((event, payload) => {
      if (event === 'session:changed') check(payload as SessionState);
    });
    void host.handle('session:get', {}).then((e) => check(result<SessionState>(e)));
  });
}

/** The model the fake agent builds from `compute:input` (prepared once, on wasm). */
let agentModel: Promise<PreparedModel> | null = null;
function modelOf(input: ComputeTaskInput): Promise<PreparedModel> {
  agentModel ??= (async () => {
    const weights = new Map<string, ArrayBuffer>();
    for (const [path, bytes] of Object.entries(input.model.weights)) weights.set(path, bytes.slice().buffer);
    const artifacts: ModelArtifacts = { modelJson: JSON.parse(new TextDecoder().decode(input.model.modelJson)), modelJsonBytes: input.model.modelJson, weights, name: input.model.name };
    if (input.model.sidecar !== null) artifacts.sidecar = input.model.sidecar;
    return prepareModel(artifacts, { backend: 'wasm' });
  })();
  return agentModel;
}

/** What the fake agent does with a task: `run` the demo and hand it in; `hold` fetch the inputs and wait (cancel tests). */
type Behaviour = (agent: FakeAgent, taskId: string) => Promise<void>;

interface FakeAgent {
  host: ServiceConnection;
  id: string;
  tasks: string[];
  cancels: string[];
  inputs: ComputeTaskInput[];
  answers: Envelope<unknown>[];
  off(): void;
}

async function attach(host: ServiceConnection, behaviour: Behaviour, offer: ComputeAgentOffer = HW_OFFER): Promise<FakeAgent> {
  const { agentId } = result<{ agentId: string }>(await host.handle('compute:attach', { offer }));
  const agent: FakeAgent = { host, id: agentId, tasks: [], cancels: [], inputs: [], answers: [], off: () => undefined };
  agent.off = host.subscribe((event, payload) => {
    const p = payload as { agentId: string; taskId: string };
    if (event === 'compute:task' && p.agentId === agentId) {
      agent.tasks.push(p.taskId);
      void behaviour(agent, p.taskId);
    }
    if (event === 'compute:cancel' && p.agentId === agentId) agent.cancels.push(p.taskId);
  });
  return agent;
}

/** Fetches the inputs and runs them in-process; answers the result as the page would. */
async function runTask(agent: FakeAgent, taskId: string): Promise<ComputeTaskResult> {
  const input = result<ComputeTaskInput>(await agent.host.handle('compute:input', { agentId: agent.id, taskId }));
  agent.inputs.push(input);
  const model = await modelOf(input);
  const image = readNifti(input.image.bytes);
  const label = input.label ? readNifti(input.label.bytes) : null;
  // As the page's engine: the per-window predictions main asks for, with the shared collector.
  const collector = input.predictionCache ? new PredictionCollector({ encoding: input.predictionCache.encoding }) : undefined;
  const r = await runInference({
    image,
    label,
    runner: model.runner,
    spec: model.model.spec,
    options: {
      ...input.settings,
      onPrediction: collector?.add,
      onProgress: (p) => {
        if (p.phase === 'model' && p.done % 20 === 0) {
          void agent.host.handle('compute:progress', { agentId: agent.id, taskId, progress: { fraction: 0.05 + (0.85 * p.done) / p.total, phase: 'model', etaMs: p.etaMs, message: `page: ${p.done}/${p.total} windows` } });
        }
      },
    },
  });
  return { ...toComputeTaskResult(r, collector), backend: { ...AGENT_BACKEND } };
}

const runDemo: Behaviour = async (agent, taskId) => {
  const r = await runTask(agent, taskId);
  agent.answers.push(await agent.host.handle('compute:done', { agentId: agent.id, taskId, result: r }));
};

const saved = { ...PAGE_COMPUTE_LIMITS };
beforeAll(() => {
  tf.env().set('PROD', true);
  Object.assign(PAGE_COMPUTE_LIMITS, { attachWaitMs: 1500, cancelGraceMs: 400, stallMs: 60_000 });
});
afterAll(async () => {
  Object.assign(PAGE_COMPUTE_LIMITS, saved);
  (await agentModel)?.runner.dispose();
});

describe('page compute (--compute page)', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-page-'));
  let services: ServiceHost;
  let host: ServiceConnection;
  const agents: FakeAgent[] = [];
  let runId = '';

  beforeAll(async () => {
    services = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, compute: 'page' });
    host = services.connect({ role: 'ui' });
    result(await host.handle('session:openDemo', {}));
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) a.off();
    await services?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('without an attached page, an inference job fails with a precondition error naming the problem', async () => {
    const t0 = Date.now();
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    const job = await jobEnd(host, jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('precondition');
    expect(job.error?.message).toMatch(/^run:start: no page compute context is attached \(waited 2 s\): .*--compute page.*open or reload the app's page, or start it with --compute auto or --compute node$/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
  });

  it('runs an inference on the attached page: progress, the run record with the page backend, readable layers, the inspector', async () => {
    const agent = await attach(host, runDemo);
    agents.push(agent);
    const rec = recorder(host);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    const job = await jobEnd(host, jobId);
    rec.off();
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect(job.label).toBe('Inference p24 ov0 constant on ch2-2mm_t1.nii.gz on the page (webgl)');
    expect(agent.tasks).toHaveLength(1);
    expect(agent.answers).toEqual([{ result: null }]);
    // The inputs are the files on disk.
    const input = agent.inputs[0];
    expect(input.image.name).toBe('ch2-2mm_t1.nii.gz');
    expect(Buffer.from(input.image.bytes).equals(readFileSync(join(repoRoot, 'demo', 'data', 'ch2-2mm_t1.nii.gz')))).toBe(true);
    expect(input.model.sidecar).toEqual(JSON.parse(readFileSync(join(repoRoot, 'demo', 'model', 'patchlens.json'), 'utf8')));
    expect(input.label?.name).toBe('ch2-2mm_brain.nii.gz');
    expect(input.settings).toEqual(settings);
    expect(input.backend).toBe('auto');
    // The prediction cache main asks for: uint8 for absoluteError; at most 252 windows (6×7×6 of
    // 24³ over the image plus the crop slack, 139×157×139) × 13824 voxels × 2 classes × 1 byte.
    expect(input.predictionCache).toEqual({ encoding: 'uint8', maxBytes: 252 * 13824 * 2 });
    const manifest = JSON.parse(new TextDecoder().decode(input.model.modelJson)).weightsManifest as { paths: string[] }[];
    expect(Object.keys(input.model.weights).sort()).toEqual(manifest.flatMap((g) => g.paths).sort());
    // Progress from the agent arrived as job:progress (throttled).
    const progress = rec.events.filter((e) => e.event === 'job:progress').map((e) => (e.payload as JobInfo).progress.message);
    expect(progress.some((m) => /^page: \d+\/80 windows$/.test(m))).toBe(true);
    expect(progress.length).toBeLessThan(80 / 20 + 3);
    const s = result<SessionState>(await host.handle('session:get', {}));
    const run = s.runs.find((r) => r.id === job.resultId) as RunRecord;
    runId = run.id;
    expect(run.backend).toEqual({ name: 'webgl', reason: 'fake agent of the test' });
    expect(run.windows).toBe(4 * 5 * 4);
    expect(run.dice).toBeGreaterThan(0.85);
    // The last window of each axis is shifted back to the edge, so windows overlap there: every layer exists.
    expect(run.layers).toEqual([...RUN_LAYERS]);
    expect(JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'))).toEqual({ ...run, dir: undefined });
    expect(existsSync(join(run.dir, 'app-inputs.json'))).toBe(true);
    // The page's per-window predictions became the run's prediction cache (80 windows of 24³ × 2 classes).
    expect(readRunPlan(run.dir).predictionCache).toMatchObject({ present: true, file: 'prediction-cache.bin', encoding: 'uint8', measure: 'absoluteError' });
    expect(existsSync(join(run.dir, 'prediction-cache.bin'))).toBe(true);
    const labels = result<{ shape: number[]; data: Uint8Array }>(await host.handle('run:layer', { runId, layer: 'labels' }));
    expect(labels.shape).toEqual([91, 109, 91]);
    expect(labels.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    const perf = result<{ shape: number[]; data: Float32Array }>(await host.handle('run:layer', { runId, layer: 'tiledPerformance' }));
    expect(perf.data.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(0);
    const maps = result<{ performance: { shape: number[]; count: number } | null }>(await host.handle('run:maps', { runId }));
    expect(maps.performance).toMatchObject({ shape: [24, 24, 24], count: 80 });
    const inspect = result<{ windows: unknown[]; label: number }>(await host.handle('run:inspect', { runId, voxel: [45, 54, 45] }));
    expect(inspect.windows).toHaveLength(1);
  }, 120_000);

  it('the run is persisted: another host on the project lists it', async () => {
    const again = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, compute: 'node' });
    try {
      const s = result<SessionState>(await again.connect({ role: 'ui' }).handle('session:get', {}));
      expect(s.runs.find((r) => r.id === runId)?.backend).toEqual({ name: 'webgl', reason: 'fake agent of the test' });
    } finally {
      await again.close();
    }
  }, 60_000);

  it('an invalid compute:done is a bad request and leaves the job running; a result that does not fit the plan fails it', async () => {
    const answers: Envelope<unknown>[] = [];
    const states: string[] = [];
    const agent = await attach(host, async (a, taskId) => {
      const r = await runTask(a, taskId);
      answers.push(await host.handle('compute:done', { agentId: a.id, taskId, result: { ...r, labels: { ...r.labels, data: new Float32Array(r.labels.data) } } }));
      states.push(...result<SessionState>(await host.handle('session:get', {})).jobs.filter((j) => j.kind === 'inference' && j.state === 'running').map((j) => j.id));
      answers.push(await host.handle('compute:done', { agentId: a.id, taskId, result: { ...r, windows: r.windows + 1 } }));
    });
    agents.push(agent);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    const job = await jobEnd(host, jobId);
    expect(errorOf(answers[0])).toEqual({ code: 'bad-request', message: 'compute:done: result.labels.data must be a Uint8Array, got [object Float32Array]' });
    expect(states).toEqual([jobId]);
    // The first answer left the job running; the second (valid shape, wrong window count) failed it with finishPageRun's reason.
    expect(errorOf(answers[1]).code).toBe('bad-request');
    expect(errorOf(answers[1]).message).toMatch(/^finishPageRun: the result has 81 windows but the settings plan 80/);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toBe(errorOf(answers[1]).message);
    // No run and no partial folder came of it.
    const s = result<SessionState>(await host.handle('session:get', {}));
    expect(readdirSync(join(projectDir, 'runs')).sort()).toEqual(s.runs.map((r) => r.id).sort());
  }, 120_000);

  it('compute:failed fails the job with the agent\'s error; messages for other agents\' tasks are refused', async () => {
    const other = await attach(host, async () => undefined, { ...HW_OFFER, host: 'compute-window' });
    const seen: Envelope<unknown>[] = [];
    const agent = await attach(host, async (a, taskId) => {
      seen.push(await host.handle('compute:input', { agentId: other.id, taskId }));
      seen.push(await host.handle('compute:progress', { agentId: 'a999', taskId, progress: { fraction: 0, phase: 'x', etaMs: null, message: '' } }));
      a.answers.push(await host.handle('compute:failed', { agentId: a.id, taskId, error: { code: 'internal', message: 'WebGL: CONTEXT_LOST_WEBGL' } }));
    });
    agents.push(agent, other);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    const job = await jobEnd(host, jobId);
    expect(job.state).toBe('failed');
    expect(job.error).toEqual({ code: 'internal', message: 'WebGL: CONTEXT_LOST_WEBGL' });
    expect(agent.answers).toEqual([{ result: null }]);
    expect(other.tasks).toEqual([]);
    expect(errorOf(seen[0])).toEqual({ code: 'not-found', message: `compute:input: agent ${other.id} has no task ${agent.tasks[0]} (it ended, or it is another agent's)` });
    expect(errorOf(seen[1])).toEqual({ code: 'not-found', message: 'compute:progress: no page compute agent a999 is attached on this connection (attach again with compute:attach)' });
  });

  it('job:cancel sends compute:cancel; the job ends cancelled when the page confirms', async () => {
    const agent = await attach(host, async (a, taskId) => {
      result(await host.handle('compute:input', { agentId: a.id, taskId }));
      result(await host.handle('compute:progress', { agentId: a.id, taskId, progress: { fraction: 0.1, phase: 'model', etaMs: null, message: 'loading' } }));
    });
    agents.push(agent);
    const rec = recorder(host);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    await waitFor(() => agent.tasks.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    const cancelling = host.handle('job:cancel', { jobId });
    await waitFor(() => agent.cancels.length === 1);
    const taskId = agent.tasks[0];
    expect(rec.events.filter((e) => e.event === 'compute:cancel').map((e) => e.payload)).toEqual([{ agentId: agent.id, taskId }]);
    const t0 = Date.now();
    result(await host.handle('compute:failed', { agentId: agent.id, taskId, error: { code: 'cancelled', message: 'cancelled' } }));
    const job = result<JobInfo>(await cancelling);
    rec.off();
    expect(job.state).toBe('cancelled');
    console.log(`pageCompute: the cancel ended ${Date.now() - t0} ms after the page confirmed it`);
    // A late result of the cancelled task is refused.
    expect(errorOf(await host.handle('compute:progress', { agentId: agent.id, taskId, progress: { fraction: 1, phase: 'x', etaMs: null, message: '' } })).code).toBe('not-found');
  });

  it('a page that does not confirm a cancel: the job ends cancelled after the grace time', async () => {
    const agent = await attach(host, async (a, taskId) => {
      result(await host.handle('compute:input', { agentId: a.id, taskId }));
    });
    agents.push(agent);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    await waitFor(() => agent.tasks.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    const job = result<JobInfo>(await host.handle('job:cancel', { jobId }));
    expect(job.state).toBe('cancelled');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(agent.cancels).toEqual(agent.tasks);
  });

  it('a reloaded page attaches again: the old agent\'s task fails with a clear message', async () => {
    const old = await attach(host, async () => undefined);
    agents.push(old);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    await waitFor(() => old.tasks.length === 1);
    const fresh = await attach(host, async () => undefined);
    agents.push(fresh);
    const job = await jobEnd(host, jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toBe(`Inference p24 ov0 constant on ch2-2mm_t1.nii.gz on the page (webgl): the page compute context ${old.id} went away (a new ui-page context, ${fresh.id}, attached: was the page reloaded?)`);
    expect(errorOf(await host.handle('compute:input', { agentId: old.id, taskId: old.tasks[0] })).message).toMatch(/^compute:input: no page compute agent a\d+ is attached/);
  });

  it('an agent that goes silent fails its task after the stall time', async () => {
    Object.assign(PAGE_COMPUTE_LIMITS, { stallMs: 300 });
    try {
      const agent = await attach(host, async () => undefined);
      agents.push(agent);
      const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
      const job = await jobEnd(host, jobId, 10_000);
      expect(job.state).toBe('failed');
      expect(job.error?.message).toMatch(/the page compute context a\d+ stopped answering \(nothing for 0 s\): was the page closed or reloaded\?/);
    } finally {
      Object.assign(PAGE_COMPUTE_LIMITS, { stallMs: 60_000 });
    }
  });
});

describe('page compute (--compute auto)', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-auto-'));
  let services: ServiceHost;
  let host: ServiceConnection;
  beforeAll(async () => {
    services = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, compute: 'auto' });
    host = services.connect({ role: 'ui' });
    result(await host.handle('session:openDemo', {}));
  }, 60_000);
  afterAll(async () => {
    await services?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('a page with software WebGL is not used: the job runs in the compute worker', async () => {
    const agent = await attach(host, runDemo, SW_OFFER);
    const { jobId } = result<{ jobId: string }>(await host.handle('run:start', { settings }));
    const job = await jobEnd(host, jobId);
    agent.off();
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect(job.label).toBe('Inference p24 ov0 constant on ch2-2mm_t1.nii.gz');
    expect(agent.tasks).toEqual([]);
    const run = result<SessionState>(await host.handle('session:get', {})).runs[0];
    expect(['wasm', 'cpu']).toContain(run.backend.name);
  }, 120_000);
});

describe('routeToPage', () => {
  const agent = (offer: ComputeAgentOffer): PageAgent => ({ id: 'a1', offer, attachedAt: '', sessionId: 's1', connectionId: 'c1' });
  const node = [{ name: 'wasm', ms: 10 }, { name: 'cpu', ms: 50 }, { name: 'webgl', error: 'no WebGL in Node' }];
  it('node never, page whenever an agent is attached', () => {
    expect(routeToPage('node', agent(HW_OFFER), node).page).toBe(false);
    expect(routeToPage('page', agent(SW_OFFER), null).page).toBe(true);
    expect(routeToPage('page', null, node)).toEqual({ page: false, why: 'no page compute context is attached' });
  });
  it('auto: only hardware WebGL clearly faster than the worker\'s best probe', () => {
    expect(routeToPage('auto', agent(HW_OFFER), node)).toEqual({ page: true, why: 'page webgl 2.0 ms < 0.8 × worker 10.0 ms' });
    const probe = (ms: number, software = false): ComputeAgentOffer => ({ ...HW_OFFER, probes: [{ name: 'webgl', ms, software, renderer: 'x' }] });
    expect(routeToPage('auto', agent(probe(7.9)), node).page).toBe(true);
    expect(routeToPage('auto', agent(probe(8)), node).page).toBe(false);
    expect(routeToPage('auto', agent(probe(1, true)), node).page).toBe(false);
    expect(routeToPage('auto', agent({ ...HW_OFFER, probes: [{ name: 'webgl', ms: 1 }] }), node).page).toBe(false); // software unknown
    expect(routeToPage('auto', agent(SW_OFFER), node).page).toBe(false);
    expect(routeToPage('auto', agent(HW_OFFER), null)).toEqual({ page: false, why: 'the compute worker has not probed its backends' });
    expect(routeToPage('auto', agent(HW_OFFER), [{ name: 'wasm', error: 'failed' }]).page).toBe(false);
    expect(routeToPage('auto', null, node).page).toBe(false);
  });
});

describe('npm run serve -- --compute', () => {
  it('passes the compute mode; refuses unknown ones', () => {
    expect(parseServeArgs(['--compute', 'page'], '/x', '/home/u').compute).toBe('page');
    expect(parseServeArgs(['--compute', 'node'], '/x', '/home/u').compute).toBe('node');
    expect(parseServeArgs([], '/x', '/home/u').compute).toBeUndefined();
    expect(() => parseServeArgs(['--compute', 'gpu'], '/x')).toThrow('serve: --compute must be one of auto, node, page, got "gpu"');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
