/**
 * The DICOM domain's data: exporting a label map as a DICOM Segmentation (SEG) of the image's
 * source series (issue 15, "Output").
 */

/** What a SEG is made of: the session's reference labels (edited or not), or a run's prediction. */
export type SegExportTarget = { what: 'reference' } | { what: 'run'; runId: string };

/** How the segmentation was made, as the SEG's SegmentAlgorithmType / SegmentAlgorithmName say. */
export interface SegAlgorithmInfo {
  type: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
  /** SegmentAlgorithmName (the model, or "PatchLens <tools>"); null for MANUAL. */
  name: string | null;
  /** In the user's words: how the labels were made (e.g. "edited with Brush, Flood fill"). */
  summary: string;
}

/** One segment of the SEG: a label value of the map, its name and colour. */
export interface SegSegmentInfo {
  value: number;
  name: string;
  /** sRGB 0–255. */
  color: number[];
  /** Voxels of the map holding the value. */
  voxels: number;
}

/**
 * What `seg:plan` answers: what an export would write, or why none can be written. It holds the
 * series' description, never a patient identifier.
 */
export interface SegPlan {
  /** The source series the SEG references, or null when there is none (an image opened from NIfTI). */
  series: { instanceUid: string; number: number | null; description: string; modality: string; images: number } | null;
  /** Why no SEG can be written (no DICOM series, labels off the series' grid…), or null when it can. */
  problem: string | null;
  algorithm: SegAlgorithmInfo;
  segments: SegSegmentInfo[];
  /** The name the file gets (the browser transport writes it into the project's `exports/` folder; Electron's save dialog offers it). */
  fileName: string;
}

/** What `seg:export` wrote. */
export interface SegExport {
  /** The SEG file written. */
  path: string;
  /** Every file the export wrote (the SEG alone). */
  files: string[];
  /** Browser transport: a same-origin URL the page can download the SEG from (null in Electron). */
  url: string | null;
  algorithm: SegAlgorithmInfo;
  /** Segment number (1, 2, …) → label value, name and frames written. */
  segments: { number: number; value: number; name: string; frames: number }[];
  /** The SEG's new SeriesInstanceUID. */
  seriesInstanceUid: string;
}
