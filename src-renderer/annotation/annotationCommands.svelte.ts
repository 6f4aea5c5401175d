/**
 * What the annotation commands of the registry do (menu, keys, palette, toolbar): tools, brush
 * size and shape, active label, undo / redo, save, add label, a new reference, re-evaluate.
 * Registered for the lifetime of the component that calls {@link useAnnotationCommands}.
 */
import type { CommandId } from '@shared/commands';
import { useCommand } from '../commands/commandContext.svelte';
import type { AnnotationStore } from './annotationStore.svelte';
import { ANNOTATION_TOOLS } from './strokes';

/** What the commands need besides the store. */
export interface AnnotationCommandHost {
  /** The run the viewer shows (its prediction), or null. */
  runId(): string | null;
  /** Runs the re-evaluation of the shown run (and shows its panel). */
  reevaluate(): void;
}

/** Whether a text field has the focus (Undo/Redo then belong to it). */
function typingInField(): boolean {
  const el = document.activeElement;
  return el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'color', 'button'].includes(el.type));
}

/** Registers the annotation commands (call during component init). */
export function useAnnotationCommands(store: AnnotationStore, host: AnnotationCommandHost): void {
  // tool-threshold is the viewer's: it presets the window from the current window/level.
  for (const tool of ANNOTATION_TOOLS) if (tool !== 'threshold') useCommand(`tool-${tool}` as CommandId, () => store.setTool(tool));
  useCommand('brush-smaller', () => store.stepBrush(-1));
  useCommand('brush-larger', () => store.stepBrush(1));
  useCommand('toggle-brush-sphere', () => (store.settings.sphere = !store.settings.sphere));
  for (let n = 1; n <= 9; n++) useCommand(`label-${n}` as CommandId, () => store.setActiveLabel(n));
  useCommand('undo-edit', () => (typingInField() ? document.execCommand('undo') : store.undo()));
  useCommand('redo-edit', () => (typingInField() ? document.execCommand('redo') : store.redo()));
  useCommand('save-annotation', () => void store.save());
  useCommand('add-label', () => void store.addLabel());
  useCommand('reference-from-prediction', () => void newReference(store, 'prediction', host.runId()));
  useCommand('reference-empty', () => void newReference(store, 'empty', host.runId()));
  useCommand('reevaluate-run', () => host.reevaluate());
}

/**
 * Starts a new working reference (from the shown run's prediction, or empty). Refused while
 * edits are unsaved: the new map would replace them.
 */
async function newReference(store: AnnotationStore, start: 'prediction' | 'empty', runId: string | null): Promise<void> {
  if (store.status !== 'open') return;
  if (store.dirty) {
    store.error = 'Save your edits first (Save): a new reference replaces the working labels.';
    return;
  }
  if (start === 'prediction' && !runId) {
    store.error = 'Select a run of this image first: its predicted labels become the new reference.';
    return;
  }
  await store.open(start, runId ?? undefined);
}
