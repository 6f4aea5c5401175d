/**
 * Undo/redo of label edits, stroke by stroke, stored as voxel diffs (voxelDiff.ts), never as
 * copies of the volume.
 *
 * How it relates to cornerstone3D's `utilities.HistoryMemo` (packages/core/src/utilities/
 * historyMemo): the same verbs (`push` ≈ `apply`, `undo`, `redo`, `canUndo`, `canRedo`), but
 * - a HistoryMemo is a ring of a fixed number of items (`size`, default 50, and setting it clears
 *   the ring); ours keeps any number of steps within a byte budget, and at least `minSteps`;
 * - a HistoryMemo item is a closure (`restoreMemo(undo)`), opaque to everything else; ours is
 *   data (indices, before, after), so label statistics, the renderer's texture update,
 *   re-evaluation and a step list with sizes all read the same diff;
 * - it undoes/redoes `n` items; we also `jumpTo` any position of the list.
 * `startGroupRecording`/`endGroupRecording` (one undo for several memos) corresponds to
 * `mergeSince` (several applied steps become one). A renderer that wants cornerstone's own
 * undo UI can push one Memo per step whose `restoreMemo(undo)` calls our `undo()` or `redo()`.
 */
import { describe } from '../util/validate';
import { assertLabelArray, labelDatatypeOf, LABEL_DATATYPES, type LabelArray, type LabelDatatype } from './labelGrid';
import { compactValues, composeDiffs, diffBytes, invertDiff, STEP_OVERHEAD_BYTES, writeDiff, type VoxelDiff } from './voxelDiff';

/** Default memory budget of the history: 256 MiB of diffs. */
export const DEFAULT_HISTORY_BUDGET_BYTES = 256 * 1024 * 1024;

/** Steps always kept, whatever they cost (the floor). */
export const MIN_HISTORY_STEPS = 200;

/** What a tool hands the history: the voxels it selected and what to write there. */
export interface Stroke {
  /** What the step list shows, e.g. "Brush 5 mm, label 2". */
  label: string;
  /** Flat voxel indices, strictly increasing (every tool returns them so). */
  indices: Uint32Array;
  /** One value for every voxel, or one per index (accept prediction). */
  values: number | ArrayLike<number>;
}

/** One step of the list, as a history panel shows it. */
export interface StepInfo {
  /** Unique for the history's life (steps dropped or undone keep their ids out of reuse). */
  id: number;
  label: string;
  /** Voxels the step changed. */
  voxels: number;
  /** Bytes the step holds (its typed arrays plus {@link STEP_OVERHEAD_BYTES}). */
  bytes: number;
  /** When it was recorded (the clock's milliseconds, `Date.now()` by default). */
  time: number;
}

/** What `apply` did. */
export interface ApplyResult {
  /** The recorded step, or null when the stroke changed nothing (nothing is recorded then). */
  step: StepInfo | null;
  /** The change written into the labels (null with `step`). */
  change: VoxelDiff | null;
  /** Voxels of the stroke left alone because a locked label was there or would have been written. */
  skippedLocked: number;
  /** Oldest steps dropped to stay within the memory budget (they can no longer be undone). */
  dropped: StepInfo[];
}

/** Anything that lists the locked label values (a `LabelTable`). */
export interface LockSource {
  lockedValues(): readonly number[];
}

/** Options of {@link EditHistory}. */
export interface EditHistoryOptions {
  /** Bytes the steps may hold together (default {@link DEFAULT_HISTORY_BUDGET_BYTES}). */
  memoryBudgetBytes?: number;
  /** Steps kept even over the budget (default {@link MIN_HISTORY_STEPS}). */
  minSteps?: number;
  /** Which labels are locked, asked at each `apply` (default: none). */
  locks?: LockSource;
  /** Edit `labels` itself instead of a copy (the renderer's labelmap buffer). Default false. */
  inPlace?: boolean;
  /** Clock for `StepInfo.time` (default `Date.now`). */
  now?: () => number;
}

interface Step extends StepInfo {
  diff: VoxelDiff;
}

/**
 * The edit history of one label map: every edit goes through `apply`, which writes it and
 * records its diff. Locks are enforced here, the one place every tool passes.
 */
export class EditHistory {
  /** The label map being edited (a copy of the constructor's unless `inPlace`). */
  readonly labels: LabelArray;
  /** Its datatype. */
  readonly datatype: LabelDatatype;
  /** The memory budget in bytes. */
  readonly memoryBudgetBytes: number;
  /** Steps kept whatever they cost. */
  readonly minSteps: number;
  /** Where locks are read from (may be replaced). */
  locks: LockSource | undefined;
  private readonly now: () => number;
  private list: Step[] = [];
  private applied = 0;
  private nextId = 1;
  private bytes = 0;
  private droppedSteps = 0;

