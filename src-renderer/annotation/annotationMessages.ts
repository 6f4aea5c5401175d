/** What the annotation store says to the user: refusals, skipped voxels, where a save wrote, failures. */
import type { AnnotationResolution, AnnotationSaved } from '../../shared/api/contract';
import { userError } from '../app/userError';

/** Painting with a locked label is refused: names the label (its own name when it has one). */
export function lockedLabelMessage(value: number, name: string): string {
  const who = name.toLowerCase() === `label ${value}` ? `Label ${value}` : `${name} (label ${value})`;
  return `${who} is locked; unlock it in the label list to paint with it.`;
}

/** A stroke left the voxels of locked labels alone. */
export function skippedLockedMessage(count: number): string {
  return count === 1 ? '1 voxel of a locked label was left as it is.' : `${count} voxels of locked labels were left as they are.`;
}

/** Where a save wrote (a save-as names its new files). */
export function savedNote(resolution: AnnotationResolution | undefined, saved: AnnotationSaved): string {
  const file = (p: string) => p.split(/[\\/]/).pop();
  return resolution === 'save-as'
    ? `Your edits were saved as ${file(saved.labelsPath)} and ${file(saved.findingsPath)}; the files changed on disk were kept as they are.`
    : `Saved ${file(saved.labelsPath)} and ${file(saved.findingsPath)}.`;
}

/** A failure as the user reads it (channel prefixes removed). */
export function messageOf(e: unknown): string {
  return userError('Annotation', e instanceof Error ? e.message : String(e)).headline;
}

/**
 * A save conflict as the dialog says it: main's message (src-node annotationState.ts save,
 * fileVersion.ts FileConflictError) without the channel, the function and the instructions for
 * API callers ("save again with resolution 'overwrite' …") or the list of choices, which the
 * dialog's buttons are.
 */
export function conflictMessage(e: unknown): string {
  return messageOf(e)
    .replace(/^(?:[A-Za-z]+(?::[A-Za-z]+)?:\s+)+/, '')
    .replace(/\s*\(save again with resolution[^)]*\)\s*$/, '')
    .replace(/;\s*keep theirs \(reload\), save as another file, or overwrite\s*$/, '')
    .trim()
    .replace(/([^.])$/, '$1.');
}
