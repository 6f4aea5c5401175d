/**
 * One Ctrl+Z for two histories. The label strokes (`EditHistory`) and the finding changes
 * (`FindingsUndo`) keep their own steps; this keeps which history each step went into, oldest
 * first, so that undo takes back the newest step of either and redo takes again the last one
 * undone, as one list would (OHIF's and 3D Slicer's single undo).
 */

/** A history of the annotation. */
export type UndoDomain = 'labels' | 'findings';

/** The order of the steps across the histories. */
export class UndoOrder {
  #undo: UndoDomain[] = [];
  #redo: UndoDomain[] = [];

  /** A new step in `domain`: nothing is left to redo in the common order. */
  recorded(domain: UndoDomain): void {
    this.#undo.push(domain);
    this.#redo = [];
  }

  /** A step of `domain` was undone (by Ctrl+Z or its own panel). */
  undone(domain: UndoDomain): void {
    const k = this.#undo.lastIndexOf(domain);
    if (k >= 0) this.#undo.splice(k, 1);
    this.#redo.push(domain);
  }

  /** A step of `domain` was redone. */
  redone(domain: UndoDomain): void {
    const k = this.#redo.lastIndexOf(domain);
    if (k >= 0) this.#redo.splice(k, 1);
    this.#undo.push(domain);
  }

  /**
   * The history whose step undo takes back: the newest recorded step whose history can still
   * undo (`can`); else any history that can (steps from before this order, e.g. after a reload).
   */
  nextUndo(can: (domain: UndoDomain) => boolean): UndoDomain | null {
    return pick(this.#undo, can);
  }

  /** The history whose step redo takes again (as {@link nextUndo}). */
  nextRedo(can: (domain: UndoDomain) => boolean): UndoDomain | null {
    return pick(this.#redo, can);
  }

  /** Forgets a history's steps (its history was replaced: another image, a reload). */
  forget(domain: UndoDomain): void {
    this.#undo = this.#undo.filter((d) => d !== domain);
    this.#redo = this.#redo.filter((d) => d !== domain);
  }
}

function pick(stack: readonly UndoDomain[], can: (domain: UndoDomain) => boolean): UndoDomain | null {
  for (let k = stack.length - 1; k >= 0; k--) if (can(stack[k])) return stack[k];
  if (can('labels')) return 'labels';
  return can('findings') ? 'findings' : null;
}
