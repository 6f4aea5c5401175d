/**
 * The runs domain of the contract: starting inference runs and reading their layers, maps and
 * windows. One comment line per request.
 */
import type { PatchMapData, VolumeData } from '../contract/files';
import type { InspectResult, RunLayer, RunSettings } from '../contract/runs';
import type { SessionState } from '../contract/session';

/** The runs domain's requests. */
export interface RunRequests {
  /** Queues an inference run of the open model on the open image (labels optional); answers the job id. */
  'run:start': { args: { settings: RunSettings }; result: { jobId: string } };
  /** One volume layer of a finished run, on the image grid. */
  'run:layer': { args: { runId: string; layer: RunLayer }; result: VolumeData };
  /** The run's patch performance and consistency maps (null where absent). */
  'run:maps': { args: { runId: string }; result: { performance: PatchMapData | null; consistency: PatchMapData | null } };
  /** The windows that covered a voxel, with each window's own prediction there. */
  'run:inspect': { args: { runId: string; voxel: number[] }; result: InspectResult };
  /** Deletes a run and its folder. */
  'run:delete': { args: { runId: string }; result: SessionState };
}

/** A request channel of the runs domain. */
export type RunChannel = keyof RunRequests;

/** The runs domain's channels, in contract order. */
export const RUN_CHANNELS = ['run:start', 'run:layer', 'run:maps', 'run:inspect', 'run:delete'] as const satisfies readonly RunChannel[];

// Compile-time check: the list names every channel of RunRequests.
const _everyRunChannel: Exclude<RunChannel, (typeof RUN_CHANNELS)[number]> extends never ? true : false = true;
void _everyRunChannel;
