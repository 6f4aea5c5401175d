import type { AppCommand, JobInfo, SessionState } from '@shared/api/contract';
import { ApiError, type Api } from '@shared/api/transport';

/** A message shown in the app's notice area. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
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
  heatmapVisible = $state(true);
  resetToken = $state(0);
  notices = $state<Notice[]>([]);
  // Plain (non-reactive) collections on purpose: nothing renders from them.
  /** Command handlers registered by the UI (menu items / accelerators). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private commandHandlers = new Map<AppCommand, () => void>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private knownRuns = new Set<string>();
  private nextNotice = 1;
  private unsubscribe: (() => void)[] = [];

  constructor(readonly api: Api) {}

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

  /** Takes a new session state; a run that just appeared becomes the selected one. */
  apply(s: SessionState): void {
    const fresh = s.runs.find((r) => !this.knownRuns.has(r.id));
    const first = this.session === null;
    for (const r of s.runs) this.knownRuns.add(r.id);
    this.session = s;
    this.jobs = s.jobs;
    if (this.selectedRunId && !s.runs.some((r) => r.id === this.selectedRunId)) this.selectedRunId = null;
    if (fresh && !first) this.selectedRunId = fresh.id;
    else if (first && !this.selectedRunId && s.runs.length > 0) this.selectedRunId = s.runs[0].id;
  }

  /** Registers what a command does (returns the unregister function). */
  onCommand(command: AppCommand, handler: () => void): () => void {
    this.commandHandlers.set(command, handler);
    return () => this.commandHandlers.delete(command);
  }

  /** Carries out a command: built-in view commands here, the rest through registered handlers. */
  run(command: AppCommand): void {
    switch (command) {
      case 'toggle-heatmap':
        this.heatmapVisible = !this.heatmapVisible;
        return;
      case 'reset-view':
        this.resetToken++;
        return;
      case 'show-explorer':
        this.tab = 'explorer';
        return;
      case 'show-viewer':
        this.tab = 'viewer';
        return;
      default:
        this.commandHandlers.get(command)?.();
    }
  }

  /** Calls the API and turns a failure into an error notice (resolves to undefined then). */
  async attempt<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (e) {
      const message = e instanceof ApiError ? e.message : `${what}: ${(e as Error).message}`;
      this.notify('error', message);
      return undefined;
    }
  }

  /** Shows a notice (errors stay until dismissed, info for 6 s). */
  notify(kind: Notice['kind'], text: string): void {
    const id = this.nextNotice++;
    this.notices = [...this.notices, { id, kind, text }];
    if (kind === 'info') setTimeout(() => this.dismiss(id), 6000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}
