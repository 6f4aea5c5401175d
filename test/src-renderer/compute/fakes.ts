/**
 * Test doubles of the compute agent's surroundings: an {@link Api} that records calls and lets
 * the test push events, and an engine client / worker pair whose runs the test settles by hand.
 */
import type { EventName, Events, RequestArgs, RequestChannel, RequestResult } from '../../../shared/api/contract';
import { ApiError, type Api } from '../../../shared/api/transport';
import type { EngineClient, EngineProbe, EngineRunInput, EngineRunOptions } from '../../../src-renderer/engine/engineClient';
import { EngineError } from '../../../src-renderer/engine/EngineError';
import type { EngineResult } from '../../../src-renderer/engine/protocol';

type Handler = (args: unknown) => unknown;

/** A fake Api: `handlers` answer calls (a thrown ApiError becomes the call's rejection), `emit` pushes events. */
export function fakeApi(handlers: Partial<Record<RequestChannel, Handler>> = {}) {
  const calls: [RequestChannel, unknown][] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: Api = {
    transport: 'http',
    async call<K extends RequestChannel>(channel: K, args: RequestArgs<K>): Promise<RequestResult<K>> {
      calls.push([channel, args]);
      const h = handlers[channel];
      if (!h) throw new ApiError(channel, { code: 'bad-request', message: `no fake handler for ${channel}` });
      return (await h(args)) as RequestResult<K>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  return {
    api,
    calls,
    handlers,
    emit<E extends EventName>(event: E, payload: Events[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
    /** Calls of one channel, their arguments. */
    of: (channel: RequestChannel) => calls.filter(([c]) => c === channel).map(([, a]) => a),
  };
}

/** A run the fake engine received, settled by the test. */
export interface FakeRun {
  input: EngineRunInput;
  options: EngineRunOptions;
  resolve(result: EngineResult): void;
  reject(error: Error): void;
}

/** A fake worker (error listeners, terminate) and its client (runs wait for the test). */
export function fakeEngine(probe: EngineProbe = { probes: [{ name: 'webgl', ms: 3, renderer: 'Fake GPU', software: false }, { name: 'cpu', ms: 40 }], choice: 'webgl', reason: 'fastest' }) {
  const workers: { terminated: boolean; fireError(): void }[] = [];
  const clients: { closed: boolean; runs: FakeRun[]; probes: number }[] = [];
  const createWorker = () => {
    const errorListeners: (() => void)[] = [];
    const w = {
      terminated: false,
      addEventListener: (type: string, l: () => void) => void (type === 'error' && errorListeners.push(l)),
      terminate() {
        w.terminated = true;
      },
      fireError: () => errorListeners.forEach((l) => l()),
    };
    workers.push(w);
    return w as unknown as Worker & typeof w;
  };
  const createClient = (): EngineClient => {
    const state = { closed: false, runs: [] as FakeRun[], probes: 0 };
    clients.push(state);
    return {
      get pending() {
        return state.runs.length;
      },
      probe: async () => {
        state.probes++;
        return structuredClone(probe);
      },
      run(input, options = {}) {
        return new Promise<EngineResult>((resolve, reject) => {
          const run: FakeRun = { input, options, resolve, reject };
          state.runs.push(run);
          options.signal?.addEventListener('abort', () => reject(new EngineError('aborted', 'fake run cancelled')), { once: true });
        });
      },
      close() {
        state.closed = true;
      },
    };
  };
  return { workers, clients, createWorker, createClient, probe };
}

/** Resolves after pending promise callbacks ran (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setTimeout(r, 0));
}

/** A small, complete engine result on a 2×3×4 grid with 2 classes (coverage count as Int16Array, as some engines give it). */
export function engineResult(): EngineResult {
  const shape = [2, 3, 4];
  const n = 24;
  const affine = [
    [2, 0, 0, -10],
    [0, 2, 0, -20],
    [0, 0, 2, -30],
    [0, 0, 0, 1],
  ];
  const vol = <T extends ArrayLike<number>>(data: T, s = shape) => ({ data, shape: [...s], spacing: [2, 2, 2], affine: affine.map((r) => [...r]) });
  const accSum = Float64Array.from({ length: 8 }, (_, i) => i * 0.5);
  return {
    labels: vol(Uint8Array.from({ length: n }, (_, i) => i % 2)),
    labelsNifti: null,
    probabilities: vol(Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 ? 0.75 : 0.25)), [...shape, 2]),
    coverage: { count: vol(Int16Array.from({ length: n }, (_, i) => 1 + (i % 3))), weight: vol(Float32Array.from({ length: n }, (_, i) => 0.5 + i / 100)) },
    patchPerformance: {
      map: Float64Array.from({ length: 8 }, (_, i) => i * 0.25),
      shape: [2, 2, 2],
      count: 2,
      measure: 'crossEntropy',
      accumulator: { shape: [2, 2, 2], sum: accSum, count: 2, measure: 'crossEntropy' },
    },
    consistency: {
      map: new Float64Array(8),
      shape: [2, 2, 2],
      count: 2,
      accumulator: { shape: [2, 2, 2, 2], sum: Float64Array.from({ length: 16 }, (_, i) => i), count: 2 },
    },
    dice: { mode: 'foreground', perClass: [{ label: 1, name: 'brain', dice: 0.9, predicted: 12, reference: 11 }], mean: 0.9 },
    domainDice: { mode: 'foreground', perClass: [{ label: 1, name: 'brain', dice: 0.91, predicted: 12, reference: 11 }], mean: 0.91 },
    windows: 2,
    timing: { totalMs: 10, preprocessMs: 1, modelMs: 7, stitchMs: 1, postprocessMs: 1 },
    backend: { name: 'webgl', renderer: 'ANGLE (Fake GPU)', reason: 'fastest in a Conv3D-layer probe', fallbacks: [], software: false, probes: [{ name: 'webgl', ms: 2 }], probedAt: '2025-01-01T00:00:00.000Z' },
    grid: { shape: [4, 4, 4], domain: { start: [1, 0, 0], size: [2, 3, 4] }, steps: ['reorient SAR'] },
    options: { patchSize: [2, 2, 2], overlap: 0.5 },
    classes: [
      { name: 'background', color: [0, 0, 0] },
      { name: 'brain', color: [255, 170, 0] },
    ],
    model: { name: 'demo', source: 'sidecar', sha256: 'abc' },
    warnings: ['a warning'],
    worker: { tensorsBefore: 0, tensorsAfter: 0, prepareMs: 1, totalMs: 11, crossOriginIsolated: false, wasmThreads: false },
  };
}
