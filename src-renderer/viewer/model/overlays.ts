import type { RunLayer, RunRecord } from '../../../shared/api/contract';
import type { ColormapName } from './colormaps';

/** An overlay of the viewer: the reference labels, the error map, or one of the run's layers. */
export type OverlayId = 'reference' | 'error' | RunLayer;

/** How an overlay's values are coloured: a continuous colormap, the label colours, or the FP/FN colours. */
export type OverlayColormap = ColormapName | 'labels' | 'errors';

/** What the overlay panel shows and the renderer applies for one overlay. */
export interface OverlayStyle {
  visible: boolean;
  /** 0..1. */
  opacity: number;
  colormap: OverlayColormap;
  /** Values below it are transparent (null: none are). */
  threshold: number | null;
}

/** One overlay: its id, its label, its value range and its current style. */
export interface OverlayState extends OverlayStyle {
  id: OverlayId;
  label: string;
  /** Whether its values are labels (discrete colours) rather than a continuous quantity. */
  discrete: boolean;
  /** Value range of its data `[min, max]` (the colour bar's and the threshold slider's ends). */
  range: [number, number];
}

/** Overlays in panel order, with their label, kind and default style. */
export const OVERLAY_DEFS: readonly { id: OverlayId; label: string; discrete: boolean; style: OverlayStyle }[] = [
  { id: 'reference', label: 'Reference labels', discrete: true, style: { visible: false, opacity: 0.5, colormap: 'labels', threshold: 0.5 } },
  { id: 'labels', label: 'Predicted labels', discrete: true, style: { visible: false, opacity: 0.5, colormap: 'labels', threshold: 0.5 } },
  { id: 'error', label: 'Error map (FP magenta, FN cyan)', discrete: true, style: { visible: false, opacity: 0.7, colormap: 'errors', threshold: 0.5 } },
  { id: 'probability', label: 'Probability', discrete: false, style: { visible: false, opacity: 0.5, colormap: 'hot', threshold: 0.05 } },
  { id: 'gridOutline', label: 'Patch grid', discrete: false, style: { visible: false, opacity: 0.8, colormap: 'grayscale', threshold: 0.5 } },
  { id: 'coverage', label: 'Coverage (windows per voxel)', discrete: false, style: { visible: false, opacity: 0.4, colormap: 'viridis', threshold: 0.5 } },
  { id: 'tiledPerformance', label: 'Patch performance heatmap', discrete: false, style: { visible: true, opacity: 0.5, colormap: 'hot', threshold: null } },
  { id: 'tiledConsistency', label: 'Consistency map', discrete: false, style: { visible: false, opacity: 0.5, colormap: 'viridis', threshold: null } },
];

/** The overlays whose data exist: reference labels with a label map, the run's layers, the error map with both labels. */
export function availableOverlays(hasReference: boolean, run: Pick<RunRecord, 'layers'> | null): OverlayId[] {
  return OVERLAY_DEFS.map((d) => d.id).filter((id) => {
    if (id === 'reference') return hasReference;
    if (id === 'error') return hasReference && !!run?.layers.includes('labels');
    return !!run?.layers.includes(id);
  });
}

/** The initial state of an overlay, given its data range (the reference labels are shown when there is no run). */
export function initialOverlayState(id: OverlayId, range: [number, number], hasRun: boolean): OverlayState {
  const def = OVERLAY_DEFS.find((d) => d.id === id);
  if (!def) throw new Error(`initialOverlayState: unknown overlay "${id}"`);
  const style = { ...def.style };
  if (id === 'reference' && !hasRun) style.visible = true;
  return { id, label: def.label, discrete: def.discrete, range, ...style };
}

/** Minimum and maximum of an array (finite values only; [0, 0] when empty). */
export function valueRange(data: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let v = 0; v < data.length; v++) {
    const x = data[v];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** Opacity transfer points `[value, opacity]` of a style over a value range (threshold: transparent below it). */
export function opacityPoints(style: Pick<OverlayStyle, 'opacity' | 'threshold' | 'visible'>, range: [number, number]): [number, number][] {
  const [lo, hi0] = range;
  const hi = hi0 > lo ? hi0 : lo + 1;
  const a = style.visible ? Math.min(1, Math.max(0, style.opacity)) : 0;
  const t = style.threshold;
  if (t === null || t <= lo) return [[lo, a], [hi, a]];
  if (t > hi) return [[lo, 0], [hi, 0]];
  const delta = (hi - lo) * 1e-4;
  return [[lo, 0], [t - delta, 0], [t, a], [hi, a]];
}
