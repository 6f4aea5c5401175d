/** The validators of the compute domain's channels (page compute agents). */
import type { RequestArgs } from '../contract';
import type { ComputeChannel } from '../channels/compute';
import { AGENT_HOSTS, type ComputeAgentOffer } from '../contract/compute';
import { API_ERROR_CODES, type ApiErrorPayload } from '../contract/errors';
import type { JobInfo } from '../contract/jobs';
import type { BackendProbe } from '../../engine/backend/selectBackend';
import { array, bool, finite, id, object, oneOf, text, type Check } from './checks';
import { taskResult } from './computeResult';

function offer(ch: string, value: unknown): ComputeAgentOffer {
  const o = object(ch, 'offer', value, ['probes', 'choice', 'host']);
  const probes = array(ch, 'offer.probes', o.probes, 0, 8).map((p, i): BackendProbe => {
    const name = `offer.probes[${i}]`;
    const po = object(ch, name, p, ['name', 'ms', 'error', 'renderer', 'software'], ['name']);
    const probe: BackendProbe = { name: text(ch, `${name}.name`, po.name, 64, false) };
    if (po.ms !== undefined) probe.ms = finite(ch, `${name}.ms`, po.ms, 0);
    if (po.error !== undefined) probe.error = text(ch, `${name}.error`, po.error);
    if (po.renderer !== undefined) probe.renderer = text(ch, `${name}.renderer`, po.renderer);
    if (po.software !== undefined) probe.software = bool(ch, `${name}.software`, po.software);
    return probe;
  });
  return { probes, choice: text(ch, 'offer.choice', o.choice, 64, false), host: oneOf(ch, 'offer.host', o.host, AGENT_HOSTS) };
}

function taskIds(ch: string, o: Record<string, unknown>): { agentId: string; taskId: string } {
  return { agentId: id(ch, 'agentId', o.agentId), taskId: id(ch, 'taskId', o.taskId) };
}

function jobProgress(ch: string, value: unknown): JobInfo['progress'] {
  const o = object(ch, 'progress', value, ['fraction', 'phase', 'etaMs', 'message']);
  return {
    fraction: finite(ch, 'progress.fraction', o.fraction, 0, 1),
    phase: text(ch, 'progress.phase', o.phase, 64),
    etaMs: o.etaMs === null ? null : finite(ch, 'progress.etaMs', o.etaMs, 0),
    message: text(ch, 'progress.message', o.message),
  };
}

function errorPayload(ch: string, value: unknown): ApiErrorPayload {
  const o = object(ch, 'error', value, ['code', 'message']);
  return { code: oneOf(ch, 'error.code', o.code, API_ERROR_CODES), message: text(ch, 'error.message', o.message) };
}

/** One validator per channel of the compute domain. */
export const COMPUTE_VALIDATORS: { [K in ComputeChannel]: Check<RequestArgs<K>> } = {
  'compute:attach': (ch, args) => ({ offer: offer(ch, object(ch, 'args', args, ['offer']).offer) }),
  'compute:input': (ch, args) => taskIds(ch, object(ch, 'args', args, ['agentId', 'taskId'])),
  'compute:progress': (ch, args) => {
    const o = object(ch, 'args', args, ['agentId', 'taskId', 'progress']);
    return { ...taskIds(ch, o), progress: jobProgress(ch, o.progress) };
  },
  'compute:done': (ch, args) => {
    const o = object(ch, 'args', args, ['agentId', 'taskId', 'result']);
    return { ...taskIds(ch, o), result: taskResult(ch, o.result) };
  },
  'compute:failed': (ch, args) => {
    const o = object(ch, 'args', args, ['agentId', 'taskId', 'error']);
    return { ...taskIds(ch, o), error: errorPayload(ch, o.error) };
  },
};
