import type { WindowGeometry } from '../engine/inference/windowsAtVoxel';
import { findingPatch, type FindingPatchOptions } from './findingPatch';
import type { Finding, FindingCategory, FindingSeverity, FindingShape } from './types';
import { validateFinding } from './validateFindings';

/**
 * One change to a findings list, as data, so that the app's history can store it and apply it
 * later: every operation's inverse is again an operation (undo of undo is redo).
 */
export type FindingOperation =
  /** Puts `finding` back at `index` (clamped to the list's length). */
  | { op: 'insert'; finding: Finding; index: number }
  /** Replaces the finding with `finding.id` by `finding`. */
  | { op: 'replace'; finding: Finding }
  /** Removes the finding with `id`. */
  | { op: 'remove'; id: string };

/** The new list, the finding concerned and the operation that undoes the change. */
export interface FindingChange {
  findings: Finding[];
  finding: Finding;
  inverse: FindingOperation;
}

/** What the app knows when it creates or edits a finding. */
export interface FindingContext extends Omit<FindingPatchOptions, 'imageShape'> {
  /** The image shape (array-axis order). */
  imageShape: readonly number[];
  /** The run's window plan, to say which windows lie under the finding; null or absent: no run. */
  plan?: WindowGeometry | null;
}

/** A finding as the user enters it (`id` optional: the next free `finding-<n>`). */
export interface NewFinding {
  id?: string;
  shape: FindingShape;
  category: FindingCategory;
  severity: FindingSeverity;
  note?: string;
  author: string;
  /** ISO 8601 time (the caller's clock, so the operation stays pure). */
  time: string;
}

/** The fields an edit may change, and when it happened. */
export interface FindingEdit {
  shape?: FindingShape;
  category?: FindingCategory;
  severity?: FindingSeverity;
  note?: string;
  /** ISO 8601 time of the edit. */
  time: string;
}

function indexOf(fn: string, list: readonly Finding[], id: string): number {
  const i = list.findIndex((f) => f.id === id);
  if (i < 0) throw new RangeError(`${fn}: no finding has id ${JSON.stringify(id)}`);
  return i;
}

/** The next free id of the form `finding-<n>`. */
function nextId(list: readonly Finding[]): string {
  let n = 0;
  for (const f of list) {
    const m = /^finding-(\d+)$/.exec(f.id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `finding-${n + 1}`;
}

/** Voxel sets are kept ascending without repeats (what the schema asks). */
function normalizeShape(shape: FindingShape): FindingShape {
  if (shape.kind !== 'voxels') return shape;
  return { kind: 'voxels', voxels: [...new Set(shape.voxels)].sort((a, b) => a - b) };
}

function patchOf(shape: FindingShape, context: FindingContext): Finding['patch'] {
  if (!context.plan) return null;
  return findingPatch(context.plan, shape, { imageShape: context.imageShape, toPlan: context.toPlan, run: context.run });
}

/**
 * Applies one operation to a findings list (never mutating it).
 * @throws when the id is unknown (`replace`, `remove`) or already taken (`insert`)
 */
export function applyFindingOperation(list: readonly Finding[], operation: FindingOperation): FindingChange {
  const fn = 'applyFindingOperation';
  if (operation.op === 'insert') {
    if (list.some((f) => f.id === operation.finding.id)) throw new RangeError(`${fn}: a finding with id ${JSON.stringify(operation.finding.id)} exists already`);
    const at = Math.max(0, Math.min(list.length, operation.index));
    const findings = [...list.slice(0, at), operation.finding, ...list.slice(at)];
    return { findings, finding: operation.finding, inverse: { op: 'remove', id: operation.finding.id } };
  }
  if (operation.op === 'replace') {
    const i = indexOf(fn, list, operation.finding.id);
    const findings = [...list];
    findings[i] = operation.finding;
    return { findings, finding: operation.finding, inverse: { op: 'replace', finding: list[i] } };
  }
  const i = indexOf(fn, list, operation.id);
  return { findings: [...list.slice(0, i), ...list.slice(i + 1)], finding: list[i], inverse: { op: 'insert', finding: list[i], index: i } };
}

/**
 * Adds a finding at the end of the list, with the run's windows under it when a plan is given.
 * @throws `validateFindings: finding.<field> …` when a field breaks the schema (see docs/findings.md)
 */
export function createFinding(list: readonly Finding[], input: NewFinding, context: FindingContext): FindingChange {
  const shape = normalizeShape(input.shape);
  const finding = validateFinding(
    { id: input.id ?? nextId(list), shape, category: input.category, severity: input.severity, note: input.note ?? '', author: input.author, time: input.time, patch: null },
    context.imageShape,
  );
  finding.patch = patchOf(finding.shape, context);
  return applyFindingOperation(list, { op: 'insert', finding, index: list.length });
}

/**
 * Changes a finding's category, severity, note or shape (a new shape gets its windows looked up
 * again), and records the edit's time in `edited`.
 */
export function editFinding(list: readonly Finding[], id: string, edit: FindingEdit, context: FindingContext): FindingChange {
  const old = list[indexOf('editFinding', list, id)];
  const shape = edit.shape ? normalizeShape(edit.shape) : old.shape;
  const finding = validateFinding(
    { ...old, shape, category: edit.category ?? old.category, severity: edit.severity ?? old.severity, note: edit.note ?? old.note, edited: edit.time, patch: null },
    context.imageShape,
  );
  finding.patch = edit.shape ? patchOf(finding.shape, context) : old.patch;
  return applyFindingOperation(list, { op: 'replace', finding });
}

/** Removes a finding; the inverse puts it back at the same place. */
export function deleteFinding(list: readonly Finding[], id: string): FindingChange {
  return applyFindingOperation(list, { op: 'remove', id });
}
