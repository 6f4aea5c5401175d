import type { InferenceOptions } from '../engine/inference/runInference';
import type { RunSettings } from './runSettings';

/** The engine options a run's settings give (plain data: no signal, no callbacks). */
export type EngineSettingsOptions = Required<Pick<InferenceOptions, 'overlap' | 'placement' | 'blend' | 'measure' | 'diceMode'>> & { patchSize: number[] };

/**
 * The one mapping of a run's settings to `runInference` options, used by the Node compute worker
 * and by the page's engine worker alike: the patch size (copied), overlap, placement, blend and
 * measure as given, Dice mode `auto` (foreground when the reference is binary and the model has
 * more classes). Everything else keeps the engine's defaults.
 */
export function toEngineOptions(settings: RunSettings): EngineSettingsOptions {
  return {
    patchSize: [...settings.patchSize],
    overlap: settings.overlap,
    placement: settings.placement,
    blend: settings.blend,
    measure: settings.measure,
    diceMode: 'auto',
  };
}
