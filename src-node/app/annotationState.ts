/**
 * The annotation a session holds for its open image (contract.md of issue 14): main's copy of the
 * label map, the label table, the findings, the versions of the saved files and the Autosaver in
 * the project's annotation folder. The page holds the working map and the undo history and sends
 * each completed stroke, undo or redo as a diff, and each change of the label table; this copy
 * (labels, table, findings) is what is saved, autosaved, recovered and re-evaluated. In a read-only project edits work in memory only: nothing is autosaved, and
 * saving is refused.
 */
import type { AnnotationChanged, AnnotationDiff, AnnotationInfo, AnnotationResolution, AnnotationSaved, FindingsDocument, LabelStatRow, LabelTableJSON } from '../../shared/api/contract';
import { LabelStats } from '../../shared/annotation/labelStats';
import { LabelTable } from '../../shared/annotation/labelTable';
import { valueAt, writeDiff } from '../../shared/annotation/voxelDiff';
import type { OpenedAnnotation } from '../annotation/annotationFiles';
import { saveAnnotationAsAsync, saveAnnotationAsync } from '../annotation/annotationFiles';
import { Autosaver, type AutosaveTimers } from '../annotation/autosave';
import { FileConflictError, readFileVersion, type FileVersion } from '../annotation/fileVersion';
import type { LabelData } from '../annotation/labelNifti';
import { discard, recoverableOf } from '../annotation/recovery';
import { assertFindingsOf, type AnnotationImage, type StartingAnnotation } from './annotationStart';
import { fail } from './serviceError';

/** How autosaves are timed (tests drive the idle interval by hand). */
export interface AnnotationAutosaveOptions {
  /** Idle interval after the last edit, ms (default the Autosaver's 3 s). */
  idleMs?: number;
  timers?: AutosaveTimers;
}

/** What an {@link AnnotationState} needs besides its start. */
export interface AnnotationStateOptions {
  projectDir: string;
  /** Another PatchLens holds the project: no autosave, no save. */
  readOnly: boolean;
  image: AnnotationImage;
  /** The run's predicted labels the statistics compare with, or null. */
  prediction: LabelData | null;
  table: LabelTable;
  autosave?: AnnotationAutosaveOptions;
  /** Called with the new edit and save state after every change. */
  onChanged: (state: AnnotationChanged) => void;
  /** An idle autosave failed (the state stays dirty; the next edit tries again). */
  onAutosaveError: (error: Error) => void;
}

/** The ISO time of the latest modified of the files (null when none exists). */
function latestOf(...versions: (FileVersion | null)[]): string | null {
  let ms: number | null = null;
  for (const v of versions) if (v?.exists && (ms === null || v.mtimeMs > ms)) ms = v.mtimeMs;
  return ms === null ? null : new Date(ms).toISOString();
}

/** See the module comment. */
export class AnnotationState {
  readonly image: AnnotationImage;
  /** Where the annotation started (`saved` may have fallen back). */
  readonly start: StartingAnnotation['start'];
  private labelMap: LabelData;
  private labelTable: LabelTable;
  private findingsDoc: FindingsDocument;
  private versions: OpenedAnnotation['versions'];
  /** The annotation folder's files. */
  readonly paths: OpenedAnnotation['paths'];
  private stats: LabelStats;
  private autosaver: Autosaver | null;
  private editCount: number;
  /** Whether main's copy holds something the saved files do not. */
  private unsaved: boolean;
  private savedAt: string | null;
  private autosavedAt: string | null = null;
  private closed = false;
  /** Counts edits and findings changes (a save tells by it whether one came while it wrote). */
  private changes = 0;

  constructor(
    private readonly options: AnnotationStateOptions,
    begin: StartingAnnotation,
  ) {
    this.image = options.image;
    this.start = begin.start;
    this.labelMap = begin.labels;
    this.labelTable = options.table;
    this.findingsDoc = begin.findings;
    this.versions = begin.opened.versions;
    this.paths = begin.opened.paths;
    this.editCount = begin.edits;
    // A start other than the saved files (or a recovery) is not in them yet.
    this.unsaved = begin.start !== 'saved';
    this.savedAt = latestOf(this.versions.labels, this.versions.findings, this.versions.table);
    this.stats = this.countStats();
    this.autosaver = options.readOnly ? null : this.newAutosaver();
  }

  /** The image key (annotation folder name). */
  get imageKey(): string {
    return this.image.key;
  }

  /** Main's copy of the label map (do not change it: edits go through {@link edit}). */
  get labels(): LabelData {
    return this.labelMap;
  }

  /** The label table as it is now (a copy): colours and hidden labels the report draws the labels with. */
  get table(): LabelTableJSON {
    return this.labelTable.toJSON();
  }

  /** Main's copy of the findings (do not change it: `setFindings` replaces it). */
  get findings(): FindingsDocument {
    return this.findingsDoc;
  }

