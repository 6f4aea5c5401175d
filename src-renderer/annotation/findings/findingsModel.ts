/**
 * The findings panel's pure logic: a finding's patch block from what `run:inspect` answers, an
 * undo/redo stack of finding changes over a findings document, and the short texts the panel's
 * rows show. No DOM; FindingsPanel.svelte renders it.
 */
import type { InspectResult } from '../../../shared/api/contract';
import {
  anchorVoxel,
  applyFindingOperation,
  createFinding,
  validateFinding,
  type Finding,
  type FindingChange,
  type FindingOperation,
  type FindingPatch,
  type FindingSeverity,
  type FindingShape,
  type FindingsDocument,
  type NewFinding,
} from '../../../shared/findings';

const isInt = (v: unknown): v is number => Number.isInteger(v);
const list = (xs: readonly unknown[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

/**
 * The patch block of a finding from the run's answer at the finding's anchor voxel
 * (`run:inspect` at `anchorVoxel(shape, imageShape)`): every window that covered it, with the
 * anchor's position in the patch and its distance to the nearest patch face,
 * `min over axes of min(p, patchSize[a] − 1 − p)` (as shared/findings/findingPatch.ts computes it).
 * @param result what `run:inspect` answered; `voxel` is the anchor on the image grid
 * @param patchSize the run's patch size (array-axis order)
 * @param runId the run's id, recorded as `patch.run`
 * @returns null when no window covered the voxel (the run did not look there, e.g. outside its
 *   crop box): the schema's `patch: null`, since a patch block lists at least one window
 * @throws `findingPatchFromInspect: …` naming the bad argument (a patch size that is not positive
 *   integers, a window whose position has another length or lies outside the patch, …)
 */
export function findingPatchFromInspect(result: InspectResult, patchSize: readonly number[], runId: string): FindingPatch | null {
  const fn = 'findingPatchFromInspect';
  if (typeof runId !== 'string' || runId === '') throw new TypeError(`${fn}: runId must be a non-empty string, got ${JSON.stringify(runId)}`);
  if (!Array.isArray(patchSize) || patchSize.length === 0 || !patchSize.every((s) => isInt(s) && s > 0)) {
    throw new RangeError(`${fn}: patchSize must be positive integers, got ${JSON.stringify(patchSize)}`);
  }
  if (!Array.isArray(result?.voxel) || result.voxel.length !== 3 || !result.voxel.every((v) => isInt(v) && v >= 0)) {
    throw new RangeError(`${fn}: result.voxel must be 3 integers ≥ 0 (the anchor on the image grid), got ${JSON.stringify(result?.voxel)}`);
  }
  if (!Array.isArray(result.windows)) throw new TypeError(`${fn}: result.windows must be an array, got ${JSON.stringify(result.windows)}`);
  if (result.windows.length === 0) return null;
  const windows = result.windows.map((w, k) => {
    const at = `${fn}: result.windows[${k}]`;
    if (!isInt(w.index) || w.index < 0) throw new RangeError(`${at}.index must be an integer ≥ 0, got ${JSON.stringify(w.index)}`);
    const p = w.positionInPatch;
    if (!Array.isArray(p) || p.length !== patchSize.length) {
      throw new RangeError(`${at}.positionInPatch has ${Array.isArray(p) ? p.length : 'no'} axes but patchSize [${patchSize.join(', ')}] has ${patchSize.length}`);
    }
    if (!p.every((v, a) => isInt(v) && v >= 0 && v < patchSize[a])) {
      throw new RangeError(`${at}.positionInPatch ${list(p)} must be integers inside the patch [${patchSize.join(', ')}]`);
    }
    // The findings schema records window starts ≥ 0 (docs/findings.md); a negative start would be refused later, less clearly.
    // The padded frame's start, as findingPatch records it from the plan (≥ 0; `start` is on the model grid and can be negative in the padding).
    if (!Array.isArray(w.planStart) || w.planStart.length !== patchSize.length || !w.planStart.every((v) => isInt(v) && v >= 0)) {
      throw new RangeError(`${at}.planStart must be ${patchSize.length} integers ≥ 0, got ${JSON.stringify(w.planStart)}`);
    }
    return {
      index: w.index,
      start: [...w.planStart],
      positionInPatch: [...p],
      borderDistance: Math.min(...p.map((v, a) => Math.min(v, patchSize[a] - 1 - v))),
    };
  });
  return { anchor: [...result.voxel], windows, run: runId };
}

/**
 * Creates a finding at the end of the list and gives it the patch block the page looked up with
 * `run:inspect` (createFinding fills `patch` only from a window plan, which the renderer does
 * not hold, so it leaves it null here and this sets it).
 * @param patch the block from {@link findingPatchFromInspect}, or null (no run at hand)
 * @throws `createFindingWithPatch: …` when the patch was looked up at another voxel than the
 *   finding's anchor; `validateFindings: finding.<field> …` when a field breaks the schema
 */
export function createFindingWithPatch(list: readonly Finding[], input: NewFinding, imageShape: readonly number[], patch: FindingPatch | null): FindingChange {
  const created = createFinding(list, input, { imageShape });
  if (!patch) return created;
  const anchor = anchorVoxel(created.finding.shape, imageShape);
  if (patch.anchor.length !== anchor.length || patch.anchor.some((v, a) => v !== anchor[a])) {
    throw new RangeError(`createFindingWithPatch: the patch was looked up at [${patch.anchor.join(', ')}] but the finding's anchor is [${anchor.join(', ')}]`);
  }
  const finding = validateFinding({ ...created.finding, patch }, imageShape);
  return applyFindingOperation(list, { op: 'insert', finding, index: list.length });
}

/** One step of {@link FindingsUndo}: the operation that takes it back (or forward again) and what it was. */
interface UndoStep {
  operation: FindingOperation;
  what: string;
}

/**
 * Undo/redo of finding changes over one findings document. Each step stores only the operation
 * that reverses it (the `inverse` of a {@link FindingChange}); applying that operation gives back
 * the operation that redoes it, so undo and redo are the same move between two stacks. A new
 * change drops the redo steps. The document is never mutated: every call returns a new one.
 */
export class FindingsUndo {
  #document: FindingsDocument;
  #undo: UndoStep[] = [];
  #redo: UndoStep[] = [];

  /**
   * @param document the document the history starts from (nothing to undo)
   * @param onStep told of every step made, undone or redone (the common undo order)
   */
  constructor(
    document: FindingsDocument,
    private readonly onStep?: (kind: 'apply' | 'undo' | 'redo') => void,
  ) {
    this.#document = document;
  }

  /** The document as of the last call. */
  get document(): FindingsDocument {
    return this.#document;
  }

  /** Whether {@link undo} has a step to take back. */
  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  /** Whether {@link redo} has a step to take again. */
  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  /** What the next undo takes back (the `what` given to {@link apply}), or null. */
  get undoWhat(): string | null {
    return this.#undo.at(-1)?.what ?? null;
  }

  /** What the next redo takes again, or null. */
  get redoWhat(): string | null {
    return this.#redo.at(-1)?.what ?? null;
  }

  /**
   * Makes a change and records it.
   * @param change an operation, or a call that makes the change on the current list
   *   (`(list) => deleteFinding(list, id)`)
   * @param what a short sentence for the history ("Added finding-3"), or one made from the
   *   change (`(c) => \`Added ${c.finding.id}\``, when the id is known only once it is made)
   * @returns the new document
   * @throws what the operation throws (an unknown id, …); nothing changes then
   */
  apply(change: FindingOperation | ((findings: readonly Finding[]) => FindingChange), what: string | ((change: FindingChange) => string)): FindingsDocument {
    const result = typeof change === 'function' ? change(this.#document.findings) : applyFindingOperation(this.#document.findings, change);
    this.#document = { ...this.#document, findings: result.findings };
    this.#undo.push({ operation: result.inverse, what: typeof what === 'function' ? what(result) : what });
    this.#redo = [];
    this.onStep?.('apply');
    return this.#document;
  }

  /**
   * Takes back the last change.
   * @throws `FindingsUndo.undo: nothing to undo` when {@link canUndo} is false
   */
  undo(): FindingsDocument {
    return this.#move(this.#undo, this.#redo, 'undo');
  }

  /**
   * Takes the last undone change again.
   * @throws `FindingsUndo.redo: nothing to redo` when {@link canRedo} is false
   */
  redo(): FindingsDocument {
    return this.#move(this.#redo, this.#undo, 'redo');
  }

  #move(from: UndoStep[], to: UndoStep[], name: 'undo' | 'redo'): FindingsDocument {
    const step = from.at(-1);
    if (!step) throw new RangeError(`FindingsUndo.${name}: nothing to ${name}`);
    const result = applyFindingOperation(this.#document.findings, step.operation);
    from.pop();
    to.push({ operation: result.inverse, what: step.what });
    this.#document = { ...this.#document, findings: result.findings };
    this.onStep?.(name);
    return this.#document;
  }
}

/**
 * Whether two findings documents say the same (the same object, or equal field by field in the
 * same order): the panel keeps its undo history while the document it gets back is the one it made.
 */
export function sameFindingsDocument(a: FindingsDocument, b: FindingsDocument): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** What each severity means (docs/findings.md), as the panel's controls and rows name it. */
export const FINDING_SEVERITY_NAMES: Readonly<Record<FindingSeverity, string>> = { 1: 'minor', 2: 'notable', 3: 'severe' };

/** The array-axis letters of a voxel `[k, j, i]` (NIfTI's x is the last axis). */
const AXIS_NAMES = ['k', 'j', 'i'] as const;

/**
 * One line that says where a finding is: "point [5, 50, 3]", "polygon of 4 vertices on slice
 * i = 4", "region of 3 voxels around [36, 43, 70]" (a voxel set's anchor).
 * @param imageShape the image's shape, to find a voxel set's anchor
 */
export function describeFindingShape(shape: FindingShape, imageShape: readonly number[]): string {
  if (shape.kind === 'point') return `point [${shape.voxel.join(', ')}]`;
  if (shape.kind === 'polygon') return `polygon of ${shape.points.length} vertices on slice ${AXIS_NAMES[shape.axis]} = ${shape.slice}`;
  const n = shape.voxels.length;
  return `region of ${n} voxel${n === 1 ? '' : 's'} around [${anchorVoxel(shape, imageShape).join(', ')}]`;
}

/**
 * A finding's time as the panel shows it: date, hours and minutes of the writer's clock, and its
 * zone ("2026-12-07 14:30 Z", "2026-12-07 15:02 +01:00"), the same text in every time zone.
 * A string that is not an ISO time is shown as it is.
 */
export function formatFindingTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : iso;
}

/** The first line of a note (what a row shows; the whole note is in the edit form). */
export function firstLine(note: string): string {
  const i = note.indexOf('\n');
  return i < 0 ? note : `${note.slice(0, i)}…`;
}
