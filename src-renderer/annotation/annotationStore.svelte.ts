/**
 * The page's side of annotation: the working label map and its undo history (the page paints,
 * so it holds both), the label table, the findings, and the save / autosave / recovery state.
 * Every completed stroke, undo and redo is sent to main as a voxel diff (`annotation:edit`), in
 * order; main keeps its copy, autosaves it and writes the files. A Svelte 5 rune store: what the
 * panels show is reactive; the voxels are plain typed arrays the viewer draws from.
 */
import type { AnnotationInfo, AnnotationResolution, AnnotationStart, FindingsDocument, VolumeData } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';
import { ApiError } from '../../shared/api/transport';
import { EditQueue } from './editQueue';
import { conflictMessage, lockedLabelMessage, messageOf, savedNote, skippedLockedMessage } from './annotationMessages';
import { EditHistory, type Stroke } from '../../shared/annotation/editHistory';
import { LabelTable, type Rgb } from '../../shared/annotation/labelTable';
import type { LabelArray } from '../../shared/annotation/labelGrid';
import type { VoxelDiff } from '../../shared/annotation/voxelDiff';
import { AnnotationFields } from './annotationFields.svelte';
import { FindingsUndo } from './findings/findingsModel';
import { UndoOrder, type UndoDomain } from './undoOrder';

export type { AnnotationStatus, VoxelListener } from './annotationFields.svelte';

/** The annotation store of the open image. */
export class AnnotationStore extends AnnotationFields {
  /** The working label map (plain: the viewer draws it; edited in place by the history). */
  labels: VolumeData | null = null;
  private history: EditHistory | null = null;
  private labelTable: LabelTable | null = null;
  private imageKey = '';
  private runId: string | undefined;
  private readonly edits: EditQueue;
  private strokeStart: number | null = null;
  /** Which history each step went into: Ctrl+Z takes back the newest of labels and findings. */
  private readonly order = new UndoOrder();
  /** Counts the maps adopted: a queued edit of an earlier map is not sent. */
  private mapEpoch = 0;
  private offChanged: (() => void) | null = null;

  constructor(private readonly api: Api) {
    super();
    this.edits = new EditQueue(api, {
      current: () => ({ imageKey: this.imageKey, epoch: this.mapEpoch }),
      answered: (stats) => {
        this.stats = stats;
        this.dirty = true;
      },
      failed: async (message, conflict) => {
        // Main's copy is the one that is saved: on a mismatch the page takes it back.
        this.error = message;
        if (conflict) await this.resync();
      },
      pendingChanged: (n) => (this.pending = n),
    });
  }

  /** Listens for main's autosave/save state (call once; `stop` undoes it). */
  startListening(): void {
    this.offChanged ??= this.api.on('annotation:changed', (c) => {
      this.dirty = c.dirty;
      this.autosavedAt = c.autosavedAt;
      this.savedAt = c.savedAt;
    });
  }

  /** Stops listening. */
  stop(): void {
    this.offChanged?.();
    this.offChanged = null;
  }

  /** Whether tools may change voxels now. */
  get editable(): boolean {
    return this.status === 'open' && this.recoverable === null && this.history !== null;
  }

  /**
   * Opens the image's annotation from `start` (replacing what is open). `runId`: the run whose
   * prediction the statistics compare against (and the start `prediction` copies).
   */
  async open(start: AnnotationStart, runId?: string): Promise<void> {
    this.status = 'opening';
    this.error = null;
    try {
      // Main's open closes what is open: the edits queued before it must reach main first
      // ('opening' is not editable, so none are added meanwhile).
      await this.settled();
      const info = await this.api.call('annotation:open', { start, ...(runId ? { runId } : {}) });
      this.runId = runId;
      this.adopt(info);
    } catch (e) {
      this.status = 'error';
      this.error = messageOf(e);
    }
  }

  /** Takes main's answer as the working state (after open, recovery or a resync). */
  private adopt(info: AnnotationInfo): void {
    this.mapEpoch++;
    this.imageKey = info.imageKey;
    this.labels = info.labels;
    this.labelTable = LabelTable.fromJSON(info.table);
    this.history = new EditHistory(info.labels.data as LabelArray, { inPlace: true, locks: this.labelTable });
    this.table = this.labelTable.toJSON();
    this.stats = info.stats;
    this.setFindingsHistory(info.findings);
    this.start = info.start;
    this.recoverable = info.recoverable;
    this.savedAt = info.savedAt;
    this.dirty = info.edits > 0;
    this.conflict = null;
    this.refreshSteps();
    this.status = 'open';
    this.generation++;
    const first = this.labelTable.entries().find((e) => e.value > 0);
    if (first && !this.labelTable.has(this.settings.activeLabel)) this.settings.activeLabel = first.value;
    this.emit(null);
  }

