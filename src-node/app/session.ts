/**
 * One session: what a tab or window has open (image, label map, model), the runs and sweeps it
 * shows, and its jobs. Sessions share the project folder, the job queue and the compute worker
 * (HostContext); nothing one session does changes another's files, views or jobs.
 */
import { randomBytes } from 'node:crypto';
import { DicomChoices } from './dicomChoices';
import { importDicomSeries } from './dicomImport';
import { readDicomSource, type DicomSourceRecord } from './dicomSource';
import { isDicomInput } from '../readDicomImage';
import { basename } from 'node:path';
import type { EventName, Events, FileKind, JobInfo, SessionState } from '../../shared/api/contract';
import { assertLabelMap } from '../../shared/io/labelMap';
import type { AnnotationState } from './annotationState';
import type { HostContext } from './hostContext';
import type { OpenModel, OpenVolume } from './openFiles';
import { newestFirst } from './projectRecords';
import { fail } from './serviceError';
import { Uploads } from './uploads';
import type { ModelRef } from './workerProtocol';

/** A listener of a session's events. */
export type SessionListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** The project's lock state as the session state shows it. */
function projectStatus(ctx: HostContext): SessionState['project'] {
  const { store } = ctx;
  return { dir: store.dir, name: store.name, readOnly: store.readOnly, lockedBy: store.readOnly ? store.lockedByText : null };
}

/** See the module comment. */
export class Session {
  readonly id: string;
  /** The secret that resumes this session after its page went away (reload, dropped socket). */
  readonly key = randomBytes(16).toString('hex');
  image: OpenVolume | null = null;
  /**
   * The open image's DICOM source when it was imported from a series (the record beside it:
   * ./dicomSource.ts), or null; `dicomProblem` says why a record beside it was not usable.
   */
  dicom: DicomSourceRecord | null = null;
  dicomProblem: string | null = null;
  label: OpenVolume | null = null;
  model: OpenModel | null = null;
  /** The open image's annotation (`annotation:open`), or null: closed when another image opens and when the session ends. */
  annotation: AnnotationState | null = null;
  /** Runs and sweeps this session shows: the project's when it started, plus its own. */
  readonly runIds: Set<string>;
  readonly sweepIds: Set<string>;
  readonly uploads: Uploads;
  /** DICOM folders listed for the series picker (`file:dicomSeries`), by token. */
  readonly dicomChoices: DicomChoices;
  /** The ui connections serving it now (normally one) and their listeners. */
  readonly listeners = new Map<string, SessionListener>();
  /** Ends the session when no page came back in time (see serviceHost.ts `sessionGraceMs`). */
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  ended = false;
  /** Resolves once the session's first files are open (requests wait for it). */
  ready: Promise<void> = Promise.resolve();
  private fileLock: Promise<unknown> = Promise.resolve();
  /** The inference grid of the open image and model (`shape` null while the worker computes it), and what it is of. */
  private grid: { key: string; shape: number[] | null } | null = null;

  constructor(
    private readonly ctx: HostContext,
    id: string,
  ) {
    this.id = id;
    this.runIds = new Set(ctx.records.runIds());
    this.sweepIds = new Set(ctx.records.sweepIds());
    this.uploads = new Uploads(ctx.store.uploadsDir, ctx.options.maxUploadBytes);
    this.dicomChoices = new DicomChoices((folder) => this.uploads.discard(folder));
  }

  /** Everything the renderer mirrors. */
  state(): SessionState {
    const { records, queue, store } = this.ctx;
    const runs = [...this.runIds].map((id) => records.runs.get(id)).filter((r) => r !== undefined);
    const sweeps = [...this.sweepIds].map((id) => records.sweeps.get(id)).filter((s) => s !== undefined);
    return {
      project: projectStatus(this.ctx),
      // The read-only banner says what the store's read-only notice says.
      notices: store.notices.filter((n) => !(store.readOnly && store.lockedByText && n.startsWith(store.lockedByText))),
      image: this.image ? { ...this.image.info } : null,
      dicom: this.dicom ? structuredClone(this.dicom.info) : null,
      label: this.label ? { ...this.label.info } : null,
      model: this.model ? { ...this.model.info } : null,
      inferenceGrid: this.grid?.shape ? [...this.grid.shape] : null,
      runs: runs.sort(newestFirst).map((r) => ({ ...r })),
      sweeps: sweeps.sort(newestFirst).map((s) => ({ ...s })),
      jobs: queue.list(this.id).map((j) => this.explainWait(j)),
      recent: store.recent,
    };
  }

  /** A queued job says how many jobs of other windows run before it. */
  private explainWait(job: JobInfo): JobInfo {
    if (job.state !== 'queued') return job;
    const others = this.ctx.queue.ahead(job.id);
    return others > 0 ? { ...job, progress: { ...job.progress, message: `waiting for ${others} job(s) of other windows` } } : job;
  }

