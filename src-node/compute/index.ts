/**
 * The compute functions the app's job worker and service host call (Node, no Electron): one
 * inference run into a run folder, the run's layers / maps / record read back, the patch
 * inspector, and the model folder's training-time map.
 */
export { runInferenceJob, type ComputeModel, type InferenceJobInput, type JobProgress } from './runInferenceJob';
export { readRunLayer, readRunMaps, readRunRecord, readRunPlan, readTrainingMap } from './readRunFolder';
export { inspectRunVoxel, type InspectInput } from './inspectRunVoxel';
export { ComputeError } from './computeError';
export { RUN_FILES, LAYER_FILES, type RunCacheInfo, type RunPlanFile } from './runFiles';
export { writeRunFolder, type RunFolderInput } from './writeRunFolder';
export { finishPageRun, type PageRunInput } from './finishPageRun';
export { toComputeTaskResult } from './toComputeTaskResult';
export { pageCacheRequest, pageRunCache, PAGE_CACHE_CROP_SLACK, PAGE_CACHE_MAX_BYTES } from './pageRunCache';
export { reevaluateRun } from './reevaluateRun';
export { NoPredictionCacheError, PAGE_RUN_NO_CACHE, boxToImageIndex } from './runPredictionCache';
