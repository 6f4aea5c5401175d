/**
 * Which tool made an edit, from the step's label (what the edit history lists and what
 * `annotation:edit` carries as `step`: src-renderer/annotation/strokes.ts writes them), and how a
 * DICOM SEG of the edited labels names the way they were made: SegmentAlgorithmType MANUAL when
 * every edit was drawn by hand (brush, eraser, scissors of any shape), SEMIAUTOMATIC when any edit
 * was computed from the image or a prediction (threshold brush, flood fill / region grow with a
 * tolerance, accept prediction) or the labels began as a prediction.
 */

/** Manual: the user's hand decides every voxel. Semi-automatic: the image or a prediction decides some. */
export type EditToolKind = 'manual' | 'semiautomatic';

/** A tool as a SEG's algorithm names it. */
export interface EditTool {
  name: string;
  kind: EditToolKind;
}

/** Step label prefixes, longest first where one starts another ("Threshold brush" before "Brush"). */
const TOOLS: readonly (readonly [prefix: string, tool: EditTool])[] = [
  ['Threshold brush', { name: 'threshold brush', kind: 'semiautomatic' }],
  ['Brush', { name: 'brush', kind: 'manual' }],
  ['Eraser', { name: 'eraser', kind: 'manual' }],
  ['Scissors', { name: 'scissors', kind: 'manual' }],
  ['Flood fill', { name: 'region grow', kind: 'semiautomatic' }],
  ['Accept prediction', { name: 'accept prediction', kind: 'semiautomatic' }],
  ['Accept predicted', { name: 'accept prediction', kind: 'semiautomatic' }],
];

/** Steps that move through the history (they apply earlier steps' changes again, or take them back): no new tool. */
const MOVES = ['Undo', 'Redo', 'Jump to step'];

/**
 * The tool of a step label; null for an undo, redo or jump (no tool of its own). A label
 * PatchLens does not know counts as semi-automatic ("unknown tool"): a SEG must not claim that a
 * hand drew what it cannot tell was drawn by hand.
 */
export function editToolOfStep(step: string): EditTool | null {
  const label = step.trim();
  if (MOVES.some((m) => label === m || label.startsWith(`${m} `))) return null;
  for (const [prefix, tool] of TOOLS) if (label === prefix || label.startsWith(`${prefix} `)) return { ...tool };
  return { name: 'unknown tool', kind: 'semiautomatic' };
}

/** How labels were made: the tools of their edits (in first-use order) and whether they began as a prediction. */
export interface EditProvenance {
  tools: readonly EditTool[];
  /** The labels began as a model's prediction (annotation start `prediction`). */
  fromPrediction: boolean;
}

/** The SEG's algorithm of edited labels: type, SegmentAlgorithmName ("PatchLens <semi-automatic tools>"; null for MANUAL) and a sentence for the user. */
export function segAlgorithmOfEdits(p: EditProvenance): { type: 'SEMIAUTOMATIC' | 'MANUAL'; name: string | null; summary: string } {
  const names = (kind: EditToolKind) => [...new Set(p.tools.filter((t) => t.kind === kind).map((t) => t.name))];
  const semi = [...(p.fromPrediction ? ['prediction'] : []), ...names('semiautomatic')];
  const all = [...new Set(p.tools.map((t) => t.name))];
  const edited = all.length > 0 ? `edited with ${all.join(', ')}` : 'not edited';
  const summary = p.fromPrediction ? `a model's prediction, ${edited}` : edited;
  if (semi.length === 0) return { type: 'MANUAL', name: null, summary };
  return { type: 'SEMIAUTOMATIC', name: `PatchLens ${semi.join(', ')}`, summary };
}
