/**
 * PatchLens's own annotation tools on the viewer's pointer events: which stroke a press, a drag
 * and a release make for the active tool (the flood fill on a click, the freehand scissors and
 * accept prediction collect a shape, the finding tool drafts a point or a drawn region), and
 * what outline the view shows meanwhile. The brush, eraser, threshold brush and the rectangle
 * and circle scissors are cornerstone3D's tools and never reach this (cornerstonePaint.ts).
 * The viewer owns the DOM and cornerstone; this owns the gesture.
 */
import { inPlaneAxes, type Axis, type Slice, type Voxel } from '../../shared/annotation/labelGrid';
import { FillLimitError } from '../../shared/annotation/tools/floodFill';
import type { PlanePoint } from '../../shared/annotation/tools/scissors';
import type { FindingShape } from '../../shared/findings/types';
import type { AnnotationStore } from './annotationStore.svelte';
import { acceptStroke, fillStroke, scissorsStroke } from './strokes';
import type { StrokeContext } from './strokes';

/** The outline a view draws during a gesture, in canvas pixels. */
export type GesturePreview = { kind: 'polyline'; points: [number, number][]; closed: boolean } | { kind: 'rect'; from: [number, number]; to: [number, number] } | { kind: 'circle'; centre: [number, number]; radius: number };

/** What the gesture needs from the viewer. */
export interface PointerHost<View extends string> {
  store: AnnotationStore;
  /** The continuous voxel `[a0, a1, a2]` under a canvas point (null outside the image). */
  voxelAt(view: View, xy: [number, number]): Voxel | null;
  /** The array axis a view's slice is normal to. */
  axisOf(view: View): Axis;
  /** What strokes read (image, labels, prediction, settings) for a view's axis; null when nothing is open. */
  context(axis: Axis): StrokeContext | null;
  /** A finding drawn or clicked: the findings panel completes it. */
  draftFinding(shape: FindingShape): void;
  /** Shows (or clears) a view's gesture outline. */
  preview(view: View, preview: GesturePreview | null): void;
}

interface Gesture<View> {
  view: View;
  axis: Axis;
  slice: Slice;
  start: [number, number];
  /** Canvas points of the gesture. */
  canvas: [number, number][];
  /** The same points on the slice, `[u, v]` in voxels. */
  plane: PlanePoint[];
  seed: Voxel;
}

const rounded = (v: Voxel): Voxel => v.map(Math.round) as unknown as Voxel;
const CLICK_PX = 3;

/** The gesture of the active annotation tool (one at a time). */
export class AnnotationPointer<View extends string> {
  private gesture: Gesture<View> | null = null;

  constructor(private readonly host: PointerHost<View>) {}

  /** Whether the active tool edits or drafts (navigate leaves the pointer to the viewer). */
  get active(): boolean {
    return this.host.store.settings.tool !== 'navigate';
  }

  /** Whether a gesture is under way. */
  get busy(): boolean {
    return this.gesture !== null;
  }

  /** A press with the primary button. @returns whether the tool took it */
  down(view: View, xy: [number, number]): boolean {
    const { store } = this.host;
    const tool = store.settings.tool;
    if (tool === 'navigate') return false;
    const voxel = this.host.voxelAt(view, xy);
    if (!voxel) return true;
    const axis = this.host.axisOf(view);
    const seed = rounded(voxel);
    const slice: Slice = { axis, index: seed[axis] };
    const [au, av] = inPlaneAxes(axis);
    this.gesture = { view, axis, slice, start: xy, canvas: [xy], plane: [[voxel[au], voxel[av]]], seed };
    if (tool === 'fill') {
      this.gesture = null;
      const ctx = this.host.context(axis);
      if (!ctx) return true;
      try {
        store.apply(fillStroke(ctx, seed));
      } catch (e) {
        store.error = e instanceof FillLimitError ? `Flood fill: ${e.message}` : String(e instanceof Error ? e.message : e);
      }
    }
    return true;
  }

  /** A move while pressed. */
  move(view: View, xy: [number, number]): void {
    const g = this.gesture;
    if (!g || g.view !== view) return;
    const voxel = this.host.voxelAt(view, xy);
    if (!voxel) return;
    const [au, av] = inPlaneAxes(g.axis);
    g.canvas.push(xy);
    g.plane.push([voxel[au], voxel[av]]);
    this.host.preview(view, this.outline(g));
  }

  /** The release. */
  up(view: View, xy: [number, number]): void {
    const g = this.gesture;
    if (!g) return;
    // Released over another view: ends like a lost pointer.
    if (g.view !== view) return this.cancel();
    this.gesture = null;
    const { store } = this.host;
    const tool = store.settings.tool;
    this.host.preview(view, null);
    const click = Math.hypot(xy[0] - g.start[0], xy[1] - g.start[1]) < CLICK_PX;
    const ctx = this.host.context(g.axis);
    try {
      if (tool === 'scissors' && ctx && !click) store.apply(scissorsStroke(ctx, g.slice, g.plane));
      else if (tool === 'accept' && ctx) {
        const stroke = acceptStroke(ctx, g.seed, click ? undefined : { slice: g.slice, points: [g.plane[0], g.plane.at(-1)!] });
        if (stroke.indices.length === 0) store.error = click ? 'Accept prediction: the prediction is background there; click inside a predicted structure.' : 'Accept prediction: the rectangle holds no predicted foreground.';
        else store.apply(stroke);
      }
      else if (tool === 'finding') {
        this.host.draftFinding(click || g.plane.length < 3 ? { kind: 'point', voxel: [...g.seed] } : { kind: 'polygon', axis: g.axis, slice: g.slice.index, points: g.plane.map((p) => [p[0], p[1]]) });
      }
    } catch (e) {
      store.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** Abandons a gesture (pointer lost). */
  cancel(): void {
    const g = this.gesture;
    if (!g) return;
    this.gesture = null;
    this.host.preview(g.view, null);
  }

  private outline(g: Gesture<View>): GesturePreview {
    const { tool, scissorsShape } = this.host.store.settings;
    const last = g.canvas.at(-1)!;
    if (tool === 'accept' || (tool === 'scissors' && scissorsShape === 'rectangle')) return { kind: 'rect', from: g.start, to: last };
    if (tool === 'scissors' && scissorsShape === 'circle') return { kind: 'circle', centre: g.start, radius: Math.hypot(last[0] - g.start[0], last[1] - g.start[1]) };
    return { kind: 'polyline', points: g.canvas, closed: tool === 'scissors' || tool === 'finding' };
  }
}
