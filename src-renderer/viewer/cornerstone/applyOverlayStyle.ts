import type { OverlayState } from '../model/overlays';
import { opacityPoints } from '../model/overlays';
import { COLORMAP_POINTS, ERROR_COLORS, labelColor } from '../model/colormaps';

/** The parts of a vtk volume actor's property this needs (kept structural: vtk.js is cornerstone's dependency, not ours). */
interface VolumeProperty {
  getRGBTransferFunction(i: number): { removeAllPoints(): void; addRGBPoint(x: number, r: number, g: number, b: number): void; modified(): void };
  getScalarOpacity(i: number): { removeAllPoints(): void; addPoint(x: number, y: number): void; modified(): void };
  setInterpolationTypeToNearest(): void;
  setScalarOpacityUnitDistance(i: number, d: number): void;
}

/**
 * vtk.js corrects a volume's opacity for the distance a ray travels through it; a cornerstone MPR
 * slice is a slab 0.05 mm thick (its minimum), so with vtk's default unit distance (1 mm) an
 * overlay with opacity 0.5 blends at ~3 %. The unit distance of the slab keeps the opacity as set.
 */
const OPACITY_UNIT_DISTANCE = 0.05;

/** An actor with a volume property. */
export interface StylableActor {
  getProperty(): VolumeProperty;
  setVisibility?(v: boolean): void;
}

/**
 * The colour transfer points `[value, r, g, b]` (colours 0..1) of an overlay over its value range:
 * a continuous colormap stretched over the range, label colours, or the FP/FN colours.
 */
export function colorPoints(overlay: Pick<OverlayState, 'colormap' | 'range'>, classColors?: readonly (readonly number[])[] | null): [number, number, number, number][] {
  const [lo, hi0] = overlay.range;
  const hi = hi0 > lo ? hi0 : lo + 1;
  if (overlay.colormap === 'labels' || overlay.colormap === 'errors') {
    const points: [number, number, number, number][] = [[lo - 0.5, 0, 0, 0]];
    const top = Math.max(1, Math.round(hi));
    for (let v = 1; v <= top; v++) {
      const c = overlay.colormap === 'errors' ? ERROR_COLORS[(v === 1 ? 1 : 2) as 1 | 2] : labelColor(v, classColors);
      points.push([v - 0.49, c[0] / 255, c[1] / 255, c[2] / 255], [v + 0.49, c[0] / 255, c[1] / 255, c[2] / 255]);
    }
    return points;
  }
  return COLORMAP_POINTS[overlay.colormap].map(([t, r, g, b]) => [lo + t * (hi - lo), r, g, b]);
}

/**
 * The opacity points of a label overlay with some labels hidden (the label list's eye): each
 * label value its own step, hidden ones transparent. Without hidden labels, {@link opacityPoints}.
 */
export function labelOpacityPoints(overlay: Pick<OverlayState, 'opacity' | 'threshold' | 'visible' | 'range'>, hidden: readonly number[]): [number, number][] {
  if (hidden.length === 0) return opacityPoints(overlay, overlay.range);
  const a = overlay.visible ? Math.min(1, Math.max(0, overlay.opacity)) : 0;
  const top = Math.max(1, Math.round(overlay.range[1]));
  const points: [number, number][] = [[-0.5, 0], [0.49, 0]];
  for (let v = 1; v <= top; v++) {
    const alpha = hidden.includes(v) || (overlay.threshold !== null && v < overlay.threshold) ? 0 : a;
    points.push([v - 0.49, alpha], [v + 0.49, alpha]);
  }
  return points;
}

/**
 * Applies an overlay's colormap, opacity and threshold to its volume actor (nearest-neighbour
 * sampling). `hidden`: label values not drawn (label overlays only).
 */
export function applyOverlayStyle(actor: StylableActor, overlay: OverlayState, classColors?: readonly (readonly number[])[] | null, hidden: readonly number[] = []): void {
  const property = actor.getProperty();
  property.setInterpolationTypeToNearest();
  property.setScalarOpacityUnitDistance(0, OPACITY_UNIT_DISTANCE);
  const cfun = property.getRGBTransferFunction(0);
  cfun.removeAllPoints();
  for (const [x, r, g, b] of colorPoints(overlay, classColors)) cfun.addRGBPoint(x, r, g, b);
  cfun.modified();
  const ofun = property.getScalarOpacity(0);
  ofun.removeAllPoints();
  const points = overlay.colormap === 'labels' ? labelOpacityPoints(overlay, hidden) : opacityPoints(overlay, overlay.range);
  for (const [x, y] of points) ofun.addPoint(x, y);
  ofun.modified();
  actor.setVisibility?.(overlay.visible && overlay.opacity > 0);
}
