/**
 * The autosave rule: after every edit the owner calls {@link Autosaver.markDirty}; once no edit
 * came for the idle interval (default 3 s) the current labels, findings and label table are written to the
 * image's `autosave/` folder (autosaveFiles.ts); {@link Autosaver.flush} writes what is left when
 * the image or the app closes. Never two saves at once: a save asked for while one runs is run
 * once after it, with the state of that moment. Clock and timers are injectable so that tests
 * drive the idle interval by hand.
 */
import type { LabelTableJSON } from '../../shared/annotation/labelTable';
import type { AtomicWriteOptions } from '../fs/atomicWrite';
import { annotationPaths, imageKeyOf, type AnnotationPaths } from './annotationFolder';
import { findingsBytes, readAutosaveManifest, writeAutosave, type AutosaveManifest, type AutosaveReason } from './autosaveFiles';
import { encodeLabelNiftiAsync, type LabelData } from './labelNifti';
import { labelTableBytes } from './labelTableFile';
import type { LabelImage } from './saveLabels';

/** The annotation's state at one moment, as the owner hands it to the autosaver. */
export interface AutosaveSnapshot {
  /** The label map on the image grid, or null when there is none yet. */
  labels: LabelData | null;
  /** The findings document (opaque here), or null when there is none. */
  findings: unknown;
  /** The label table (names, colours, locks, visibility), or null / left out when there is none. */
  table?: LabelTableJSON | null;
  /** The edit history's step count. */
  edits: number;
}

/** The timers the autosaver uses (tests pass a hand-driven one). */
export interface AutosaveTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The real timers. */
export const REAL_TIMERS: AutosaveTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The idle interval after the last edit before an autosave, in ms. */
export const DEFAULT_IDLE_MS = 3000;

/** Options of {@link Autosaver}. */
export interface AutosaverOptions {
  projectDir: string;
  /** The image annotated: its path, its header (the labels' geometry) and its file's SHA-256 (the folder key). */
  image: LabelImage & { sha256: string };
  /** The current state; called when a save starts, so the latest edits are the ones saved. */
  snapshot: () => AutosaveSnapshot | Promise<AutosaveSnapshot>;
  /** Idle interval in ms (default {@link DEFAULT_IDLE_MS}). */
  idleMs?: number;
  now?: () => Date;
  timers?: AutosaveTimers;
  /** After each autosave. */
  onSaved?: (manifest: AutosaveManifest) => void;
  /** An idle autosave failed (ENOSPC, EIO): the state stays dirty and the next edit tries again. */
  onError?: (error: Error) => void;
  /** The writer's options (tests inject file-system faults). */
  write?: AtomicWriteOptions;
}

/** Which reason wins when several saves are asked for while one runs. */
const RANK: Record<AutosaveReason, number> = { idle: 0, explicit: 1, close: 2 };

/** Autosaves one image's annotation (see the file comment). */
export class Autosaver {
  /** The annotation folder's paths. */
  readonly paths: AnnotationPaths;
  private readonly idleMs: number;
  private readonly now: () => Date;
  private readonly timers: AutosaveTimers;
  private timer: unknown = null;
  /** Counts markDirty calls; a save clears `dirty` only if none came while it ran. */
  private generation = 0;
  private savedGeneration = 0;
  private running: Promise<AutosaveManifest | null> | null = null;
  private again: AutosaveReason | null = null;
  private last: AutosaveManifest | null;

  constructor(private readonly options: AutosaverOptions) {
    const idle = options.idleMs ?? DEFAULT_IDLE_MS;
    if (!(Number.isFinite(idle) && idle >= 0)) throw new RangeError(`Autosaver: idleMs must be a non-negative number of milliseconds, got ${idle}`);
    this.idleMs = idle;
    this.now = options.now ?? (() => new Date());
    this.timers = options.timers ?? REAL_TIMERS;
    this.paths = annotationPaths(options.projectDir, imageKeyOf(options.image.sha256));
    // Continue an autosave left from before (its generation numbers and unchanged parts).
    this.last = readAutosaveManifest(this.paths).manifest;
  }

  /** Whether there are edits not yet autosaved. */
  get dirty(): boolean {
    return this.generation !== this.savedGeneration;
  }

  /** Whether a save is running now. */
  get saving(): boolean {
    return this.running !== null;
  }

  /** The latest autosave's manifest (this session's, or the one found on disk), or null. */
  get latest(): AutosaveManifest | null {
    return this.last;
  }

  /** Call after each edit: the annotation is dirty and the idle interval starts again. */
  markDirty(): void {
    this.generation++;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.request('idle').catch((e: Error) => this.options.onError?.(e));
    }, this.idleMs);
  }

  /** Call after the annotation was saved for real: nothing is dirty any more and no idle save is pending. */
  markClean(): void {
    this.cancelTimer();
    this.savedGeneration = this.generation;
  }

  /** Autosaves now when dirty (reason 'explicit'); resolves with the manifest written, or null when nothing was dirty. */
  autosaveNow(): Promise<AutosaveManifest | null> {
    this.cancelTimer();
    return this.request('explicit');
  }

  /**
   * On close: cancels the idle timer, waits for a running save and writes what is still dirty
   * (reason 'close').
   * @throws the writer's error when the last save failed (the caller tells the user before closing)
   */
  async flush(): Promise<AutosaveManifest | null> {
    this.cancelTimer();
    return this.request('close');
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  /** Starts a save, or, while one runs, asks for one more after it (the strongest reason asked). */
  private request(reason: AutosaveReason): Promise<AutosaveManifest | null> {
    if (this.running) {
      if (this.again === null || RANK[reason] > RANK[this.again]) this.again = reason;
      return this.running;
    }
    this.running = this.loop(reason).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(first: AutosaveReason): Promise<AutosaveManifest | null> {
    let reason: AutosaveReason | null = first;
    let written: AutosaveManifest | null = null;
    try {
      while (reason !== null) {
        this.again = null;
        if (this.dirty) written = await this.saveOnce(reason);
        reason = this.again;
      }
    } finally {
      this.again = null;
    }
    return written;
  }

  private async saveOnce(reason: AutosaveReason): Promise<AutosaveManifest> {
    const generation = this.generation;
    const snap = await this.options.snapshot();
    const { image } = this.options;
    const findings = snap.findings === null || snap.findings === undefined ? null : findingsBytes(snap.findings);
    const table = snap.table ? labelTableBytes(snap.table) : null;
    // gzip on libuv's thread pool: a 256³ map takes seconds, which the event loop spends answering meanwhile.
    const labels = snap.labels ? (await encodeLabelNiftiAsync(snap.labels, image.header)).bytes : null;
    const manifest = writeAutosave(
      this.paths,
      {
        imagePath: image.path,
        imageSha256: image.sha256,
        labels,
        findings,
        table,
        edits: snap.edits,
        reason,
        savedAt: this.now(),
      },
      this.last,
      this.options.write,
    );
    this.last = manifest;
    this.savedGeneration = Math.max(this.savedGeneration, generation); // markClean may have come meanwhile
    this.options.onSaved?.(manifest);
    return manifest;
  }
}
