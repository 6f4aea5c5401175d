import type { VolumeInfo } from '../../../shared/api/contract';

/** A window/level preset id. */
export type WindowPresetId = 'ctBrain' | 'ctBone' | 'ctLung' | 'ctAbdomen' | 'mrAuto' | 'fullRange';

/** A window (width) and level (centre) in image intensity units. */
export interface WindowLevel {
  width: number;
  center: number;
}

/** The presets, in menu order, with their labels. */
export const WINDOW_PRESETS: readonly { id: WindowPresetId; label: string }[] = [
  { id: 'mrAuto', label: 'MR auto (0.5–99.5 %)' },
  { id: 'fullRange', label: 'Full range' },
  { id: 'ctBrain', label: 'CT brain (W80 L40)' },
  { id: 'ctBone', label: 'CT bone (W2000 L500)' },
  { id: 'ctLung', label: 'CT lung (W1500 L−600)' },
  { id: 'ctAbdomen', label: 'CT abdomen (W400 L50)' },
];

const FIXED: Partial<Record<WindowPresetId, WindowLevel>> = {
  ctBrain: { width: 80, center: 40 },
  ctBone: { width: 2000, center: 500 },
  ctLung: { width: 1500, center: -600 },
  ctAbdomen: { width: 400, center: 50 },
};

/** The window of a preset for an image (`mrAuto` and `fullRange` come from its percentiles / range). */
export function presetWindow(id: WindowPresetId, image: Pick<VolumeInfo, 'range' | 'percentiles'>): WindowLevel {
  const fixed = FIXED[id];
  if (fixed) return { ...fixed };
  const [lo, hi] = id === 'mrAuto' ? image.percentiles : image.range;
  if (id !== 'mrAuto' && id !== 'fullRange') throw new Error(`presetWindow: unknown preset "${id}"`);
  const width = Math.max(hi - lo, 1e-6);
  return { width, center: lo + width / 2 };
}

/** The default preset of an image: CT brain for CT, MR auto otherwise. */
export function defaultPreset(image: Pick<VolumeInfo, 'modality'>): WindowPresetId {
  return image.modality === 'CT' ? 'ctBrain' : 'mrAuto';
}

/** A window as cornerstone's VOI range `[lower, upper]`. */
export function windowToRange(w: WindowLevel): { lower: number; upper: number } {
  return { lower: w.center - w.width / 2, upper: w.center + w.width / 2 };
}
