import type { DiceComparison, TimeComparison } from '../../shared/sweep/noise';
import type { BorderProfile, DistanceCurve } from '../../shared/view/borderProfile';
import type { MapSlice } from '../../shared/view/mapSlice';
import type { LabelMode } from '../../shared/engine/postprocess/dice';

/**
 * The report's data (types and format constants; `loadReportData` in reportData.ts reads a sweep
 * folder into it): everything the HTML/PDF report shows, and nothing it has to compute from
 * images or models. It is also the JSON sidecar (`report.json`, attached to the PDF).
 *
 * A sweep folder's `summary.json` is either the sweep runner's `SweepSummary` (format
 * `patchlens.sweep-summary`, shared/sweep/types.ts) or a `ReportData` itself (format
 * `patchlens.report-data`; optional parts may be missing or null). `loadReportData`
 * reads either, fills what it can from `sweep.json`, `results/*.json` and the calibration maps
 * (`.npy`) the summary names (see `assembleReportData`), and the report says what is not
 * available instead of failing.
 *
 * Conventions: times in milliseconds per case (one image), Dice in [0, 1], the patch
 * performance map row-major with the slowest axis first (DESIGN.md).
 */
export interface ReportData {
  format: typeof REPORT_DATA_FORMAT;
  version: typeof REPORT_DATA_VERSION;
  summary: ReportSummary;
  /**
   * The recommended configuration and what it saves; null when the sweep made none (no
   * configuration passes the quality floor, or none has a result): then `noRecommendation` says why.
   */
  recommendation: ReportRecommendation | null;
  /** Why there is no recommendation, one or two sentences (shown in its place and in the warnings); null with a recommendation. */
  noRecommendation: string | null;
  /**
   * Comparisons the report does not state as findings because they are within the measured
   * noise ("within noise" timings, Dice "no difference"), one sentence each: the sweep's own
   * (`SweepSummary.findings`) and the report's (savings, blending comparison).
   */
  findings: string[];
  /** The time model's measured error on this sweep (held-out configurations), per case and machine; empty without a time model. */
  timeModelErrors: ReportTimeModelError[];
  /** The patch performance map (slices through the patch centre); null without reference labels. */
  performanceMap: ReportPerformanceMap | null;
  /** Mean error against the distance to the patch border; null without a full map. */
  borderProfile: ReportBorderProfile | null;
  /** Every configuration of the sweep, aggregated over the cases. */
  configs: ReportConfig[];
  /** One row per case × configuration. */
  cases: ReportCaseRow[];
  /** The time model's predictions against the measured times, per case (empty without a time model). */
  timePredictions: ReportTimePrediction[];
  provenance: ReportProvenance;
  /** Warnings of the sweep (and of the report's own loading), one sentence each. */
  warnings: string[];
  /**
   * The user's findings (a findings file marked in the app, `patchlens report --findings`), shown
   * in the "Findings" section; absent or null without one. Not {@link ReportData.findings}.
   */
  userFindings?: ReportUserFindings | null;
  /**
   * The patient and study of the sweep's image when it came from a DICOM series and the user
   * opted in to patient identifiers (`report:export`'s `includePatient`, `patchlens report
   * --include-patient`); absent otherwise, so that a report holds no identifier by default.
   */
  patient?: ReportPatient | null;
}

/** The report's patient block: who and which study and series the report is about (only on the user's opt-in). */
export interface ReportPatient {
  /** PatientName with `^` as spaces, PatientID, PatientBirthDate and StudyDate as stored (DA, YYYYMMDD), PatientSex. */
  name: string;
  id: string;
  birthDate: string;
  sex: string;
  studyDate: string;
  accessionNumber: string;
  studyDescription: string;
  series: { instanceUid: string; number: number | null; description: string; modality: string };
}

/** `ReportData.format`. */
export const REPORT_DATA_FORMAT = 'patchlens.report-data';
/** `ReportData.version` this build writes and reads. */
export const REPORT_DATA_VERSION = 1;

/** The sweep at a glance. */
export interface ReportSummary {
  /** The report's title (also the PDF's Title). */
  title: string;
  /** Name of the sweep (folder name when not given). */
  sweepName: string | null;
  /** The model's name. */
  modelName: string | null;
  /** The cases (images) the sweep ran on. */
  caseIds: string[];
  /** Configurations tried. */
  configCount: number;
  /** Runs measured (case × configuration results). */
  runCount: number;
  /** What the patch performance map measures (e.g. `crossEntropy`). */
  measure: string | null;
  /** How Dice was computed: label by label, or foreground against background. */
  diceMode: LabelMode | null;
  /** Wall-clock time of the whole sweep, ms. */
  sweepWallMs: number | null;
}

