/**
 * Limits the argument validators enforce. The run and sweep parameters' (patch edge, overlap,
 * sweep lists, repeats) are shared/settings' (`PATCH_LIMITS`, `OVERLAP_LIMITS`, `MAX_SWEEP_LIST`,
 * `APP_SWEEP_REPEATS_LIMITS`), not restated here.
 */
export const ARG_LIMITS = {
  /**
   * Most files of one upload (a picked DICOM folder: one file per slice, a study of several
   * series; the upload's bytes have their own limit), and the longest file name.
   */
  maxUploadFiles: 20_000,
  maxNameLength: 255,
  /** Longest id (run, sweep, job, calibration configuration) and path. */
  maxIdLength: 128,
  maxPathLength: 4096,
  /** Longest free text (messages, warnings, renderer strings). */
  maxTextLength: 4096,
  /** Largest volume axis of a page compute result, and most voxels × channels of one volume. */
  maxAxis: 4096,
  maxValues: 2 ** 30,
  /** Most classes, backend probes, warnings and grid steps of a page compute result. */
  maxClasses: 256,
  maxList: 256,
  /** Largest JSON of a page compute result's `options`. */
  maxOptionsJson: 65536,
  /** Most entries of an annotation's label table (every uint16 value), and most findings of one document. */
  maxLabelEntries: 65536,
  maxFindings: 100000,
} as const;
