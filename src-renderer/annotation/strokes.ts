/**
 * The annotation tools' settings, and what PatchLens's own tools write as an `EditHistory`
 * stroke: the shared core's footprints (shared/annotation/tools) applied to what the viewer
 * knows at a pointer event (the view's normal axis, the voxel under the cursor, the tool
 * settings). The brush, eraser, threshold brush and the rectangle and circle scissors are
 * cornerstone3D's tools (cornerstonePaint.ts); the flood fill, freehand scissors, accept
 * prediction and findings are here. Pure: the store applies the stroke, the viewer draws it.
 */
import { inPlaneAxes, type Axis, type LabelArray, type LabelGrid, type Slice, type Voxel } from '../../shared/annotation/labelGrid';
import type { Stroke } from '../../shared/annotation/editHistory';
import { floodFill } from '../../shared/annotation/tools/floodFill';
import { circleIndices, polygonIndices, rectangleIndices, type PlanePoint } from '../../shared/annotation/tools/scissors';
import { predictedComponent, predictedInRegion } from '../../shared/annotation/tools/acceptPrediction';
import type { NumericArray } from '../../shared/stitching/types';
import { short } from '../../shared/format/number';

/** The annotation tools (registry commands `tool-<id>`). */
export const ANNOTATION_TOOLS = ['navigate', 'brush', 'eraser', 'threshold', 'fill', 'scissors', 'accept', 'finding'] as const;

/** One of {@link ANNOTATION_TOOLS}. */
export type AnnotationTool = (typeof ANNOTATION_TOOLS)[number];

/** The scissors' shapes. */
export const SCISSORS_SHAPES = ['rectangle', 'circle', 'polygon'] as const;

/** One of {@link SCISSORS_SHAPES}. */
export type ScissorsShape = (typeof SCISSORS_SHAPES)[number];

/** Brush radii the `[` / `]` keys step through (mm). */
export const BRUSH_RADII_MM: readonly number[] = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30];

/** The tool settings the panel edits. */
export interface ToolSettings {
  tool: AnnotationTool;
  /** Brush / eraser / threshold brush radius in mm. */
  radiusMm: number;
  /** A ball in 3-D instead of a disc on the view's slice. */
  sphere: boolean;
  /** The label the brush, fill and scissors write. */
  activeLabel: number;
  /** The threshold brush's intensity window `[lo, hi]` (preset from the window/level). */
  threshold: [number, number];
  /** Flood fill: `|intensity − seed's| ≤ tolerance`. */
  tolerance: number;
  /** Flood fill and accept prediction in 3-D (6-connected) instead of on the slice. */
  volume3d: boolean;
  scissorsShape: ScissorsShape;
  /** Scissors erase (write 0) instead of filling with the active label. */
  scissorsErase: boolean;
}

/** Default settings: navigate, a 3 mm disc, label 1, 2-D fills. */
export function defaultToolSettings(): ToolSettings {
  return { tool: 'navigate', radiusMm: 3, sphere: false, activeLabel: 1, threshold: [0, 1], tolerance: 10, volume3d: false, scissorsShape: 'rectangle', scissorsErase: false };
}

/** The next radius of {@link BRUSH_RADII_MM} in a direction (+1 larger, −1 smaller), clamped. */
export function stepRadius(radiusMm: number, direction: 1 | -1): number {
  if (direction > 0) return BRUSH_RADII_MM.find((r) => r > radiusMm + 1e-9) ?? BRUSH_RADII_MM.at(-1)!;
  return [...BRUSH_RADII_MM].reverse().find((r) => r < radiusMm - 1e-9) ?? BRUSH_RADII_MM[0];
}

/** What a stroke is computed from. */
export interface StrokeContext {
  grid: LabelGrid;
  /** The image's intensities on the same grid. */
  image: NumericArray;
  /** The working label map (read by nothing here but the fill's label criterion). */
  labels: LabelArray;
  /** The run's predicted labels on the image grid, or null. */
  prediction: LabelArray | null;
  settings: ToolSettings;
  /** The normal axis of the view the pointer is in. */
  axis: Axis;
  /** A label's name for the step list (default "label <n>"). */
  labelName?: (value: number) => string;
}

