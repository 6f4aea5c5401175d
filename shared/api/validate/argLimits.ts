/** Limits the argument validators enforce. */
export const ARG_LIMITS = {
  /** Largest patch size per axis. */
  maxPatch: 1024,
  /** Most entries of each sweep list (patch sizes, overlaps, blends, placements). */
  maxSweepList: 16,
  /** Most files of one upload, and the longest file name. */
  maxUploadFiles: 64,
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
} as const;
