/**
 * The DICOM folders a session listed for its series picker (`file:dicomSeries`), each staged
 * under a token until the user opens one of its series (`file:open { source: { from: 'choice' } }`)
 * or cancels (`file:dicomDiscard`). Page script names only the token, never the path. An upload
 * behind a choice keeps its folder until then, and is deleted when the choice is opened (the
 * series' NIfTI and its record in the project's dicom/ folder are the image from then on),
 * discarded, replaced (the same folder listed again, or more than {@link MAX_DICOM_CHOICES}
 * staged: the oldest goes), idle for {@link DICOM_CHOICE_IDLE_MS}, or when the session ends.
 */
import { randomBytes } from 'node:crypto';
import type { DicomSeries } from '../dicom';
import { fail } from './serviceError';

/** Most choices one session stages at once. */
export const MAX_DICOM_CHOICES = 4;
/** A choice nobody opened or discarded for this long is dropped (30 minutes). */
export const DICOM_CHOICE_IDLE_MS = 30 * 60 * 1000;

/** What a token stands for: the folder scanned, and the upload folder to delete with it (null: the user's own folder). */
export interface StagedDicom {
  path: string;
  upload: string | null;
  /** The series the listing found (headers only; for `file:dicomPreview`, so a thumbnail does not scan the folder again). */
  series: readonly DicomSeries[];
}

interface Entry extends StagedDicom {
  timer: ReturnType<typeof setTimeout>;
}

/** One session's staged DICOM choices (see the module comment). */
export class DicomChoices {
  private readonly staged = new Map<string, Entry>();

  /**
   * @param discardUpload deletes an upload's folder (the session's `uploads.discard`)
   * @param idleMs a choice idle this long is dropped
   */
  constructor(
    private readonly discardUpload: (folder: string) => void,
    private readonly idleMs: number = DICOM_CHOICE_IDLE_MS,
  ) {}

  /** Stages a scanned folder (with the series its scan found); answers its token. The same folder staged before is replaced, and the oldest goes past the limit. */
  stage(path: string, upload: string | null, series: readonly DicomSeries[] = []): string {
    for (const [token, e] of [...this.staged]) if (e.path === path) this.drop(token);
    while (this.staged.size >= MAX_DICOM_CHOICES) this.drop(this.staged.keys().next().value as string);
    const token = `c${randomBytes(12).toString('hex')}`;
    const timer = setTimeout(() => this.drop(token), this.idleMs);
    timer.unref?.();
    this.staged.set(token, { path, upload, series, timer });
    return token;
  }

  /**
   * The folder a token stands for. It stays staged (a series that does not open leaves the
   * others to choose) until {@link opened} or {@link discard}.
   * @throws ServiceError `not-found` for a token this session did not stage, or one already opened, discarded or dropped
   */
  get(ch: string, token: string): StagedDicom {
    const e = this.staged.get(token);
    if (!e) throw fail('not-found', `${ch}: no DICOM folder listed as choice ${token} in this window (opened, cancelled, or dropped after ${Math.round(this.idleMs / 60000)} idle minutes); list the folder again`);
    e.timer.refresh();
    return { path: e.path, upload: e.upload, series: e.series };
  }

  /** A series of the choice opened: the choice is used up and an upload behind it deleted. */
  opened(token: string): void {
    this.drop(token);
  }

  /** `file:dicomDiscard`: drops a choice and deletes an upload behind it (an unknown token is fine: it is gone). */
  discard(token: string): null {
    this.drop(token);
    return null;
  }

  /** Drops every choice (the session ended). */
  close(): void {
    for (const token of [...this.staged.keys()]) this.drop(token);
  }

  /** Choices staged now. */
  size(): number {
    return this.staged.size;
  }

  private drop(token: string): void {
    const e = this.staged.get(token);
    if (!e) return;
    this.staged.delete(token);
    clearTimeout(e.timer);
    if (e.upload) this.discardUpload(e.upload);
  }
}
