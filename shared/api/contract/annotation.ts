/**
 * The annotation domain's data: the open image's edited labels and findings as main holds them,
 * the edit diff the page sends after each stroke, the save result and the re-evaluation of a run
 * against the edited reference. docs/annotation.md and docs/annotation-files.md describe the
 * model and the files.
 */
import type { LabelStatRow } from '../../annotation/labelStats';
import type { LabelTableJSON } from '../../annotation/labelTable';
import type { DiceReport } from '../../engine/postprocess/dice';
import type { FindingsDocument } from '../../findings/types';
import type { MarginNoise } from '../../reevaluate/marginNoise';
import type { PatchMapData, VolumeData } from './files';

export type { LabelStatRow } from '../../annotation/labelStats';
export type { LabelTableJSON } from '../../annotation/labelTable';
export type { FindingsDocument } from '../../findings/types';

/**
 * Where `annotation:open` starts from: the saved labels of the image, the open reference label
 * map, a run's predicted labels (needs `runId`), an empty map, or the autosave on offer.
 */
export const ANNOTATION_STARTS = ['saved', 'reference', 'prediction', 'empty', 'recovered'] as const;

/** One of {@link ANNOTATION_STARTS}. */
export type AnnotationStart = (typeof ANNOTATION_STARTS)[number];

/**
 * How `annotation:save` resolves a file changed on disk since it was opened: replace theirs,
 * reload theirs, or write ours to a new pair of files beside theirs (`labels.saved-as-<stamp>.nii.gz`,
 * `findings.saved-as-<stamp>.json`; docs/annotation-files.md).
 */
export const ANNOTATION_RESOLUTIONS = ['overwrite', 'keep-theirs', 'save-as'] as const;

/** One of {@link ANNOTATION_RESOLUTIONS}. */
export type AnnotationResolution = (typeof ANNOTATION_RESOLUTIONS)[number];

/** An autosave that holds edits the saved files do not (offered for recovery). */
export interface AnnotationRecoverable {
  /** ISO time of the autosave. */
  savedAt: string;
  /** The edit history's step count when it was written. */
  edits: number;
  /** Why it was written: `idle`, `close` or `explicit`. */
  reason: string;
}

/** The open image's annotation as main holds it (`annotation:open`). */
export interface AnnotationInfo {
  /** The image key (docs/annotation-files.md): first 16 hex digits of the image file's SHA-256. */
  imageKey: string;
  /** The working label map on the image grid (`Uint8Array` or `Uint16Array` data). */
  labels: VolumeData;
  table: LabelTableJSON;
  findings: FindingsDocument;
  /** The start actually used (`saved` falls back to `reference`, then `empty`). */
  start: AnnotationStart;
  /** ISO time the saved labels or findings were last written, null when nothing is saved. */
  savedAt: string | null;
  /** Edits applied to main's copy since it was opened (0 on open, the autosave's count when recovered). */
  edits: number;
  /** The autosave on offer for this image, null when none. */
  recoverable: AnnotationRecoverable | null;
  /** Statistics per label of the working map (against the run's prediction when one was named). */
  stats: LabelStatRow[];
}

/**
 * One edit as the page sends it (shared/annotation/voxelDiff.ts `VoxelDiff`): flat indices,
 * strictly increasing, inside the image; each side one number for every voxel or an array
 * aligned with `indices`.
 */
export interface AnnotationDiff {
  indices: Uint32Array;
  before: Uint8Array | Uint16Array | number;
  after: Uint8Array | Uint16Array | number;
}

/** Where `annotation:save` wrote, and when. */
export interface AnnotationSaved {
  /** ISO time of the save. */
  savedAt: string;
  /** The labels file written (after `save-as`, the new one; after `keep-theirs`, theirs). */
  labelsPath: string;
  /** The findings file written (likewise). */
  findingsPath: string;
}

/** The payload of the `annotation:changed` event: the open annotation's edit and save state. */
export interface AnnotationChanged {
  edits: number;
  /** Edits not yet in the saved files. */
  dirty: boolean;
  /** ISO time of the latest autosave, null when none since the image was opened. */
  autosavedAt: string | null;
  /** ISO time of the latest save, null when none. */
  savedAt: string | null;
}

/**
 * A finished run re-evaluated against the edited reference on the run's image grid, from the run
 * folder's prediction cache (src-node/compute/reevaluateRun.ts).
 */
export interface RunReevaluation {
  runId: string;
  /** Dice of the run's prediction against the edited reference. */
  dice: DiceReport;
  /** The run's own Dice against the reference it ran with (its result.json), null when it had none. */
  diceBefore: DiceReport | null;
  /** The run's map as saved. */
  before: PatchMapData;
  /** The map against the edited reference. */
  after: PatchMapData;
  /** after − before. */
  difference: PatchMapData;
  /** recommendMargin's margin per axis, null where none. */
  marginBefore: number[] | null;
  marginAfter: number[] | null;
  /**
   * How much `marginAfter` varies when one of K groups of windows (window index mod K, K = 10 or
   * one per window) is left out (shared/reevaluate/marginNoise.ts; `compareMaps`'s `afterNoise`);
   * `groups` 0 when the run has fewer than 3 windows. A change of the margin is stated only on the
   * axes where `marginBefore` lies outside [low, high]. Absent or null where the service did not
   * measure it: then no change is claimed.
   */
  marginNoise?: MarginNoise | null;
  errorCounts: { falsePositive: number; falseNegative: number; wrongClass: number };
}
