/**
 * The sweeps domain of the contract: planning and starting sweeps, opening their cases, their
 * summaries and calibration maps. One comment line per request.
 */
import type { PatchMapData } from '../contract/files';
import type { SessionState } from '../contract/session';
import type { SweepCases, SweepPlanInfo, SweepRequest } from '../contract/sweeps';
import type { SweepSummary } from '../../sweep/types';

/** The sweeps domain's requests. */
export interface SweepRequests {
  /** Queues a sweep; answers the job id. */
  'sweep:start': { args: { request: SweepRequest }; result: { jobId: string } };
  /** What a sweep of these cases would run (model, cases, grid), before it runs. */
  'sweep:plan': { args: { cases: SweepCases }; result: SweepPlanInfo };
  /** Opens a case of a sweep as the sweep ran it (its image, labels and the sweep's model). */
  'sweep:openCase': { args: { sweepId: string; caseId: string }; result: SessionState };
  /** Summary of a sweep (Dice, time, Pareto front, recommendation, margins, time model). */
  'sweep:summary': { args: { sweepId: string }; result: SweepSummary };
  /** The merged calibration patch performance map of a sweep's patch size. */
  'sweep:map': { args: { sweepId: string; calibrationId: string }; result: PatchMapData };
}

/** A request channel of the sweeps domain. */
export type SweepChannel = keyof SweepRequests;

/** The sweeps domain's channels, in contract order. */
export const SWEEP_CHANNELS = ['sweep:start', 'sweep:plan', 'sweep:openCase', 'sweep:summary', 'sweep:map'] as const satisfies readonly SweepChannel[];

// Compile-time check: the list names every channel of SweepRequests.
const _everySweepChannel: Exclude<SweepChannel, (typeof SWEEP_CHANNELS)[number]> extends never ? true : false = true;
void _everySweepChannel;