  /** @param labels the reference label map (copied unless `options.inPlace`) */
  constructor(labels: LabelArray, options: EditHistoryOptions = {}) {
    assertLabelArray('EditHistory', 'labels', labels);
    const budget = options.memoryBudgetBytes ?? DEFAULT_HISTORY_BUDGET_BYTES;
    if (!Number.isFinite(budget) || budget < 0) {
      throw new RangeError(`EditHistory: memoryBudgetBytes must be a finite number ≥ 0, got ${describe(budget)}`);
    }
    const minSteps = options.minSteps ?? MIN_HISTORY_STEPS;
    if (!Number.isInteger(minSteps) || minSteps < 0) {
      throw new RangeError(`EditHistory: minSteps must be an integer ≥ 0, got ${describe(minSteps)}`);
    }
    this.labels = options.inPlace ? labels : labels.slice();
    this.datatype = labelDatatypeOf(labels);
    this.memoryBudgetBytes = budget;
    this.minSteps = minSteps;
    this.locks = options.locks;
    this.now = options.now ?? (() => Date.now());
  }

  /** The steps, oldest first; the first `position` of them are applied. */
  steps(): StepInfo[] {
    return this.list.map(({ diff: _diff, ...info }) => info);
  }

  /** How many steps are applied (0: the oldest kept state). */
  get position(): number {
    return this.applied;
  }

  /** Whether there is a step to undo. */
  get canUndo(): boolean {
    return this.applied > 0;
  }

  /** Whether there is a step to redo. */
  get canRedo(): boolean {
    return this.applied < this.list.length;
  }

  /** Bytes all kept steps hold. */
  get totalBytes(): number {
    return this.bytes;
  }

  /** How many of the oldest steps were dropped for the budget, in all. */
  get droppedCount(): number {
    return this.droppedSteps;
  }

  /** The stored diff of the step at `position` in the list (for persistence and tests; do not modify). */
  diffAt(position: number): VoxelDiff {
    const step = this.list[position];
    if (!step) throw new RangeError(`EditHistory.diffAt: no step at position ${describe(position)} (${this.list.length} steps)`);
    return step.diff;
  }

  /**
   * Writes a stroke and records it as one step, dropping the redo steps. Voxels whose value
   * already equals the new one are not part of the step; a stroke that changes nothing records
   * nothing. Locks (from `locks`): a voxel that holds a locked label is never changed, and a
   * locked label is never written (per-voxel values: those voxels are skipped).
   * @throws when the indices are not strictly increasing inside the map, a value does not fit
   *   the datatype, or a stroke of one value paints a locked label
   */
  apply(stroke: Stroke): ApplyResult {
    const { indices, values, label } = this.checkStroke(stroke);
    const { labels } = this;
    const locked = this.lockTable();
    const single = typeof values === 'number';
    if (single && locked?.[values]) {
      throw new RangeError(`EditHistory.apply: label ${values} is locked; unlock it to paint with it`);
    }
    const changed = new Uint32Array(indices.length);
    const before = new Uint32Array(indices.length);
    const after = new Uint32Array(indices.length);
    let n = 0;
    let skippedLocked = 0;
    for (let k = 0; k < indices.length; k++) {
      const index = indices[k];
      const old = labels[index];
      const value = single ? values : values[k];
      if (old === value) continue;
      if (locked && (locked[old] || locked[value])) {
        skippedLocked++;
        continue;
      }
      changed[n] = index;
      before[n] = old;
      after[n++] = value;
    }
    if (n === 0) return { step: null, change: null, skippedLocked, dropped: [] };
    const diff: VoxelDiff = {
      indices: changed.slice(0, n),
      before: compactValues(before, n, this.datatype),
      after: compactValues(after, n, this.datatype),
    };
    writeDiff(labels, diff);
    const step = this.record(label, diff);
    return { step, change: diff, skippedLocked, dropped: this.enforceBudget() };
  }

  /** Undoes the last applied step; returns the change it wrote, or null when there is none. */
  undo(): VoxelDiff | null {
    if (this.applied === 0) return null;
    const diff = this.list[--this.applied].diff;
    writeDiff(this.labels, diff, true);
    return invertDiff(diff);
  }

  /** Redoes the next step; returns the change it wrote, or null when there is none. */
  redo(): VoxelDiff | null {
    if (this.applied === this.list.length) return null;
    const diff = this.list[this.applied++].diff;
    writeDiff(this.labels, diff);
    return diff;
  }

  /**
   * Undoes or redoes until `position` steps are applied (0: before the oldest kept step; the
   * step list's entry `i` is reached with `jumpTo(i + 1)`).
   * @returns the changes written, in order
   */
  jumpTo(position: number): VoxelDiff[] {
    if (!Number.isInteger(position) || position < 0 || position > this.list.length) {
      throw new RangeError(`EditHistory.jumpTo: position must be an integer in [0, ${this.list.length}], got ${describe(position)}`);
    }
    const changes: VoxelDiff[] = [];
    while (this.applied > position) changes.push(this.undo() as VoxelDiff);
    while (this.applied < position) changes.push(this.redo() as VoxelDiff);
    return changes;
  }

