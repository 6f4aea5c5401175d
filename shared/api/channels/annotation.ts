/**
 * The annotation domain of the contract: main's copy of the open image's edited labels and
 * findings (the page holds the working map and the undo history and sends each completed
 * stroke's diff), saving, recovery and re-evaluating a run against the edited reference. One
 * comment line per request and event.
 */
import type { AnnotationChanged, AnnotationDiff, AnnotationInfo, AnnotationResolution, AnnotationSaved, AnnotationStart, FindingsDocument, LabelStatRow, LabelTableJSON, RunReevaluation } from '../contract/annotation';

/** The annotation domain's requests. */
export interface AnnotationRequests {
  /**
   * Opens the image's annotation from `start` (`saved` falls back to the open label map, then empty; `runId` names the prediction:
   * needed for `prediction`, compared in the statistics). `recovered` while this session's unsaved edits of the image are open
   * answers main's copy itself (what the page reopens after a `conflict`).
   */
  'annotation:open': { args: { start: AnnotationStart; runId?: string }; result: AnnotationInfo };
  /** Applies one stroke, undo or redo to main's copy (a `before` that does not match it answers `conflict`); `imageKey`, when sent, must be the open annotation's. */
  'annotation:edit': { args: { diff: AnnotationDiff; step: string; imageKey?: string }; result: { edits: number; stats: LabelStatRow[] } };
  /** Replaces the label table (names, colours, locks); answers the statistics of its labels. */
  'annotation:table': { args: { table: LabelTableJSON }; result: { stats: LabelStatRow[] } };
  /** Replaces the findings document (sent whole after each change); answers how many it holds. */
  'annotation:findings': { args: { findings: FindingsDocument }; result: { count: number } };
  /** Saves labels and findings into the project's annotation folder; a file changed on disk since it was opened answers `conflict` unless `resolution` says what to do (`overwrite` theirs, `keep-theirs` and reload, or `save-as` new files beside theirs). */
  'annotation:save': { args: { resolution?: AnnotationResolution }; result: AnnotationSaved };
  /** Removes the autosave on offer for the open image. */
  'annotation:discardRecovery': { args: Record<string, never>; result: Record<string, never> };
  /** Re-evaluates a finished run of this image against main's edited labels. */
  'annotation:reevaluate': { args: { runId: string }; result: RunReevaluation };
}

/** A request channel of the annotation domain. */
export type AnnotationChannel = keyof AnnotationRequests;

/** The annotation domain's channels, in contract order. */
export const ANNOTATION_CHANNELS = [
  'annotation:open',
  'annotation:edit',
  'annotation:table',
  'annotation:findings',
  'annotation:save',
  'annotation:discardRecovery',
  'annotation:reevaluate',
] as const satisfies readonly AnnotationChannel[];

// Compile-time check: the list names every channel of AnnotationRequests.
const _everyAnnotationChannel: Exclude<AnnotationChannel, (typeof ANNOTATION_CHANNELS)[number]> extends never ? true : false = true;
void _everyAnnotationChannel;

/** The annotation domain's events. */
export interface AnnotationEvents {
  /** The open annotation's edit count, unsaved state, latest autosave or save changed. */
  'annotation:changed': AnnotationChanged;
}

/** The annotation domain's events, in contract order. */
export const ANNOTATION_EVENTS = ['annotation:changed'] as const satisfies readonly (keyof AnnotationEvents)[];
