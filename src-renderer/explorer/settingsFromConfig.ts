import { DEFAULT_MEASURE, type InferenceMeasure, type RunSettings } from '../../shared/settings/index';
import type { SweepConfig } from '../../shared/sweep/types';

/** Run settings built from a sweep configuration, with a note when something could not be carried over. */
export interface ConfigSettings {
  settings: RunSettings;
  /** Why the settings differ from the configuration (null when they do not). */
  note: string | null;
}

/**
 * The run settings that reproduce a sweep configuration in the viewer: its patch size, the first
 * axis's overlap, its placement and blend, and the sweep's measure (default `DEFAULT_MEASURE`: absoluteError). A run has no
 * `performance-weighted` blend (its weights come from the sweep's calibration map): it becomes
 * `gaussian`, the closest smooth weighting, with a note; per-axis overlaps that differ and
 * mirroring are noted too.
 * @throws when the configuration has no patch size or overlap
 */
export function settingsFromConfig(config: SweepConfig, measure: InferenceMeasure = DEFAULT_MEASURE): ConfigSettings {
  if (!Array.isArray(config.patchSize) || config.patchSize.length === 0) throw new RangeError(`settingsFromConfig: config ${config.id} has no patch size`);
  if (!Array.isArray(config.overlap) || config.overlap.length === 0) throw new RangeError(`settingsFromConfig: config ${config.id} has no overlap`);
  const notes: string[] = [];
  let blend: RunSettings['blend'];
  if (config.blend === 'performance-weighted') {
    blend = 'gaussian';
    notes.push('performance-weighted blending is a sweep-only mode (weights from the calibration map); the run uses gaussian');
  } else {
    blend = config.blend;
  }
  if (!config.overlap.every((o) => o === config.overlap[0])) notes.push(`per-axis overlaps ${config.overlap.join(' × ')}: the run uses ${config.overlap[0]} on every axis`);
  if (config.mirror) notes.push('mirroring (test-time augmentation) is not available in a run');
  return {
    settings: { patchSize: [...config.patchSize], overlap: config.overlap[0], placement: config.placement, blend, measure },
    note: notes.length ? `${notes.join('; ')}.` : null,
  };
}
