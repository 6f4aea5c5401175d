/**
 * The annotation store's state, apart from its logic (annotationStore.svelte.ts): the fields the
 * panels read (Svelte 5 runes), the voxel listeners, and the requests that need no service.
 */
import type { AnnotationRecoverable, AnnotationStart, FindingsDocument, LabelStatRow, LabelTableJSON } from '../../shared/api/contract';
import type { StepInfo } from '../../shared/annotation/editHistory';
import type { VoxelDiff } from '../../shared/annotation/voxelDiff';
import type { FindingShape } from '../../shared/findings/types';
import type { FindingsUndo } from './findings/findingsModel';
import { defaultToolSettings, stepRadius, type AnnotationTool, type ToolSettings } from './strokes';

/** Who draws the working map: told about every change of its voxels (and of the table). */
export type VoxelListener = (diff: VoxelDiff | null) => void;

/** The store's life: nothing open, opening, open (editable once a recovery offer is answered), failed. */
export type AnnotationStatus = 'closed' | 'opening' | 'open' | 'error';

/**
 * The annotation store's reactive state (what the panels show) and the small requests between
 * the panels and the viewer (a drawn finding, a jump, the tool settings). The logic is
 * {@link AnnotationStore}'s (annotationStore.svelte.ts), which extends this.
 */
export class AnnotationFields {
  status: AnnotationStatus = $state('closed');
  /** The latest failure, as a sentence (null: none). */
  error: string | null = $state(null);
  /** The start main used (`saved`, `reference`, …). */
  start: AnnotationStart | null = $state(null);
  table: LabelTableJSON | null = $state(null);
  stats: LabelStatRow[] = $state([]);
  steps: StepInfo[] = $state([]);
  position = $state(0);
  findings: FindingsDocument | null = $state(null);
  /** The autosave main offers for this image; editing waits until it is recovered or discarded. */
  recoverable: AnnotationRecoverable | null = $state(null);
  savedAt: string | null = $state(null);
  autosavedAt: string | null = $state(null);
  /** Edits main holds that the saved files do not. */
  dirty = $state(false);
  /** The conflict a save answered (a file changed on disk since it was opened), null when none. */
  conflict: string | null = $state(null);
  /** Where the latest save wrote, as a sentence (a save-as names its new files). */
  savedNote: string | null = $state(null);
  settings: ToolSettings = $state(defaultToolSettings());
  /** Sends in flight (the panel shows "saving edits…"). */
  pending = $state(0);
  /** Counts the label maps adopted (open, recovery, resync): the viewer reloads the reference on a change. */
  generation = $state(0);
  /** A finding drawn or clicked in a view, for the findings panel to complete (null: none). */
  findingDraft: FindingShape | null = $state(null);
  /** A voxel the viewer should move to (a finding's Jump); `seq` makes a repeat a change. */
  jumpRequest: { voxel: number[]; seq: number } | null = $state(null);

  /** The findings' undo history (the findings panel's, and Ctrl+Z's through {@link undo}). */
  findingsHistory: FindingsUndo | null = $state.raw(null);


  // Plain on purpose: listeners are not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  protected listeners = new Set<VoxelListener>();

  /** Adds a listener of voxel changes (returns the remover). */
  onVoxels(listener: VoxelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(diff: VoxelDiff | null): void {
    for (const l of this.listeners) l(diff);
  }

  /** Hands a drawn or clicked finding to the findings panel. */
  draftFinding(shape: FindingShape): void {
    this.findingDraft = shape;
  }

  /** Asks the viewer to move its crosshairs to a voxel. */
  requestJump(voxel: number[]): void {
    this.jumpRequest = { voxel: [...voxel], seq: (this.jumpRequest?.seq ?? 0) + 1 };
  }

  /** Picks a tool. */
  setTool(tool: AnnotationTool): void {
    this.settings.tool = tool;
  }

  /** Makes the brush one step larger (+1) or smaller (−1). */
  stepBrush(direction: 1 | -1): void {
    this.settings.radiusMm = stepRadius(this.settings.radiusMm, direction);
  }
}
