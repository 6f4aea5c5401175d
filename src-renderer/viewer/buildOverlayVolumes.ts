import type { RunLayer, VolumeData } from '../../shared/api/contract';
import { computeErrorMap } from './model/errorMap';
import { availableOverlays, initialOverlayState, valueRange, type OverlayId, type OverlayState } from './model/overlays';

/** An overlay's data with its state. */
export interface OverlayData {
  state: OverlayState;
  volume: VolumeData;
}

/**
 * The overlays that exist for an image's reference labels and a run's layers, in panel order,
 * with their data (the error map computed here from predicted vs reference labels). Styles of
 * `previous` overlays with the same id are kept (the user's settings survive a run change).
 */
export function buildOverlayVolumes(
  reference: VolumeData | null,
  layers: ReadonlyMap<RunLayer, VolumeData>,
  hasRun: boolean,
  previous: readonly OverlayState[],
): OverlayData[] {
  const ids = availableOverlays(!!reference, hasRun ? { layers: [...layers.keys()] } : null);
  const out: OverlayData[] = [];
  for (const id of ids) {
    const volume = volumeOf(id, reference, layers);
    if (!volume) continue;
    let range = id === 'error' ? ([0, 2] as [number, number]) : valueRange(volume.data);
    if (id === 'reference' || id === 'labels') range = [0, Math.max(1, range[1])];
    const fresh = initialOverlayState(id, range, hasRun);
    const old = previous.find((p) => p.id === id);
    const state = old ? { ...fresh, visible: old.visible, opacity: old.opacity, colormap: old.colormap, threshold: old.threshold } : fresh;
    out.push({ state, volume });
  }
  return out;
}

function volumeOf(id: OverlayId, reference: VolumeData | null, layers: ReadonlyMap<RunLayer, VolumeData>): VolumeData | null {
  if (id === 'reference') return reference;
  if (id === 'error') {
    const predicted = layers.get('labels');
    if (!reference || !predicted) return null;
    const { data } = computeErrorMap(predicted, reference);
    return { shape: predicted.shape, spacing: predicted.spacing, affine: predicted.affine, data };
  }
  return layers.get(id) ?? null;
}