/** What the patch performance map says, from `recommendMargin` (shared/recommend). */
export interface ReportMarginRecommendation {
  /** The patch size of the map. */
  patchSize: number[];
  /** Voxels to discard from each side of the patch, per axis. */
  margin: number[];
  /** The overlap that discards exactly that margin: 2·margin / patch, per axis. */
  overlap: number[];
  /** Kept voxels / patch voxels. */
  keptFraction: number;
  /** Mean error over the kept crop, and over the whole patch. */
  cropMean: number;
  fullMean: number;
  /** Relative tolerance over the best crop mean. */
  tolerance: number;
  /** The configuration of the sweep whose overlap discards that margin, when the grid has one. */
  configId: string | null;
}

/** What the recommendation saves against another configuration, per case. */
export interface ReportSaving {
  /** The other configuration (`ReportConfig.id`) and why it is compared, one phrase. */
  configId: string;
  label: string;
  /** Time saved, ms and percent of the other configuration's time (negative: slower). */
  savingMs: number;
  savingPct: number | null;
  /** Windows saved. */
  savingWindows: number | null;
  /** Dice of the recommendation minus Dice of the other configuration. */
  diceChange: number;
  /** The recommendation's time against the other's (A: the recommendation), from the repeated runs: "saves" is only said when `verdict` is `faster`. */
  time: TimeComparison | null;
  /** The recommendation's Dice against the other's, paired per case: a change is only called one when `verdict` is not `no difference`. */
  diceComparison: DiceComparison | null;
}

/** The recommended configuration and its price. */
export interface ReportRecommendation {
  /** `ReportConfig.id` of the recommendation. */
  configId: string;
  /** Its mean Dice, time per case (ms) and windows per case. */
  dice: number;
  timeMs: number;
  windows: number;
  /** The rule that chose it: the sweep's rule syntax (e.g. `fastest-within:0.5%`, `describeRule` puts it in words) or a sentence. */
  rule: string;
  /** Why this configuration, one line (optional). */
  reason: string | null;
  /** Expected savings per case; the first is the headline (default: against the most expensive configuration). */
  savings: ReportSaving[];
  /** The margin and overlap the map itself recommends, shown beside the measured choice. */
  margin: ReportMarginRecommendation | null;
}

/** One 2-D slice of the patch performance map (shared/view/mapSlice.ts: the slices through the patch centre). */
export type ReportMapSlice = MapSlice;

/** The patch performance map, as the report shows it. */
export interface ReportPerformanceMap {
  /** Shape of the map (one patch; axes of size 1 dropped), slowest first. */
  shape: number[];
  /** Names of the axes (default "axis 0", "axis 1", …). */
  axisNames: string[];
  measure: string;
  /** Patches accumulated (0 when unknown). */
  count: number;
  /** Where the map comes from, one phrase (e.g. "merged over 16 runs"). */
  source: string;
  /** Min, max and mean of the whole map (the colour scale's domain is [min, max]). */
  min: number;
  max: number;
  mean: number;
  /** The colormap the heatmap uses. */
  colormap: 'viridis';
  /** A 2-D map: one slice; a 3-D map: three orthogonal slices through the patch centre. */
  slices: ReportMapSlice[];
}

/** One curve of the border profile (shared/view/borderProfile.ts). */
export type ReportProfileCurve = DistanceCurve;

/** Mean error against the distance to the patch border (shared/view/borderProfile.ts, the explorer's too). */
export type ReportBorderProfile = BorderProfile;

/** Dice of one class. */
export interface ReportClassDice {
  /** Class index (−1: foreground). */
  label: number;
  name: string | null;
  dice: number;
}

/** One configuration, aggregated over the cases. */
export interface ReportConfig {
  id: string;
  patchSize: number[];
  overlap: number[];
  placement: string;
  blend: string;
  mirror: boolean;
  /** Windows per case (mean over cases). */
  windows: number;
  /**
   * Time per case, ms: the mean over cases of the median of repeated runs; the fastest and
   * slowest single run; the mean over cases of each case's fastest run (what the time model predicts).
   */
  time: { medianMs: number; minMs: number | null; maxMs: number | null; fastestMs: number | null };
  /** The time model's prediction (ms) and its error, (predicted − measured) / measured · 100, measured = `fastestMs` where known, else `medianMs`. */
  predictedMs: number | null;
  predictionErrorPct: number | null;
  /** Mean Dice over the cases, and per class. */
  dice: { mean: number; perClass: ReportClassDice[] };
  /** Dice per second: dice / (medianMs / 1000). */
  efficiency: number;
  /** On the Pareto front of (time ↓, Dice ↑). */
  onParetoFront: boolean;
  /** The calibration run of its patch size (its map feeds the margin recommendation). */
  calibration: boolean;
  /** Cases measured, and whether every case of the sweep was (only complete configurations are ranked). */
  cases: number | null;
  complete: boolean;
}