  /** Recovers the autosave on offer (main's copy becomes it). */
  async recover(): Promise<void> {
    await this.open('recovered', this.runId);
  }

  /** Deletes the autosave on offer and goes on with what was opened. */
  async discardRecovery(): Promise<void> {
    await this.attempt(async () => {
      await this.api.call('annotation:discardRecovery', {});
      this.recoverable = null;
    });
  }

  /** The label map's value at a flat index (0 when nothing is open). */
  valueAt(index: number): number {
    return this.labels?.data[index] ?? 0;
  }

  /** The display name of a label (its table name, else "label n"). */
  labelName(value: number): string {
    return this.labelTable?.get(value)?.name ?? `label ${value}`;
  }

  /** Notes where a drag starts, so that all its dabs become one undo step. */
  beginStroke(): void {
    this.strokeStart = this.history?.nextStepId ?? null;
  }

  /**
   * Applies one stroke (or one dab of a drag) to the working map and draws it. Outside a drag
   * it is sent to main at once; inside one, at {@link endStroke}.
   * @returns voxels changed, or null when editing is not possible now (the reason is in `error`)
   */
  apply(stroke: Stroke): number | null {
    const history = this.history;
    if (!this.editable || !history) {
      this.error = this.recoverable ? 'Recover or discard the autosaved edits before editing.' : 'Open an image to edit its labels.';
      return null;
    }
    if (typeof stroke.values === 'number' && this.labelTable?.isLocked(stroke.values)) {
      this.error = lockedLabelMessage(stroke.values, this.labelName(stroke.values));
      return null;
    }
    try {
      const result = history.apply(stroke);
      // A stroke that went through clears the last complaint; the locked voxels it skipped make a new one.
      this.error = null;
      if (result.skippedLocked > 0) this.error = skippedLockedMessage(result.skippedLocked);
      if (!result.change) return 0;
      this.emit(result.change);
      if (this.strokeStart === null) {
        this.order.recorded('labels');
        this.send(result.change, result.step!.label);
      } else this.refreshSteps();
      return result.change.indices.length;
    } catch (e) {
      this.error = messageOf(e);
      return null;
    }
  }

  /** Ends a drag: its dabs become one step, sent to main. */
  endStroke(label: string): void {
    const history = this.history;
    const first = this.strokeStart;
    this.strokeStart = null;
    if (!history || first === null) return;
    const merged = history.mergeSince(first, label);
    if (merged) {
      this.order.recorded('labels');
      this.send(history.diffAt(history.position - 1), merged.label);
    } else this.refreshSteps();
  }

  /**
   * Whether a tool may paint the active label now; if not, `error` says why (a locked label).
   * cornerstone's tools skip a locked segment silently; the press asks first.
   */
  mayPaintActive(): boolean {
    const value = this.settings.activeLabel;
    if (!this.labelTable?.isLocked(value)) return true;
    this.error = lockedLabelMessage(value, this.labelName(value));
    return false;
  }

  /** Whether {@link undo} has a step (of the labels or the findings) to take back. */
  get canUndo(): boolean {
    void this.findings; // the findings history moves with the document
    return this.editable && (this.position > 0 || !!this.findingsHistory?.canUndo);
  }

  /** Whether {@link redo} has a step to take again. */
  get canRedo(): boolean {
    void this.findings;
    return this.editable && (this.position < this.steps.length || !!this.findingsHistory?.canRedo);
  }

  /** Undoes the newest step of the labels or the findings (a label step is sent to main as its inverse). */
  undo(): void {
    if (!this.editable) return;
    const domain = this.order.nextUndo((d) => (d === 'labels' ? this.position > 0 : !!this.findingsHistory?.canUndo));
    if (domain === 'findings') return void this.setFindings(this.findingsHistory!.undo());
    const step = this.steps[this.position - 1];
    const change = this.history?.undo();
    if (!change) return;
    this.order.undone('labels');
    this.afterMove([change], `Undo ${step?.label ?? ''}`.trim());
  }

  /** Redoes the step undone last. */
  redo(): void {
    if (!this.editable) return;
    const domain = this.order.nextRedo((d) => (d === 'labels' ? this.position < this.steps.length : !!this.findingsHistory?.canRedo));
    if (domain === 'findings') return void this.setFindings(this.findingsHistory!.redo());
    const step = this.steps[this.position];
    const change = this.history?.redo();
    if (!change) return;
    this.order.redone('labels');
    this.afterMove([change], `Redo ${step?.label ?? ''}`.trim());
  }