  /** The id the next recorded step gets (note it before a brush drag, for `mergeSince`). */
  get nextStepId(): number {
    return this.nextId;
  }

  /**
   * Merges the steps with id ≥ `firstId` into one step named `label`: the dabs of one brush
   * drag, applied one by one for live feedback, become one undo step. There must be no redo
   * steps (every `apply` drops them). Steps the budget dropped meanwhile are not part of it.
   * @returns the merged step, or null when there was nothing to merge or the steps cancel out
   *   (then no step is left)
   */
  mergeSince(firstId: number, label: string): StepInfo | null {
    if (!Number.isInteger(firstId)) throw new RangeError(`EditHistory.mergeSince: firstId must be a step id, got ${describe(firstId)}`);
    if (this.applied !== this.list.length) {
      throw new RangeError('EditHistory.mergeSince: there are steps to redo; merge right after applying the steps');
    }
    let start = this.list.length;
    while (start > 0 && this.list[start - 1].id >= firstId) start--;
    const merged = this.list.splice(start);
    this.applied = this.list.length;
    for (const s of merged) this.bytes -= s.bytes;
    if (merged.length === 0) return null;
    let diff = merged[0].diff;
    for (let k = 1; k < merged.length; k++) diff = composeDiffs(diff, merged[k].diff, this.datatype);
    if (diff.indices.length === 0) return null;
    return this.record(label, diff);
  }

  private record(label: string, diff: VoxelDiff): StepInfo {
    for (const redo of this.list.splice(this.applied)) this.bytes -= redo.bytes; // a new step drops the redo steps
    const step: Step = {
      id: this.nextId++,
      label,
      voxels: diff.indices.length,
      bytes: diffBytes(diff) + STEP_OVERHEAD_BYTES,
      time: this.now(),
      diff,
    };
    this.list.push(step);
    this.applied = this.list.length;
    this.bytes += step.bytes;
    const { diff: _diff, ...info } = step;
    return info;
  }

  /** Drops the oldest steps while over the budget and more than `minSteps` remain. */
  private enforceBudget(): StepInfo[] {
    let drop = 0;
    while (this.bytes > this.memoryBudgetBytes && this.list.length - drop > this.minSteps) {
      this.bytes -= this.list[drop++].bytes;
    }
    if (drop === 0) return [];
    const dropped = this.list.splice(0, drop).map(({ diff: _diff, ...info }) => info);
    this.applied -= drop;
    this.droppedSteps += drop;
    return dropped;
  }

  /** A lookup of the locked values (undefined when nothing is locked), built per apply. */
  private lockTable(): Uint8Array | undefined {
    const values = this.locks?.lockedValues() ?? [];
    if (values.length === 0) return undefined;
    const table = new Uint8Array(LABEL_DATATYPES[this.datatype] + 1);
    for (const v of values) if (v >= 0 && v < table.length) table[v] = 1;
    return table;
  }

  private checkStroke(stroke: Stroke): Stroke {
    const fn = 'EditHistory.apply';
    if (!stroke || typeof stroke.label !== 'string') throw new TypeError(`${fn}: a stroke needs a label string, got ${describe(stroke?.label)}`);
    const { indices, values } = stroke;
    if (!(indices instanceof Uint32Array)) throw new TypeError(`${fn}: stroke.indices must be a Uint32Array, got ${describe(indices)}`);
    const n = this.labels.length;
    for (let k = 0; k < indices.length; k++) {
      if (k > 0 && indices[k] <= indices[k - 1]) {
        throw new RangeError(`${fn}: stroke.indices must be strictly increasing; index ${k} is ${indices[k]} after ${indices[k - 1]} (use sortedUnique)`);
      }
    }
    if (indices.length > 0 && indices[indices.length - 1] >= n) {
      throw new RangeError(`${fn}: stroke index ${indices[indices.length - 1]} is outside the label map (${n} voxels)`);
    }
    const max = LABEL_DATATYPES[this.datatype];
    const fits = (v: number) => Number.isInteger(v) && v >= 0 && v <= max;
    if (typeof values === 'number') {
      if (!fits(values)) throw new RangeError(`${fn}: stroke value must be an integer in [0, ${max}] for ${this.datatype}, got ${describe(values)}`);
    } else {
      if (!values || values.length !== indices.length) {
        throw new RangeError(`${fn}: stroke.values must be one number or one per index (${indices.length}), got ${describe(values)} of length ${values?.length}`);
      }
      for (let k = 0; k < values.length; k++) {
        if (!fits(values[k])) throw new RangeError(`${fn}: stroke.values[${k}] must be an integer in [0, ${max}] for ${this.datatype}, got ${describe(values[k])}`);
      }
    }
    return stroke;
  }
}