/** One configuration's predicted and measured time on one case. */
export interface ReportTimePrediction {
  caseId: string;
  machine: string | null;
  configId: string;
  predictedMs: number;
  /** The measured time the model predicts (the fastest timed run), and the median of the runs, ms. */
  measuredMs: number;
  medianMs: number | null;
  /** (predicted − measured) / measured · 100. */
  errorPct: number;
  /** False for the runs the time model was fitted on. */
  heldOut: boolean;
}

/** The time model's measured error on one case and machine, over the configurations it was not fitted on. */
export interface ReportTimeModelError {
  caseId: string | null;
  machine: string | null;
  /** Held-out configurations the error is measured over. */
  heldOut: number;
  /** Mean and largest |predicted − measured| / measured, % (null without held-out configurations). */
  meanAbsErrorPct: number | null;
  maxAbsErrorPct: number | null;
}

/** One case × configuration result. */
export interface ReportCaseRow {
  caseId: string;
  configId: string;
  dice: number;
  perClass: ReportClassDice[];
  /** Median, fastest and slowest of the repeated runs, ms. */
  timeMs: number;
  minMs: number | null;
  maxMs: number | null;
  /** Every timed run, ms (null when the result does not list them). */
  runsMs: number[] | null;
  windows: number | null;
  machine: string | null;
}

/** One input file of the sweep. */
export interface ReportInputFile {
  caseId: string;
  role: 'image' | 'label';
  path: string;
  sha256: string | null;
}

/** One machine that measured part of the sweep. */
export interface ReportMachine {
  id: string;
  /** CPU, cores, OS, … in one line. */
  description: string | null;
}

/** Where the numbers come from. */
export interface ReportProvenance {
  app: { name: string; version: string } | null;
  tfjsVersion: string | null;
  backend: string | null;
  gpuRenderer: string | null;
  model: { name: string; sha256: string | null; path: string | null } | null;
  inputs: ReportInputFile[];
  /** The sweep's options (grid, repeats, measure, …) as given. */
  options: Record<string, unknown>;
  /** When the sweep ran (ISO 8601). */
  date: string | null;
  machines: ReportMachine[];
  /** The sweep folder, and when and by what the report was made. */
  sweepDir: string | null;
  reportGeneratedAt: string;
  reportGenerator: { name: string; version: string } | null;
}

/** The "Findings" section: the user's findings on one image (userFindings.ts builds it). */
export interface ReportUserFindings {
  /** The image the findings were marked on. */
  image: { name: string; sha256: string | null; shape: number[] };
  findings: ReportUserFinding[];
  /** Why the findings have no thumbnails (no image given); null when every finding has one. */
  noThumbnails: string | null;
  /** Whether the thumbnails show a label overlay. */
  labelsOverlay: boolean;
  /**
   * Whether the overlay is drawn with the annotation's label table (each label's colour, hidden
   * labels left out, as the viewer shows them) rather than the report's palette; absent in
   * reports written before it was recorded.
   */
  labelTable?: boolean;
}

/** One finding as the report's table shows it. */
export interface ReportUserFinding {
  id: string;
  category: string;
  /** 1 minor, 2 notable, 3 severe. */
  severity: number;
  note: string;
  author: string;
  /** ISO 8601 creation time, and the last edit's when there was one. */
  time: string;
  edited: string | null;
  /** Where it is, in words ("point at voxel [40, 52, 38]"). */
  where: string;
  /** The run's windows over it in words (`describeFindingPatch`), null when no run's grid was at hand. */
  patch: string | null;
  /** The run the patch sentence is of, when known. */
  patchRun: string | null;
  thumbnail: ReportFindingThumbnail | null;
}

/** A finding's slice as a PNG: `rowAxis`/`colAxis` are the array axes along its rows and columns, `scale` pixels per voxel. */
export interface ReportFindingThumbnail {
  axis: number;
  slice: number;
  rowAxis: number;
  colAxis: number;
  width: number;
  height: number;
  scale: number;
  /** `data:image/png;base64,…` */
  png: string;
}
