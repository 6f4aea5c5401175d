/** A mean map read from a file the summary names (e.g. a calibration map `.npy`). */
export interface MapFile {
  shape: number[];
  data: ArrayLike<number>;
}

/** The raw parts of a sweep folder, as parsed JSON. */
export interface ReportParts {
  /** `summary.json`: a `SweepSummary` or a (possibly partial) {@link ReportData}. */
  summary: unknown;
  /** `sweep.json` (the sweep's plan and settings), or null. */
  sweep?: unknown;
  /** `results/*.json`: `CaseResult`s (shared/sweep/types.ts). */
  results?: unknown[];
  /** Maps the summary names, by their path relative to the sweep folder (`SweepSummary.margins[].mapFile`). */
  mapFiles?: Record<string, MapFile>;
  sweepDir?: string | null;
  now?: Date;
  generator?: { name: string; version: string } | null;
  /** Warnings found while reading the files. */
  warnings?: string[];
}
