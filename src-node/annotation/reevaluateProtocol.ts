import type { RunReevaluation } from '../../shared/api/contract/annotation';

/** Main → re-evaluation worker: re-evaluate the run folder `runDir` against `reference` (its buffer transferred). */
export interface ReevaluateRequest {
  type: 'reevaluate';
  runDir: string;
  reference: Uint8Array | Uint16Array;
}

/**
 * Re-evaluation worker → main: `ready` once its modules are loaded, then one answer: the result
 * (structured-cloned: its maps are patch-sized) or the error's name, contract code and message.
 */
export type ReevaluateReply =
  | { type: 'ready' }
  | { type: 'result'; result: RunReevaluation }
  | { type: 'error'; name: string; code: string | null; message: string };