  /** Everything `annotation:open` answers (the labels a copy). */
  info(): AnnotationInfo {
    const { image } = this;
    const offered = this.start === 'recovered' ? null : recoverableOf(this.options.projectDir, image.key);
    return {
      imageKey: image.key,
      labels: { shape: [...image.shape], spacing: [...image.spacing], affine: image.affine.map((r) => [...r]), data: this.labelMap.slice() },
      table: this.labelTable.toJSON(),
      findings: structuredClone(this.findingsDoc),
      start: this.start,
      savedAt: this.savedAt,
      edits: this.editCount,
      recoverable: offered ? { savedAt: offered.savedAt, edits: offered.edits, reason: offered.reason } : null,
      stats: this.statRows(),
    };
  }

  /** The edit and save state (the `annotation:changed` payload). */
  changedState(): AnnotationChanged {
    return { edits: this.editCount, dirty: this.unsaved, autosavedAt: this.autosavedAt, savedAt: this.savedAt };
  }

  /**
   * Applies one stroke, undo or redo.
   * @throws ServiceError `bad-request` for indices that are not strictly increasing inside the image
   * or a voxel that does not change; `conflict` when `before` differs from main's copy (the page
   * reopens) or the edit names another image
   */
  edit(ch: string, diff: AnnotationDiff, imageKey?: string): { edits: number; stats: LabelStatRow[] } {
    this.assertOpen(ch);
    if (imageKey !== undefined && imageKey !== this.image.key) throw fail('conflict', `${ch}: the edit is of image ${imageKey}, but the open annotation is of ${this.image.name} (${this.image.key}); reopen the annotation`);
    const { indices, before, after } = diff;
    const voxels = this.labelMap.length;
    let previous = -1;
    let widest = 0;
    for (let k = 0; k < indices.length; k++) {
      const v = indices[k];
      if (v <= previous) throw fail('bad-request', `${ch}: diff.indices must be strictly increasing, got ${v} after ${previous} at position ${k}`);
      if (v >= voxels) throw fail('bad-request', `${ch}: diff.indices[${k}] = ${v} is outside the image (${voxels} voxels)`);
      previous = v;
      const from = valueAt(before, k);
      const to = valueAt(after, k);
      if (from === to) throw fail('bad-request', `${ch}: voxel ${v} (diff position ${k}) does not change (before and after are ${to})`);
      if (this.labelMap[v] !== from) throw fail('conflict', `${ch}: voxel ${v} holds ${this.labelMap[v]} in main's copy, but the edit says ${from} was there; reopen the annotation`);
      if (to > widest) widest = to;
    }
    if (widest > 255 && this.labelMap instanceof Uint8Array) {
      // A label past uint8 widens main's copy (and its statistics) to uint16.
      this.labelMap = Uint16Array.from(this.labelMap);
      this.stats = this.countStats();
    }
    writeDiff(this.labelMap, diff);
    this.stats.update(diff);
    this.editCount++;
    this.touched();
    return { edits: this.editCount, stats: this.statRows() };
  }

  /**
   * Replaces the label table; answers the statistics of its labels. A table that differs from
   * the one held (a rename, recolour, lock, show/hide, new label) leaves the annotation unsaved
   * and an autosave due, as an edit does; the same table again changes nothing.
   */
  setTable(ch: string, table: LabelTableJSON): { stats: LabelStatRow[] } {
    this.assertOpen(ch);
    const next = LabelTable.fromJSON(table);
    const changed = JSON.stringify(next.toJSON()) !== JSON.stringify(this.labelTable.toJSON());
    this.labelTable = next;
    if (changed) this.touched();
    return { stats: this.statRows() };
  }

  /** Replaces the findings document (it must be of this image). */
  setFindings(ch: string, findings: FindingsDocument): { count: number } {
    this.assertOpen(ch);
    assertFindingsOf(ch, findings, this.image);
    this.findingsDoc = findings;
    this.touched();
    return { count: findings.findings.length };
  }

