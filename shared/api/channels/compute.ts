/**
 * The compute domain of the contract: page compute agents attach, fetch their tasks' inputs,
 * report progress and hand in results; main gives and cancels tasks. One comment line per request
 * and event.
 */
import type { ComputeAgentOffer, ComputeTaskInput, ComputeTaskResult } from '../contract/compute';
import type { ApiErrorPayload } from '../contract/errors';
import type { JobInfo } from '../contract/jobs';

/** The compute domain's requests. */
export interface ComputeRequests {
  /** A page compute context offers itself (WebGL inference); main answers its agent id and may send it `compute:task`s. */
  'compute:attach': { args: { offer: ComputeAgentOffer }; result: { agentId: string } };
  /** The agent fetches a task's inputs. */
  'compute:input': { args: { agentId: string; taskId: string }; result: ComputeTaskInput };
  /** The agent reports a task's progress. */
  'compute:progress': { args: { agentId: string; taskId: string; progress: JobInfo['progress'] }; result: null };
  /** The agent hands in a task's result (main writes the run folder). */
  'compute:done': { args: { agentId: string; taskId: string; result: ComputeTaskResult }; result: null };
  /** The agent reports that a task failed (or stopped after `compute:cancel`). */
  'compute:failed': { args: { agentId: string; taskId: string; error: ApiErrorPayload }; result: null };
}

/** A request channel of the compute domain. */
export type ComputeChannel = keyof ComputeRequests;

/** The compute domain's channels, in contract order. */
export const COMPUTE_CHANNELS = ['compute:attach', 'compute:input', 'compute:progress', 'compute:done', 'compute:failed'] as const satisfies readonly ComputeChannel[];

// Compile-time check: the list names every channel of ComputeRequests.
const _everyComputeChannel: Exclude<ComputeChannel, (typeof COMPUTE_CHANNELS)[number]> extends never ? true : false = true;
void _everyComputeChannel;

/** The compute domain's events. */
export interface ComputeEvents {
  /** Main gives a page compute agent a task (only the agent with that id acts on it). */
  'compute:task': { agentId: string; taskId: string };
  /** Main cancels a page compute task. */
  'compute:cancel': { agentId: string; taskId: string };
}

/** The compute domain's events, in contract order. */
export const COMPUTE_EVENTS = ['compute:task', 'compute:cancel'] as const satisfies readonly (keyof ComputeEvents)[];