const nameOf = (ctx: StrokeContext, value: number) => ctx.labelName?.(value) ?? `label ${value}`;

/**
 * The step-list name of a paint stroke of the current settings (brush, eraser, threshold brush,
 * scissors), e.g. "Brush circle 3 mm, Liver" or "Scissors rectangle, erase".
 */
export function paintLabel(settings: ToolSettings, labelName: (value: number) => string = (v) => `label ${v}`): string {
  const shape = `${settings.sphere ? 'sphere' : 'circle'} ${short(settings.radiusMm)} mm`;
  const active = labelName(settings.activeLabel);
  switch (settings.tool) {
    case 'eraser':
      return `Eraser ${shape}`;
    case 'threshold':
      return `Threshold brush ${shape} [${short(settings.threshold[0])}, ${short(settings.threshold[1])}], ${active}`;
    case 'scissors':
      return `Scissors ${settings.scissorsShape}, ${settings.scissorsErase ? 'erase' : active}`;
    default:
      return `Brush ${shape}, ${active}`;
  }
}

/** A region grow from `seed` (intensity within the tolerance), on the view's slice or in 3-D. */
export function fillStroke(ctx: StrokeContext, seed: Voxel): Stroke {
  const { settings } = ctx;
  const indices = floodFill(ctx.grid, { seed, criterion: { kind: 'intensity', image: ctx.image, tolerance: settings.tolerance }, axis: settings.volume3d ? undefined : ctx.axis });
  return { label: `Flood fill ${settings.volume3d ? '3-D' : '2-D'} ±${short(settings.tolerance)}, ${nameOf(ctx, settings.activeLabel)}`, indices, values: settings.activeLabel };
}

/** The voxels of a scissors shape on a slice: rectangle (first and last point), circle (centre, a point on the rim), polygon (all points). */
export function scissorsRegion(ctx: Pick<StrokeContext, 'grid'>, shape: ScissorsShape, slice: Slice, points: readonly PlanePoint[]): Uint32Array {
  if (points.length === 0) return new Uint32Array(0);
  const first = points[0];
  const last = points[points.length - 1];
  if (shape === 'rectangle') return rectangleIndices(ctx.grid, slice, first, last);
  if (shape === 'circle') {
    const [au, av] = inPlaneAxes(slice.axis);
    const radius = Math.hypot((last[0] - first[0]) * ctx.grid.spacing[au], (last[1] - first[1]) * ctx.grid.spacing[av]);
    return circleIndices(ctx.grid, slice, first, radius);
  }
  return points.length >= 3 ? polygonIndices(ctx.grid, slice, points) : new Uint32Array(0);
}

/** A scissors cut: the shape filled with the active label, or erased. */
export function scissorsStroke(ctx: StrokeContext, slice: Slice, points: readonly PlanePoint[]): Stroke {
  const { settings } = ctx;
  const indices = scissorsRegion(ctx, settings.scissorsShape, slice, points);
  return { label: paintLabel(settings, (v) => nameOf(ctx, v)), indices, values: settings.scissorsErase ? 0 : settings.activeLabel };
}

/**
 * Accept the prediction into the reference: the predicted component under `seed` (a click), or
 * the predicted foreground inside a rectangle drawn on the slice (`region`).
 * @throws when there is no prediction
 */
export function acceptStroke(ctx: StrokeContext, seed: Voxel, region?: { slice: Slice; points: readonly PlanePoint[] }): Stroke {
  if (!ctx.prediction) throw new Error('Accept prediction: this image has no run with predicted labels; run the model first');
  if (region) {
    const picked = predictedInRegion(ctx.prediction, scissorsRegion(ctx, 'rectangle', region.slice, region.points));
    return { label: 'Accept prediction in a rectangle', indices: picked.indices, values: picked.values };
  }
  const picked = predictedComponent(ctx.grid, ctx.prediction, seed, { axis: ctx.settings.volume3d ? undefined : ctx.axis });
  const value = typeof picked.values === 'number' ? picked.values : 0;
  return { label: `Accept predicted component, ${nameOf(ctx, value)} (${picked.indices.length} voxels)`, indices: picked.indices, values: picked.values };
}
