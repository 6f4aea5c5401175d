import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComputeTaskInput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/transport';
import { startComputeAgent } from '../../../src-renderer/compute/computeAgent';
import { EngineError } from '../../../src-renderer/engine/EngineError';
import { engineResult, fakeApi, fakeEngine, settle } from './fakes';

/** A task's inputs as main would answer `compute:input` (bytes views of one larger buffer, as a decoded frame gives them). */
function taskInput(): ComputeTaskInput {
  const frame = new Uint8Array(64).map((_, i) => i);
  return {
    image: { name: 'img.nii.gz', bytes: frame.subarray(0, 16) },
    label: { name: 'lab.nii.gz', bytes: frame.subarray(16, 24) },
    model: { name: 'demo', modelJson: new TextEncoder().encode('{"format":"layers-model"}'), weights: { 'group1-shard1of1.bin': frame.subarray(24, 64) }, sidecar: { name: 'demo' } },
    settings: { patchSize: [32, 32, 32], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy' },
    backend: 'auto',
  };
}

function setup(options: { onReconnect?: (l: () => void) => () => void } = {}) {
  let agents = 0;
  const f = fakeApi({
    'compute:attach': () => ({ agentId: `agent-${++agents}` }),
    'compute:input': () => taskInput(),
    'compute:progress': () => null,
    'compute:done': () => null,
    'compute:failed': () => null,
  });
  const engine = fakeEngine();
  const log: string[] = [];
  const agent = startComputeAgent(f.api, 'ui-page', { createWorker: engine.createWorker, createClient: engine.createClient, log: (m) => log.push(m), ...options });
  return { ...f, engine, agent, log };
}

afterEach(() => vi.useRealTimers());

describe('startComputeAgent', () => {
  it('probes its worker and attaches with the offer', async () => {
    const t = setup();
    await expect(t.agent.attached).resolves.toBe('agent-1');
    expect(t.agent.agentId).toBe('agent-1');
    expect(t.engine.clients[0].probes).toBe(1);
    expect(t.of('compute:attach')).toEqual([{ offer: { probes: t.engine.probe.probes, choice: 'webgl', host: 'ui-page' } }]);
    t.agent.stop();
  });

  it('runs a task: fetches the input, runs it in the worker with the settings, reports progress and the result', async () => {
    const t = setup();
    await t.agent.attached;
    t.emit('compute:task', { agentId: 'someone-else', taskId: 'x' });
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await settle();
    expect(t.of('compute:input')).toEqual([{ agentId: 'agent-1', taskId: 't1' }]);
    const [run] = t.engine.clients[0].runs;
    expect(t.engine.clients[0].runs).toHaveLength(1);
    expect(t.agent.running).toBe('t1');
    // The settings exactly as the Node worker passes them to runInference, Dice mode auto.
    expect(run.input.options).toEqual({ patchSize: [32, 32, 32], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy', diceMode: 'auto' });
    expect(run.input.backend).toBe('auto');
    expect(run.input.outputs).toEqual({ probabilities: true, coverage: true, labelsNifti: false });
    // Views of a larger buffer became their own buffers (the worker reads the whole ArrayBuffer).
    expect(run.input.image.byteLength).toBe(16);
    expect(Array.from(new Uint8Array(run.input.image))).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(run.input.label!.byteLength).toBe(8);
    expect(run.input.model.weights['group1-shard1of1.bin'].byteLength).toBe(40);
    expect(new TextDecoder().decode(run.input.model.modelJson as ArrayBuffer)).toBe('{"format":"layers-model"}');
    expect(run.input.model.sidecar).toEqual({ name: 'demo' });
    expect(run.input.model.name).toBe('demo');

    run.options.onProgress!({ phase: 'model', done: 4, total: 8, etaMs: 100 });
    await settle();
    run.resolve(engineResult());
    await settle();
    const done = t.of('compute:done') as { agentId: string; taskId: string; result: { backend: unknown; windows: number } }[];
    expect(done).toHaveLength(1);
    expect(done[0].agentId).toBe('agent-1');
    expect(done[0].taskId).toBe('t1');
    expect(done[0].result.windows).toBe(2);
    expect(done[0].result.backend).toEqual({ name: 'webgl', reason: 'fastest in a Conv3D-layer probe', renderer: 'ANGLE (Fake GPU)', software: false });
    expect(t.of('compute:failed')).toEqual([]);
    expect(t.agent.running).toBeNull();
    t.agent.stop();
  });

  it('takes a task that main sends before its answer to the attach arrives', async () => {
    const f = fakeApi({ 'compute:input': () => taskInput(), 'compute:progress': () => null, 'compute:done': () => null, 'compute:failed': () => null });
    // Main hands a waiting job to the new agent at once: the event comes before the answer.
    f.handlers['compute:attach'] = () => {
      f.emit('compute:task', { agentId: 'a7', taskId: 'early' });
      f.emit('compute:task', { agentId: 'a6', taskId: 'not-mine' });
      return { agentId: 'a7' };
    };
    const engine = fakeEngine();
    const agent = startComputeAgent(f.api, 'ui-page', { createWorker: engine.createWorker, createClient: engine.createClient, log: () => undefined });
    await agent.attached;
    await settle();
    expect(f.of('compute:input')).toEqual([{ agentId: 'a7', taskId: 'early' }]);
    expect(agent.running).toBe('early');
    agent.stop();
  });

  it('throttles progress to at most 5 a second, over the whole run, and sends the latest one last', async () => {
    vi.useFakeTimers();
    const t = setup();
    await vi.advanceTimersByTimeAsync(0);
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await vi.advanceTimersByTimeAsync(0);
    const [run] = t.engine.clients[0].runs;
    // 100 window updates within 1 s.
    for (let done = 1; done <= 100; done++) {
      run.options.onProgress!({ phase: 'model', done, total: 100, etaMs: null });
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(300);
    const progress = t.of('compute:progress') as { progress: { fraction: number; phase: string; message: string; etaMs: number | null } }[];
    // 1 s of updates (+ the trailing send): at most 5 per second, plus the first one.
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(7);
    expect(progress[0].progress).toMatchObject({ fraction: 0, phase: 'prepare' });
    const last = progress[progress.length - 1].progress;
    expect(last).toMatchObject({ phase: 'model', message: 'model: 100/100 windows' });
    expect(last.fraction).toBeCloseTo(0.9, 10);
    expect(last.etaMs).toBeGreaterThanOrEqual(0);
    const fractions = progress.map((p) => p.progress.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    run.resolve(engineResult());
    await vi.advanceTimersByTimeAsync(0);
    t.agent.stop();
  });

  it('cancels the running task on compute:cancel and reports it as cancelled', async () => {
    const t = setup();
    await t.agent.attached;
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await settle();
    const [run] = t.engine.clients[0].runs;
    t.emit('compute:cancel', { agentId: 'agent-1', taskId: 'other' });
    expect(run.options.signal!.aborted).toBe(false);
    t.emit('compute:cancel', { agentId: 'agent-1', taskId: 't1' });
    expect(run.options.signal!.aborted).toBe(true);
    await settle();
    expect(t.of('compute:failed')).toEqual([{ agentId: 'agent-1', taskId: 't1', error: { code: 'cancelled', message: expect.stringMatching(/page compute \(ui-page\).*t1.*cancelled/) } }]);
    expect(t.of('compute:done')).toEqual([]);
    t.agent.stop();
  });

  it('runs one task at a time, in order; a queued task cancelled before it starts never runs', async () => {
    const t = setup();
    await t.agent.attached;
    for (const id of ['t1', 't2', 't3']) t.emit('compute:task', { agentId: 'agent-1', taskId: id });
    await settle();
    const runs = t.engine.clients[0].runs;
    expect(runs).toHaveLength(1);
    t.emit('compute:cancel', { agentId: 'agent-1', taskId: 't2' });
    await settle();
    expect(t.of('compute:failed')).toEqual([{ agentId: 'agent-1', taskId: 't2', error: { code: 'cancelled', message: expect.any(String) } }]);
    runs[0].resolve(engineResult());
    await settle();
    expect(runs).toHaveLength(2);
    expect(t.agent.running).toBe('t3');
    runs[1].resolve(engineResult());
    await settle();
    expect((t.of('compute:done') as { taskId: string }[]).map((d) => d.taskId)).toEqual(['t1', 't3']);
    expect((t.of('compute:input') as { taskId: string }[]).map((d) => d.taskId)).toEqual(['t1', 't3']);
    t.agent.stop();
  });

  it('reports engine failures with the contract code and a main refusal with its own', async () => {
    const t = setup();
    await t.agent.attached;
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await settle();
    t.engine.clients[0].runs[0].reject(new EngineError('invalid-model', 'model.json is not valid JSON'));
    await settle();
    t.handlers['compute:input'] = () => {
      throw new ApiError('compute:input', { code: 'not-found', message: 'no task t2' });
    };
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't2' });
    await settle();
    expect(t.of('compute:failed')).toEqual([
      { agentId: 'agent-1', taskId: 't1', error: { code: 'bad-input', message: 'page compute (ui-page): model.json is not valid JSON' } },
      { agentId: 'agent-1', taskId: 't2', error: { code: 'not-found', message: 'page compute (ui-page): compute:input: no task t2' } },
    ]);
    expect(t.engine.clients[0].runs).toHaveLength(1);
    t.agent.stop();
  });

  it('when its worker dies: reports the task failed, starts a new worker and runs the next task there', async () => {
    const t = setup();
    await t.agent.attached;
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await settle();
    t.engine.workers[0].fireError();
    t.engine.clients[0].runs[0].reject(new EngineError('worker-failed', 'engineClient: the worker script failed'));
    await settle();
    expect(t.of('compute:failed')).toEqual([{ agentId: 'agent-1', taskId: 't1', error: { code: 'internal', message: expect.stringMatching(/worker script failed/) } }]);
    expect(t.engine.workers).toHaveLength(2);
    expect(t.engine.workers[0].terminated).toBe(true);
    expect(t.engine.clients[0].closed).toBe(true);
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't2' });
    await settle();
    expect(t.engine.clients[1].runs).toHaveLength(1);
    t.engine.clients[1].runs[0].resolve(engineResult());
    await settle();
    expect((t.of('compute:done') as { taskId: string }[]).map((d) => d.taskId)).toEqual(['t2']);
    // The offer is kept: no second probe, no second attach.
    expect(t.of('compute:attach')).toHaveLength(1);
    t.agent.stop();
  });

  it('a worker that dies while idle is replaced before the next task', async () => {
    const t = setup();
    await t.agent.attached;
    t.engine.workers[0].fireError();
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await settle();
    expect(t.engine.workers).toHaveLength(2);
    expect(t.engine.clients[1].runs).toHaveLength(1);
    t.agent.stop();
  });

  it('attaches again after the transport reconnected and takes tasks for the new agent id only', async () => {
    let reconnect = () => {};
    const t = setup({ onReconnect: (l) => ((reconnect = l), () => (reconnect = () => {})) });
    await t.agent.attached;
    reconnect();
    await settle();
    expect(t.agent.agentId).toBe('agent-2');
    expect(t.of('compute:attach')).toHaveLength(2);
    expect(t.engine.clients[0].probes).toBe(1);
    t.emit('compute:task', { agentId: 'agent-1', taskId: 'stale' });
    t.emit('compute:task', { agentId: 'agent-2', taskId: 't1' });
    await settle();
    expect(t.of('compute:input')).toEqual([{ agentId: 'agent-2', taskId: 't1' }]);
    t.agent.stop();
  });

  it('stop(): aborts the running task, stops listening, closes the client and terminates the worker', async () => {
    const t = setup();
    await t.agent.attached;
    t.emit('compute:task', { agentId: 'agent-1', taskId: 't1' });
    await settle();
    const [run] = t.engine.clients[0].runs;
    t.agent.stop();
    expect(run.options.signal!.aborted).toBe(true);
    expect(t.engine.workers[0].terminated).toBe(true);
    expect(t.engine.clients[0].closed).toBe(true);
    expect(t.listenerCount('compute:task')).toBe(0);
    expect(t.listenerCount('compute:cancel')).toBe(0);
    await settle();
    expect((t.of('compute:failed') as { error: { code: string } }[]).map((f) => f.error.code)).toEqual(['cancelled']);
  });

  it('stays detached (and says so) when main refuses the attach', async () => {
    const f = fakeApi({});
    const engine = fakeEngine();
    const log: string[] = [];
    const agent = startComputeAgent(f.api, 'compute-window', { createWorker: engine.createWorker, createClient: engine.createClient, log: (m) => log.push(m) });
    await expect(agent.attached).rejects.toThrow(/compute:attach/);
    await settle();
    expect(agent.agentId).toBeNull();
    expect(log.join('\n')).toMatch(/page compute \(compute-window\): not attached/);
    agent.stop();
  });

  it('refuses an unknown host', () => {
    expect(() => startComputeAgent(fakeApi().api, 'elsewhere' as never)).toThrow(/startComputeAgent: host/);
  });
});
