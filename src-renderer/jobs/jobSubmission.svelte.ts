import type { JobInfo } from '../../shared/api/contract';

/** A form's validation result: ok with what to send, or one message per invalid field. */
export type FormCheck = { ok: true } | { ok: false; errors: Partial<Record<string, string>> };

/**
 * The state of a form that queues a job (the run panel, the sweep form): field errors, the API's
 * error, the queued job's id and whether a request is in flight, with the submit flow they share.
 */
export class JobSubmission {
  errors = $state<Partial<Record<string, string>>>({});
  apiError = $state<string | null>(null);
  /** The id of the job this form queued last (null before the first or after a failed submit). */
  queued = $state<string | null>(null);
  busy = $state(false);
  /** The queued job's id once it was seen in the job list (plain: written while deriving). */
  private listed: string | null = null;

  /**
   * What the form says about the job it queued, derived from the job list (the one source of
   * truth of job state, fed by the services' `session:changed` / `job:progress` events):
   * "Queued (job j3)." while queued, "Running (job j3)." while running, nothing once it
   * finished, failed or was cancelled (the job list says how it ended). Before the list has the
   * job (its event may arrive after the answer) it is queued; once the list had it, its absence
   * means it ended and was pruned.
   */
  notice(jobs: readonly JobInfo[]): string | null {
    const id = this.queued;
    if (!id) return null;
    const job = jobs.find((j) => j.id === id);
    if (!job) return this.listed === id ? null : `Queued (job ${id}).`;
    this.listed = id;
    if (job.state === 'queued') return `Queued (job ${id}).`;
    if (job.state === 'running') return `Running (job ${id}).`;
    return null;
  }

  /**
   * Does nothing while `blocked` (the form's disabled reason); else validates with `check` and,
   * when the form is valid, queues the job with `send`.
   */
  async submit<R extends FormCheck>(blocked: string | null, check: () => R, send: (checked: Extract<R, { ok: true }>) => Promise<{ jobId: string }>): Promise<void> {
    this.apiError = null;
    this.queued = null;
    if (blocked) return;
    const checked = check();
    if (!checked.ok) {
      this.errors = (checked as Extract<FormCheck, { ok: false }>).errors;
      return;
    }
    this.errors = {};
    this.busy = true;
    try {
      this.queued = (await send(checked as Extract<R, { ok: true }>)).jobId;
    } catch (e) {
      this.apiError = (e as Error).message;
    } finally {
      this.busy = false;
    }
  }
}
