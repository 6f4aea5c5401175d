/**
 * The one home of run and sweep parameters: their lists, limits, defaults, the normalization to
 * one value per axis, and the mapping to engine options. The app's forms, the CLI, the IPC
 * contract and the engine core all take them from here.
 */
export { PLACEMENTS, type Placement } from '../grid/placement';
export { BLEND_MODES, type BlendMode } from '../stitching/types';
export { INFERENCE_MEASURES, type InferenceMeasure } from '../engine/inference/inferencePerformance';
export { SWEEP_BLENDS } from '../sweep/grid';
export {
  APP_SWEEP_REPEATS_LIMITS,
  BATCH_LIMITS,
  intervalText,
  isOverlap,
  isPatchEdge,
  MAX_SWEEP_LIST,
  OVERLAP_LIMITS,
  PATCH_LIMITS,
  SWEEP_REPEATS_LIMITS,
  type Limits,
} from './limits';
export { DEFAULT_BLEND, DEFAULT_MEASURE, DEFAULT_OVERLAP, DEFAULT_PLACEMENT, FALLBACK_PATCH_EDGE } from './defaults';
export { DEFAULT_SWEEP_BLENDS, DEFAULT_SWEEP_OVERLAPS, DEFAULT_SWEEP_PLACEMENTS, DEFAULT_SWEEP_SETTINGS } from './sweepDefaults';
export { checkOneOf, checkOverlap, checkPatchEdge, checkRunSettings, DEFAULT_RUN_SETTINGS, RUN_SETTINGS_KEYS, SettingsError, type ErrorClass, type RunSettings } from './runSettings';
export { normalizeWindowSettings, type WindowSettings, type WindowSettingsInput } from './windowSettings';
export { toEngineOptions, type EngineSettingsOptions } from './toEngineOptions';
