/**
 * The tools the edits of a session's open annotation used (from each `annotation:edit`'s step
 * label: shared/annotation/editTools.ts), kept beside the annotation for a DICOM SEG of the
 * edited labels (its SegmentAlgorithmType). Main's copy of the map holds no tool; the step labels
 * the page sends are the only record. What earlier sessions did to saved labels is not known:
 * they count as labels from a file.
 */
import { editToolOfStep, type EditTool } from '../../shared/annotation/editTools';
import type { AnnotationState } from './annotationState';

/** Each open annotation's tools by name (an annotation reopened is a new state: its record starts empty). */
const records = new WeakMap<AnnotationState, Map<string, EditTool>>();

/** Notes the tool of an edit that main applied. */
export function noteAnnotationEdit(annotation: AnnotationState, step: string): void {
  const tool = editToolOfStep(step);
  if (!tool) return;
  let tools = records.get(annotation);
  if (!tools) records.set(annotation, (tools = new Map()));
  if (!tools.has(tool.name)) tools.set(tool.name, tool);
}

/** The annotation's start and the tools its edits used, in first-use order. */
export function annotationTools(annotation: AnnotationState): { start: AnnotationState['start']; tools: EditTool[] } {
  return { start: annotation.start, tools: [...(records.get(annotation)?.values() ?? [])] };
}
