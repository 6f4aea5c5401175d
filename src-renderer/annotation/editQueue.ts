/**
 * The annotation store's line to main: every label change goes out as one `annotation:edit`, in
 * order, each after the answer to the one before. A diff made on a map that was replaced since
 * (a resync, another open: its epoch is old) is not sent; a `conflict` answer (main's copy does
 * not hold what the diff says was there) makes the store take main's copy back.
 */
import type { LabelStatRow } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';
import { ApiError } from '../../shared/api/transport';
import type { VoxelDiff } from '../../shared/annotation/voxelDiff';
import { messageOf } from './annotationMessages';

/** What the queue tells the store. */
export interface EditQueueHost {
  /** The image the open annotation is of, and the epoch of its map, now. */
  current(): { imageKey: string; epoch: number };
  /** Main answered an edit of the current image. */
  answered(stats: LabelStatRow[]): void;
  /** An edit of the current image failed (`conflict`: main's copy must be taken back). */
  failed(message: string, conflict: boolean): Promise<void>;
  /** The count of edits in flight changed. */
  pendingChanged(pending: number): void;
}

/** The ordered queue of `annotation:edit` requests. */
export class EditQueue {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly api: Api,
    private readonly host: EditQueueHost,
  ) {}

  /** Sends one change of the current map, after the ones before it. */
  send(diff: VoxelDiff, step: string): void {
    const { imageKey, epoch } = this.host.current();
    this.host.pendingChanged(++this.pending);
    this.queue = this.queue.then(async () => {
      try {
        // The map this diff was made on was replaced: main's copy never had it, and the page no longer shows it.
        if (epoch !== this.host.current().epoch) return;
        const r = await this.api.call('annotation:edit', { diff, step, imageKey });
        if (imageKey === this.host.current().imageKey) this.host.answered(r.stats);
      } catch (e) {
        if (imageKey !== this.host.current().imageKey) return;
        const conflict = e instanceof ApiError && e.code === 'conflict';
        await this.host.failed(conflict ? `${messageOf(e)} The labels were reloaded from the service's copy.` : messageOf(e), conflict);
      } finally {
        this.host.pendingChanged(--this.pending);
      }
    });
  }

  /** Resolves once every edit sent so far has been answered. */
  async settled(): Promise<void> {
    await this.queue;
  }
}
