/** Re-evaluation without the model: prediction caches, the full and incremental recomputation, map comparison. */
export { CACHE_ENCODINGS, PredictionCollector, decodeValues, defaultCacheEncoding, type CacheEncoding, type CacheGeometry, type PredictionCache } from './predictionCache';
export { decodePredictionCache, encodePredictionCache } from './cacheCodec';
export { Reevaluation, reevaluate, type ReevaluateOptions, type ReevaluationUpdate } from './reevaluate';
export { ERROR_CODES, errorCode, errorMap } from './errorMap';
export { DiceCounts } from './diceCounts';
export { compareMaps, type MapComparison, type PatchMap } from './compareMaps';
export { GroupedSums, MARGIN_NOISE_GROUPS, MIN_NOISE_WINDOWS, includeMargin, jackknifeMargin, marginChangedAxes, noiseGroupCount, type MarginNoise } from './marginNoise';
export { fromFloat16Bits, toFloat16Bits } from './float16';
