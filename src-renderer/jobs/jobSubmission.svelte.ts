/** A form's validation result: ok with what to send, or one message per invalid field. */
export type FormCheck = { ok: true } | { ok: false; errors: Partial<Record<string, string>> };

/**
 * The state of a form that queues a job (the run panel, the sweep form): field errors, the API's
 * error, the queued job's id and whether a request is in flight, with the submit flow they share.
 */
export class JobSubmission {
  errors = $state<Partial<Record<string, string>>>({});
  apiError = $state<string | null>(null);
  queued = $state<string | null>(null);
  busy = $state(false);

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