  /**
   * Saves labels, findings and the label table (`labelTable.json`) into the annotation folder,
   * over the versions that were opened. `overwrite`: over whatever is there now. `save-as`: to a
   * new set of files beside the saved ones (annotationFiles.ts `saveAnnotationAs`), which stay
   * theirs; the answer names the new labels and findings files (the contract has no field for
   * the table's: it is the `labelTable.saved-as-<stamp>.json` of the same stamp), and the
   * versions to save against stay the opened ones, so a later plain save still
   * answers `conflict` while their file differs from what was opened.
   * The labels are gzipped off the event loop (edits may arrive meanwhile: the state saved is
   * the one at the call, and edits made during the save leave the annotation unsaved).
   * @throws ServiceError `forbidden` in a read-only project, `conflict` naming the file changed on disk
   */
  async save(ch: string, resolution?: Exclude<AnnotationResolution, 'keep-theirs'>): Promise<AnnotationSaved> {
    this.assertOpen(ch);
    if (this.options.readOnly) throw fail('forbidden', `${ch}: this project is read-only (another PatchLens holds it): the edits are kept in memory only`);
    const changes = this.changes;
    if (resolution === 'save-as') {
      const written = await saveAnnotationAsAsync(this.options.projectDir, this.image, { labels: this.labelMap, findings: this.findingsDoc, table: this.labelTable.toJSON() });
      const savedAt = this.markSaved(latestOf(written.labels, written.findings, written.table), changes);
      return { savedAt, labelsPath: written.labels.path, findingsPath: written.findings.path };
    }
    const opened = resolution === 'overwrite' ? { labels: readFileVersion(this.paths.labels), findings: readFileVersion(this.paths.findings), table: readFileVersion(this.paths.table) } : this.versions;
    try {
      this.versions = await saveAnnotationAsync(this.options.projectDir, this.image, opened, { labels: this.labelMap, findings: this.findingsDoc, table: this.labelTable.toJSON() });
    } catch (e) {
      if (e instanceof FileConflictError) throw fail('conflict', `${ch}: ${e.message} (save again with resolution 'overwrite' to replace it, 'save-as' to write ours to new files beside it, or 'keep-theirs' to reload it)`);
      throw e;
    }
    const savedAt = this.markSaved(latestOf(this.versions.labels, this.versions.findings, this.versions.table), changes);
    return { savedAt, labelsPath: this.paths.labels, findingsPath: this.paths.findings };
  }

  /**
   * After a save of the state at change count `changes`: clean (unless an edit came during the
   * save: it is not in the files, so the annotation stays unsaved and its autosave due), the
   * save's time, `annotation:changed` sent; answers the save's time.
   */
  private markSaved(at: string | null, changes: number): string {
    if (this.changes === changes) {
      this.unsaved = false;
      this.autosaver?.markClean();
    }
    this.savedAt = at ?? new Date().toISOString();
    this.emitChanged();
    return this.savedAt;
  }

  /** Removes the autosave on offer; this annotation's own edits are autosaved afresh. */
  async discardRecovery(ch: string): Promise<void> {
    this.assertOpen(ch);
    if (this.options.readOnly) throw fail('forbidden', `${ch}: this project is read-only (another PatchLens holds it)`);
    const old = this.autosaver;
    if (old) {
      // Wait for a running autosave (writing nothing more), so the folder goes in one piece.
      old.markClean();
      await old.flush();
    }
    discard(this.options.projectDir, this.image.key);
    // The old autosaver's manifest names files that are gone now: start a new one.
    this.autosaver = this.newAutosaver();
    this.autosavedAt = null;
    if (this.unsaved) this.autosaver.markDirty();
    this.emitChanged();
  }

  /**
   * Closes the annotation (the image changed, the session or the services end): no edit reaches
   * it any more, and what is not autosaved yet is written (reason `close`).
   * @throws the writer's error when that autosave failed
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.autosaver?.flush();
  }

  private assertOpen(ch: string): void {
    if (this.closed) throw fail('precondition', `${ch}: the annotation of ${this.image.name} was closed (another image was opened); open the annotation again`);
  }

  /** After an edit or new findings: unsaved, and an autosave is due. */
  private touched(): void {
    this.changes++;
    this.unsaved = true;
    this.autosaver?.markDirty();
    this.emitChanged();
  }

  private emitChanged(): void {
    if (!this.closed) this.options.onChanged(this.changedState());
  }

  private newAutosaver(): Autosaver {
    const { projectDir, image, autosave } = this.options;
    return new Autosaver({
      projectDir,
      image,
      idleMs: autosave?.idleMs,
      timers: autosave?.timers,
      // A copy: an edit may arrive while the autosave encodes.
      snapshot: () => ({ labels: this.labelMap.slice(), findings: structuredClone(this.findingsDoc), table: this.labelTable.toJSON(), edits: this.editCount }),
      onSaved: (manifest) => {
        this.autosavedAt = manifest.savedAt;
        this.emitChanged();
      },
      onError: (e) => this.options.onAutosaveError(e),
    });
  }

  private countStats(): LabelStats {
    const { shape, spacing } = this.image;
    return new LabelStats({ shape, spacing }, this.labelMap, this.options.prediction);
  }

  /** A row per label of the table and per value present (background first). */
  private statRows(): LabelStatRow[] {
    const rows = new Map<number, LabelStatRow>();
    for (const r of this.stats.rows({ includeBackground: true })) rows.set(r.value, r);
    const limit = this.labelMap instanceof Uint8Array && !(this.options.prediction instanceof Uint16Array) ? 255 : 65535;
    const dice = this.options.prediction === null ? null : 1;
    for (const e of this.labelTable.entries()) {
      if (rows.has(e.value)) continue;
      // A table label beyond the map's datatype holds no voxel yet.
      rows.set(e.value, e.value <= limit ? this.stats.row(e.value) : { value: e.value, voxels: 0, volumeMl: 0, predictedVoxels: 0, overlap: 0, dice });
    }
    return [...rows.values()].sort((a, b) => a.value - b.value);
  }
}
