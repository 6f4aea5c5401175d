/**
 * One `probe` request: the backend probe `auto` runs before a model loads (`selectBackend`'s
 * measured Conv3D-layer probe), without a model. Platform-neutral like handleRun.ts.
 */
import { selectBackend, type ProbeCache } from '../../shared/engine/backend/selectBackend';
import { webglRendererInfo } from './webglRendererInfo';
import { EngineError } from './EngineError';
import { memoryProbeCache } from './handleRun';
import type { ProbeRequest, ProbeResultMessage } from './protocol';

/**
 * Measures the registered backends (or reuses the cached probe unless `request.fresh`) and
 * answers what `auto` would choose. Leaves the chosen backend current, as a run's probe does.
 * @param cache where the probe is kept (default: the worker's in-memory cache, shared with runs)
 * @throws EngineError `backend-unavailable` when no backend works here
 */
export async function handleProbe(request: ProbeRequest, cache: ProbeCache = memoryProbeCache): Promise<ProbeResultMessage> {
  if (request.quick === true) {
    const gl = webglRendererInfo();
    if (!gl.available || gl.software) {
      const reason = gl.available ? `software WebGL (${gl.renderer}): not measured, never preferred over wasm` : 'no WebGL in this worker';
      const probe: ProbeResultMessage['probes'][number] = { name: 'webgl', error: reason };
      if (gl.renderer !== undefined) probe.renderer = gl.renderer;
      if (gl.available) probe.software = true;
      const message: ProbeResultMessage = { type: 'probe-result', id: request.id, probes: [probe], choice: 'wasm', reason: `${reason}; wasm assumed (not measured)` };
      if (gl.renderer !== undefined) message.renderer = gl.renderer;
      return message;
    }
  }
  const effective: ProbeCache = request.fresh === true ? { load: () => undefined, save: (c) => cache.save(c) } : cache;
  try {
    const choice = await selectBackend('auto', { cache: effective });
    const message: ProbeResultMessage = {
      type: 'probe-result',
      id: request.id,
      probes: choice.probes.map((p) => ({ ...p })),
      choice: choice.name,
      reason: choice.reason,
    };
    if (choice.renderer !== undefined) message.renderer = choice.renderer;
    if (choice.probedAt !== undefined) message.probedAt = choice.probedAt;
    return message;
  } catch (e) {
    throw new EngineError('backend-unavailable', `handleProbe: ${(e as Error).message}`, { cause: e });
  }
}
