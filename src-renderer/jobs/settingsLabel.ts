import type { RunSettings } from '../../shared/settings/runSettings';
import { DEFAULT_PLACEMENT } from '../../shared/settings/defaults';

/** A number with at most 3 significant digits and no trailing zeros: 0.5, 0.125, 24. */
function short(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** Patch size in a few characters: "24" when every axis is equal, else "24x24x16". */
export function patchLabel(patchSize: readonly number[]): string {
  if (patchSize.length === 0) return '?';
  return patchSize.every((p) => p === patchSize[0]) ? String(patchSize[0]) : patchSize.join('x');
}

/** Run settings in one short line: "p24 ov0.5 gaussian" (plus the placement when it is not the default, `stride`). */
export function settingsLabel(settings: RunSettings): string {
  const parts = [`p${patchLabel(settings.patchSize)}`, `ov${short(settings.overlap)}`, settings.blend];
  if (settings.placement !== DEFAULT_PLACEMENT) parts.push(settings.placement);
  return parts.join(' ');
}
