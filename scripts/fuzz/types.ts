/**
 * What the fuzzer passes around: targets, cases, verdicts, and the messages between the
 * campaign (main thread) and the worker thread that runs the cases.
 */

/** The five fuzz targets, in the order they run. */
export const TARGETS = ['nifti', 'gzip', 'model', 'cli', 'frames'] as const;
export type TargetName = (typeof TARGETS)[number];

/**
 * How one case ended: `clean` a clear error of the project's own (naming its function or
 * option), `accepted` a result that passed the target's sanity checks, `crash` anything else
 * thrown (or a worker that died), `hang` over the per-case time limit, `garbage` a "success"
 * that is not sane.
 */
export type Outcome = 'clean' | 'accepted' | 'crash' | 'hang' | 'garbage';

/**
 * A case's input: plain JSON values and Uint8Arrays only, so that it can be posted to the
 * worker and written to a reproduction file (`repro.ts`) unchanged.
 */
export type CaseInput = { mode: string } & Record<string, unknown>;

/** One case of a target. */
export interface FuzzCase {
  target: TargetName;
  /** The campaign's seed. */
  seed: number;
  /** The case number within the target (−1 for a fixed case). */
  index: number;
  /** The fixed case's name, or the generator's short description of what it mutated. */
  name: string;
  input: CaseInput;
}

/** What the worker says about a case. */
export interface Verdict {
  outcome: Exclude<Outcome, 'hang'>;
  /** The error's message, or what was wrong with a garbage result, or a short summary of an accepted one. */
  message: string;
  /** The stack of the error (crashes), when there is one. */
  stack?: string;
  /** Numbers a fixed case reports (e.g. the worker's peak RSS in MiB). */
  stats?: Record<string, number>;
  /**
   * Set on a clean refusal the oracle disagrees with (a file it would accept): not a crash or
   * garbage, but counted and written out to be looked at.
   */
  suspect?: string;
}

/** A verdict with the time the case took (what the campaign records). */
export type TimedVerdict = (Verdict | (Omit<Verdict, 'outcome'> & { outcome: 'hang' })) & { ms: number };

/** Main thread → worker: `load` the executors of these targets (once, before the first case), then `run` cases. */
export type ToWorker = { type: 'load'; targets: TargetName[] } | { type: 'run'; id: number; fuzzCase: FuzzCase };

/** Worker → main thread: `ready` once started, `loaded` once the executors are, then one `verdict` per `run`. */
export type FromWorker = { type: 'ready' } | { type: 'loaded'; error?: string } | { type: 'verdict'; id: number; verdict: Verdict; memoryMb: number };
