import type { AppCommand, JobInfo, SessionState } from '@shared/api/contract';
import { ApiError, type Api } from '@shared/api/transport';
import { isRunOfImage } from '../jobs/runImages';
import { CommandService } from '../commands/commandService.svelte';
import { userError, type UserError } from './userError';

/** A message shown in the app's notice area. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  /** The headline: what was wrong, in the user's words. */
  text: string;
  /** The technical message behind it (shown one click away), null when the headline says it all. */
  detail: string | null;
}

/** Which main panel is shown. */
export type AppTab = 'viewer' | 'explorer';

/**
 * The renderer's state, mirrored from main (`session:changed`) plus what only the UI knows:
 * the selected run, the tab, notices. A Svelte 5 rune store (Podman Desktop style).
 */
export class AppState {
  /** Main's session; replaced only on `session:changed`, so panels do not redraw on progress ticks. */
  session = $state.raw<SessionState | null>(null);
  /** The jobs, with `job:progress` applied (up to ~10 updates per second per job). */
  jobs = $state.raw<JobInfo[]>([]);
  selectedRunId = $state<string | null>(null);
  tab = $state<AppTab>('viewer');
  notices = $state<Notice[]>([]);
  /** Who carries out each command of the registry (menu, keyboard, palette); the panels register with it. */
  readonly commands: CommandService;
  // Plain (non-reactive) collections on purpose: nothing renders from them.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private knownRuns = new Set<string>();
  /** The run last selected over each image (by SHA-256): reopening an image shows its run again. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private selectionByImage = new Map<string, string>();
  /** SHA-256 of the open image (undefined before the first session state). */
  private imageSha: string | null | undefined = undefined;
  private nextNotice = 1;
  private unsubscribe: (() => void)[] = [];

  constructor(readonly api: Api) {
    this.commands = new CommandService({ jobActive: () => this.jobs.some((j) => j.state === 'running' || j.state === 'queued') }, isMac());
    this.commands.register('show-explorer', () => (this.tab = 'explorer'));
    this.commands.register('show-viewer', () => (this.tab = 'viewer'));
  }

  /** Loads the session and follows main's events. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.api.on('session:changed', (s) => this.apply(s)),
      this.api.on('job:progress', (job) => {
        this.jobs = this.jobs.map((j) => (j.id === job.id ? job : j));
      }),
      this.api.on('app:command', ({ command }) => this.run(command)),
    );
    this.apply(await this.api.call('session:get', {}));
  }

  /** Stops following events. */
  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /**
   * Takes a new session state. Only a run of the open image can be the selected one (the viewer
   * draws the selected run's layers): a run of it that just appeared becomes selected; opening
   * another image puts the selection aside (its runs' layers are no longer drawn) and brings
   * back the run last selected over that image, if any.
   */
  apply(s: SessionState): void {
    const ofImage = (r: SessionState['runs'][number]) => isRunOfImage(r, s.image);
    const fresh = s.runs.find((r) => !this.knownRuns.has(r.id) && ofImage(r));
    const first = this.session === null;
    for (const r of s.runs) this.knownRuns.add(r.id);
    const image = s.image?.sha256 ?? null;
    const imageChanged = this.imageSha !== undefined && image !== this.imageSha;
    if (imageChanged && this.imageSha && this.selectedRunId) this.selectionByImage.set(this.imageSha, this.selectedRunId);
    this.imageSha = image;
    this.session = s;
    this.jobs = s.jobs;
    if (imageChanged) this.selectedRunId = image ? (this.selectionByImage.get(image) ?? null) : null;
    if (this.selectedRunId && !s.runs.some((r) => r.id === this.selectedRunId && ofImage(r))) this.selectedRunId = null;
    if (fresh && !first) this.selectedRunId = fresh.id;
    else if (first && !this.selectedRunId) this.selectedRunId = s.runs.find(ofImage)?.id ?? null;
  }

  /**
   * Selects a run to show in the viewer. A run of another image is not selected (its layers
   * belong on that image): an info notice says which image to open.
   * @returns whether the run is now the selected one
   */
  selectRun(runId: string): boolean {
    const s = this.session;
    const run = s?.runs.find((r) => r.id === runId);
    if (!s || !run) return false;
    if (!isRunOfImage(run, s.image)) {
      this.notify('info', `Run ${run.id} is of ${run.imageName}${run.imageSha256 ? '' : ' (its image is unknown)'}, not of the open image ${s.image?.name ?? '(none)'}: open ${run.imageName} to show it.`);
      return false;
    }
    this.selectedRunId = runId;
    return true;
  }

  /** Registers what a command does (returns the unregister function). */
  onCommand(command: AppCommand, handler: () => void): () => void {
    return this.commands.register(command, handler);
  }

  /** Carries out a command through the command service (nothing happens when it is not enabled). */
  run(command: AppCommand): void {
    this.commands.run(command);
  }

  /**
   * Calls the API and turns a failure into an error notice (resolves to undefined then): a
   * headline in the user's words (`userError`), the technical message in its details.
   * @param what what the user was doing (`Open image`)
   * @param context what the headline may name: the file the user picked
   */
  async attempt<T>(what: string, f: () => Promise<T>, context: { fileName?: string; kind?: string } = {}): Promise<T | undefined> {
    try {
      return await f();
    } catch (e) {
      const technical = e instanceof ApiError ? e.message : `${what}: ${(e as Error).message}`;
      this.notifyError(userError(what, technical, context));
      return undefined;
    }
  }

  /** Shows an error notice with its headline and details (stays until dismissed). */
  notifyError(error: UserError): void {
    const id = this.nextNotice++;
    this.notices = [...this.notices, { id, kind: 'error', text: error.headline, detail: error.detail }];
  }

  /** Shows a notice (errors stay until dismissed, info for 6 s). */
  notify(kind: Notice['kind'], text: string, detail: string | null = null): void {
    const id = this.nextNotice++;
    this.notices = [...this.notices, { id, kind, text, detail }];
    if (kind === 'info') setTimeout(() => this.dismiss(id), 6000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

/** Whether the page runs on macOS (shortcuts read Cmd there). */
function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
}
