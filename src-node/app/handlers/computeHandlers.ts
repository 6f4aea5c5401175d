import type { RequestChannel } from '../../../shared/api/contract';
import type { HostContext } from '../hostContext';
import type { HandlerTable } from './callContext';

/**
 * The channels of page compute agents (tfjs WebGL in the UI page or Electron's compute window):
 * the only ones a `compute` connection may call. An agent is bound to the connection that
 * attached it; its tasks are the session's.
 */
export type ComputeChannel = Extract<RequestChannel, `compute:${string}`>;

/** The handlers of {@link ComputeChannel}. */
export function computeHandlers(host: HostContext): HandlerTable<ComputeChannel> {
  const { pageCompute } = host;
  return {
    'compute:attach': async ({ session, connectionId }, { offer }) => pageCompute.attach(offer, { sessionId: session.id, connectionId }),
    'compute:input': ({ connectionId }, { agentId, taskId }) => pageCompute.input(connectionId, agentId, taskId),
    'compute:progress': async ({ connectionId }, { agentId, taskId, progress }) => pageCompute.progress(connectionId, agentId, taskId, progress),
    'compute:done': ({ connectionId }, { agentId, taskId, result }) => pageCompute.done(connectionId, agentId, taskId, result),
    'compute:failed': async ({ connectionId }, { agentId, taskId, error }) => pageCompute.failed(connectionId, agentId, taskId, error),
  };
}
