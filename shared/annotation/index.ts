/**
 * The annotation core: label table, diff-based edit history, editing tools and live label
 * statistics for a reference label map. Pure TypeScript; the renderer and the service build on
 * it. docs/annotation.md describes the data model, the diff format and each tool.
 */
export {
  LABEL_DATATYPES,
  assertGrid,
  flatIndex,
  inPlaneAxes,
  labelDatatypeOf,
  newLabelArray,
  sortedUnique,
  voxelOf,
  type Axis,
  type LabelArray,
  type LabelDatatype,
  type LabelGrid,
  type Slice,
  type Voxel,
} from './labelGrid';
export { DEFAULT_LABEL_COLOURS, LabelTable, defaultColour, type ClassLike, type LabelEntry, type LabelTableJSON, type Rgb } from './labelTable';
export { STEP_OVERHEAD_BYTES, compactValues, composeDiffs, diffBytes, invertDiff, valueAt, writeDiff, type VoxelDiff } from './voxelDiff';
export {
  DEFAULT_HISTORY_BUDGET_BYTES,
  EditHistory,
  MIN_HISTORY_STEPS,
  type ApplyResult,
  type EditHistoryOptions,
  type LockSource,
  type StepInfo,
  type Stroke,
} from './editHistory';
export { LabelStats, type LabelStatRow } from './labelStats';
export { brushIndices, brushPathIndices, type BrushOptions } from './tools/brush';
export { thresholdBrushIndices, thresholdFilter, windowLevelRange, type IntensityRange } from './tools/thresholdBrush';
export { DEFAULT_FILL_MAX_VOXELS, FillLimitError, floodFill, type FillCriterion, type FloodFillOptions } from './tools/floodFill';
export { circleIndices, polygonIndices, rectangleIndices, type PlanePoint } from './tools/scissors';
export { predictedComponent, predictedInRegion, type PredictedComponentOptions, type PredictedVoxels } from './tools/acceptPrediction';
