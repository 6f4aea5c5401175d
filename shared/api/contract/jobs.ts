/**
 * Jobs: inference runs, sweeps and report exports in main's queue.
 */
import type { ApiErrorPayload } from './errors';

/** State of a queued job. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** An inference run, sweep or report export in main's job queue. */
export interface JobInfo {
  id: string;
  kind: 'inference' | 'sweep' | 'report';
  /** One line for the UI, e.g. "Inference p24 ov0.5 gaussian on ch2-2mm_t1.nii.gz". */
  label: string;
  state: JobState;
  progress: {
    /** 0..1 over the whole job. */
    fraction: number;
    /** Phase name (`preprocess`, `model`, `postprocess`, `sweep`, ...). */
    phase: string;
    /** Estimated milliseconds left for the whole job (null while unknown). */
    etaMs: number | null;
    message: string;
  };
  /** Run or sweep id the job produced (when done). */
  resultId: string | null;
  error: ApiErrorPayload | null;
  /** ISO dates. */
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