  /** Sends an event to this session's pages. */
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of [...this.listeners.values()]) {
      try {
        l(event, payload);
      } catch (e) {
        this.ctx.log(`an event listener failed on ${event}: ${(e as Error).message}`);
      }
    }
  }

  /** Pushes the state (after any change). */
  changed(): void {
    if (!this.ended && !this.ctx.isClosed()) this.emit('session:changed', this.state());
  }

  /** One file operation at a time per session (opening reads and parses; two at once could interleave). */
  exclusive<T>(f: () => Promise<T>): Promise<T> {
    const next = this.fileLock.then(f, f);
    this.fileLock = next.catch(() => undefined);
    return next;
  }

  /** Refuses what would write into a project another PatchLens holds. */
  assertWritable(ch: string): void {
    const { store } = this.ctx;
    if (store.readOnly) throw fail('forbidden', `${ch}: ${store.lockedByText ?? 'another PatchLens holds this project'}: this window is read-only (open another project folder to run, sweep or export)`);
  }

  /**
   * Opens a file of a trusted path (dialog, drop, recent, upload, command line, demo); the state
   * changes only when it succeeded. A label map must be a reference for the open image
   * (`assertLabelMap`: integer, non-negative, finite labels on the image's grid); a different image
   * (by content, not by shape) closes the label map.
   */
  async openPath(kind: FileKind, path: string, series?: string): Promise<void> {
    if (series !== undefined && (kind !== 'image' || !isDicomInput(path))) throw fail('bad-input', `${kind} ${basename(path)}: a series is chosen only for a DICOM image (a folder, a DICOMDIR or a DICOM file)`);
    if (kind === 'image' && isDicomInput(path)) {
      // A DICOM series becomes a NIfTI in the project (app/dicomImport.ts), opened like any image.
      this.assertWritable('file:open');
      let imported: string;
      try {
        imported = (await importDicomSeries(this.ctx.store.dir, path, { series })).path;
      } catch (e) {
        throw fail('bad-input', (e as Error).message);
      }
      return this.openPath('image', imported);
    }
    if (kind === 'model') {
      const model = await this.ctx.files.openModel(path);
      this.model = model;
      this.warm(model.ref);
      this.refreshGrid();
      this.remember('model', model.ref.path, { model: model.ref.path });
      return;
    }
    if (kind === 'label') {
      if (!this.image) throw fail('precondition', `label ${basename(path)}: open an image first (a label map must match the image's grid)`);
      const next = this.ctx.files.readVolume('label', path);
      try {
        assertLabelMap(next.volume, this.image.volume, `label ${next.info.name}`);
      } catch (e) {
        throw fail('bad-input', `${(e as Error).message} (image ${this.image.info.name})`);
      }
      this.label = next;
      this.remember('label', path, { label: path });
      return;
    }
    const next = this.ctx.files.readVolume('image', path);
    const same = this.image !== null && this.image.identity === next.identity;
    // The old image's annotation is closed (autosaved) before the new image is open: no edit reaches it any more.
    if (!same) await this.closeAnnotation();
    this.image = next;
    this.dicom = null;
    this.dicomProblem = null;
    try {
      this.dicom = readDicomSource(path, next.info.sha256);
    } catch (e) {
      this.dicomProblem = (e as Error).message;
    }
    if (!same) this.label = null;
    this.refreshGrid();
    this.remember('image', path, { image: path, label: this.label?.path ?? null });
  }

  /** Closes the label map or the model. */
  closeFile(kind: 'label' | 'model'): void {
    if (kind === 'label') this.label = null;
    else this.model = null;
    this.refreshGrid();
    if (!this.ctx.store.readOnly) this.ctx.store.setCurrent({ [kind]: null });
  }

  /**
   * Closes the open annotation: no edit reaches it any more, and what is not autosaved yet is
   * written. A failed autosave is logged (the autosave before it stays on disk).
   */
  async closeAnnotation(): Promise<void> {
    const open = this.annotation;
    if (!open) return;
    this.annotation = null;
    try {
      await open.close();
    } catch (e) {
      this.ctx.log(`the edits of ${open.image.name} could not be autosaved on closing: ${(e as Error).message} (the autosave before them is kept)`);
    }
  }

  /** Ends the session: cancels its jobs, deletes its unfinished uploads and staged DICOM choices, autosaves and closes its annotation. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    this.listeners.clear();
    this.uploads.close();
    this.dicomChoices.close();
    await Promise.all([this.closeAnnotation(), this.ctx.queue.cancelOwner(this.id)]);
  }

  /** Recent list and the project's open files (skipped in a read-only project). */
  private remember(kind: FileKind, path: string, current: Partial<Record<FileKind, string | null>>): void {
    const { store } = this.ctx;
    if (store.readOnly) return;
    store.addRecent(kind, path, basename(path));
    store.setCurrent(current);
  }

  /**
   * Asks the compute worker for the inference grid of the open image and model (the grid the run
   * form's patch advice is about: shared/recommend/inferenceGrid.ts) when they changed; its answer is pushed
   * with `session:changed`. An answer for files no longer open is dropped; a failure leaves the
   * grid unknown (the run itself reports what is wrong with the files).
   */
  private refreshGrid(): void {
    const { image, model } = this;
    if (!image || !model) {
      this.grid = null;
      return;
    }
    const key = `${image.identity}|${model.ref.sha256}`;
    if (this.grid?.key === key) return;
    const entry: { key: string; shape: number[] | null } = { key, shape: null };
    this.grid = entry;
    if (this.ctx.isClosed()) return;
    let task;
    try {
      task = this.ctx.compute.run('grid', { imagePath: image.path, model: { ...model.ref } });
    } catch (e) {
      this.ctx.log(`the inference grid of ${image.info.name} with ${model.info.name} is unknown: ${(e as Error).message}`);
      return;
    }
    task.result.then(
      (g) => {
        if (this.grid !== entry) return;
        entry.shape = g.shape;
        this.changed();
      },
      (e: Error) => this.ctx.log(`the inference grid of ${image.info.name} with ${model.info.name} is unknown: ${e.message}`),
    );
  }

  /**
   * Loads a just-opened model in the compute worker in the background (reading it, choosing the
   * backend, compiling its kernels), so the first run starts at once instead of competing with
   * the UI for the CPU while it warms up. A failure here is reported by the run itself.
   */
  private warm(ref: ModelRef): void {
    if (this.ctx.isClosed()) return;
    this.ctx.compute.run('warm', { model: { ...ref } }).result.then(
      (warm) => {
        if (warm.probes.length > 0) this.ctx.nodeProbes = warm.probes;
      },
      () => undefined,
    );
  }
}