  /** Undoes or redoes the labels to a position of the step list (0: before the first kept step). */
  jumpTo(position: number): void {
    if (!this.editable || !this.history) return;
    const from = this.history.position;
    const changes = this.history.jumpTo(position);
    const to = this.history.position;
    for (let k = from; k > to; k--) this.order.undone('labels');
    for (let k = from; k < to; k++) this.order.redone('labels');
    this.afterMove(changes, `Jump to step ${position}`);
  }

  /** A new findings document from main (open, reload): its history starts afresh. */
  private setFindingsHistory(doc: FindingsDocument): void {
    this.findings = doc;
    this.order.forget('findings');
    this.order.forget('labels');
    const moved: Record<'apply' | 'undo' | 'redo', (d: UndoDomain) => void> = { apply: (d) => this.order.recorded(d), undo: (d) => this.order.undone(d), redo: (d) => this.order.redone(d) };
    this.findingsHistory = new FindingsUndo(doc, (kind) => moved[kind]('findings'));
  }

  private afterMove(changes: VoxelDiff[], label: string): void {
    for (const c of changes) {
      this.emit(c);
      this.send(c, label);
    }
    this.refreshSteps();
  }

  /** Sends one change to main, after the ones before it. */
  private send(diff: VoxelDiff, step: string): void {
    this.refreshSteps();
    this.edits.send(diff, step);
  }

  /** Reloads main's copy (its unsaved edits included) after a conflict. */
  private async resync(): Promise<void> {
    try {
      this.adopt(await this.api.call('annotation:open', { start: 'recovered', ...(this.runId ? { runId: this.runId } : {}) }));
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  /** Resolves once every edit sent so far has been answered. */
  async settled(): Promise<void> {
    await this.edits.settled();
  }

  private refreshSteps(): void {
    this.steps = this.history?.steps() ?? [];
    this.position = this.history?.position ?? 0;
  }

  /** Changes the label table (add, rename, recolour, lock, show/hide) and tells main. */
  async editTable(change: (table: LabelTable) => void): Promise<void> {
    const table = this.labelTable;
    if (!table || !this.history) return;
    await this.attempt(async () => {
      change(table);
      this.table = table.toJSON();
      this.emit(null);
      const r = await this.api.call('annotation:table', { table: table.toJSON() });
      this.stats = r.stats;
    });
  }

  /** Adds a label with the next free value and makes it the active one. */
  async addLabel(name?: string, colour?: Rgb): Promise<void> {
    await this.editTable((t) => {
      const value = t.nextFreeValue();
      t.add({ value, name: name ?? `Label ${value}`, ...(colour ? { colour } : {}) });
      this.settings.activeLabel = value;
    });
  }

  /** Replaces the findings document (the panel's every change) and tells main. */
  async setFindings(doc: FindingsDocument): Promise<void> {
    this.findings = doc;
    await this.attempt(async () => {
      await this.api.call('annotation:findings', { findings: doc });
      this.dirty = true;
    });
  }

  /**
   * Saves labels and findings. A file changed on disk since it was opened sets `conflict`
   * (the dialog asks); `resolution` answers it.
   * @returns whether it saved
   */
  async save(resolution?: AnnotationResolution): Promise<boolean> {
    await this.settled();
    try {
      const r = await this.api.call('annotation:save', resolution ? { resolution } : {});
      this.savedNote = savedNote(resolution, r);
      this.savedAt = r.savedAt;
      this.dirty = false;
      this.conflict = null;
      this.error = null;
      if (resolution === 'keep-theirs') await this.open('saved', this.runId);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'conflict') this.conflict = conflictMessage(e);
      else this.error = messageOf(e);
      return false;
    }
  }

  /** Makes a label the active one (when the table has it; 1–9 keys). */
  setActiveLabel(value: number): boolean {
    if (!this.labelTable?.has(value) || value === 0) {
      this.error = `There is no label ${value}; add it in the label list first.`;
      return false;
    }
    this.settings.activeLabel = value;
    return true;
  }

  /** Closes the annotation (another image opened): nothing is lost, main autosaves its copy. */
  close(): void {
    this.status = 'closed';
    this.labels = null;
    this.history = null;
    this.labelTable = null;
    this.table = null;
    this.stats = [];
    this.steps = [];
    this.position = 0;
    this.findings = null;
    this.recoverable = null;
    this.imageKey = '';
    this.findingDraft = null;
    this.generation++;
    this.emit(null);
  }

  private async attempt(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.error = messageOf(e);
    }
  }
}
