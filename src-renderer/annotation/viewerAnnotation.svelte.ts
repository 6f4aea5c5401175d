/**
 * The annotation store wired into the MPR viewer: cornerstone3D's segmentation tools paint into
 * the reference labelmap (the bridge turns their writes into strokes), PatchLens's own tools'
 * pointer gestures become strokes on the voxel under the cursor (with the view's normal axis),
 * every change of the working map is redrawn (changed frames only) and updates the error map,
 * the label table's colours and hidden labels restyle the reference, and each view's gesture
 * outline is reactive state its pane draws.
 */
import { eventTarget } from '@cornerstonejs/core';
import { Enums as ToolsEnums } from '@cornerstonejs/tools';
import { untrack } from 'svelte';
import { cornerstonePaintFor, PaintBridge } from './cornerstonePaint';
import { endPaintOnRelease } from './paintRelease';
import type { LabelTableJSON, VolumeData } from '../../shared/api/contract';
import { windowLevelRange } from '../../shared/annotation/tools/thresholdBrush';
import { useCommand } from '../commands/commandContext.svelte';
import type { OverlayState } from '../viewer/model/overlays';
import type { WindowLevel } from '../viewer/model/windowPresets';
import type { LabelArray } from '../../shared/annotation/labelGrid';
import type { VoxelDiff } from '../../shared/annotation/voxelDiff';
import type { MprController, ViewName } from '../viewer/cornerstone/mprController';
import { updateErrorMap } from '../viewer/model/errorMap';
import { normalAxis, voxelToWorld, worldToContinuousVoxel } from '../viewer/model/voxelIndex';
import { AnnotationPointer, type GesturePreview } from './annotationPointer';
import { anchorVoxel } from '../../shared/findings/findingPatch';
import type { Finding } from '../../shared/findings/types';
import { inPlaneAxes } from '../../shared/annotation/labelGrid';
import { worldToVoxel } from '../viewer/model/voxelIndex';

/** A finding drawn on a view (canvas pixels): its point, or its region's outline. */
export type FindingMarker = { id: string; kind: 'point'; at: [number, number] } | { id: string; kind: 'polygon'; points: [number, number][] };
import type { AnnotationStore } from './annotationStore.svelte';

/** What the viewer lends the annotation. */
export interface ViewerParts {
  controller(): MprController | null;
  image(): VolumeData | null;
  inverse(): number[][] | null;
  /** The shown run's predicted labels on the image grid, or null. */
  prediction(): VolumeData | null;
  /** The error overlay's data (edited in place), or null. */
  error(): VolumeData | null;
  /** The reference overlay needs its value range to reach `max` (a new label painted). */
  widenReference(max: number): void;
}

/** The annotation of the viewer's image. */
export class ViewerAnnotation {
  readonly pointer: AnnotationPointer<ViewName>;
  /** Each view's gesture outline (canvas pixels). */
  previews: Record<ViewName, GesturePreview | null> = $state({ axial: null, sagittal: null, coronal: null });
  /** The findings on each view's current slice (canvas pixels). */
  markers: Record<ViewName, FindingMarker[]> = $state({ axial: [], sagittal: [], coronal: [] });
  private rangeMax = 1;
  private bridge: PaintBridge | null = null;
  /** Set while the viewer redraws the store's own changes (their data-modified events are not cornerstone's writes). */
  private drawing = false;

  constructor(
    readonly store: AnnotationStore,
    private readonly parts: ViewerParts,
  ) {
    this.pointer = new AnnotationPointer<ViewName>({
      store,
      voxelAt: (view, xy) => {
        const c = parts.controller();
        const image = parts.image();
        const inverse = parts.inverse();
        return c && image && inverse ? worldToContinuousVoxel(image, c.canvasToWorld(view, xy), inverse) : null;
      },
      axisOf: (view) => {
        const c = parts.controller();
        const image = parts.image();
        return c && image ? normalAxis(image.affine, c.normal(view)) : 0;
      },
      context: (axis) => {
        const image = parts.image();
        const labels = store.labels;
        if (!image || !labels) return null;
        const prediction = parts.prediction();
        return {
          grid: { shape: image.shape, spacing: image.spacing },
          image: image.data,
          labels: labels.data as LabelArray,
          prediction: prediction && (prediction.data instanceof Uint8Array || prediction.data instanceof Uint16Array) ? prediction.data : null,
          settings: store.settings,
          axis,
          labelName: (v) => store.labelName(v),
        };
      },
      draftFinding: (shape) => store.draftFinding(shape),
      preview: (view, preview) => (this.previews[view] = preview),
    });
  }

  /**
   * Places the findings that lie on each view's current slice (a point's voxel, a region drawn
   * on that slice); call after every render or change of the findings.
   */
  updateMarkers(views: readonly ViewName[]): void {
    const c = this.parts.controller();
    const image = this.parts.image();
    const inverse = this.parts.inverse();
    const list = this.store.findings?.findings ?? [];
    for (const view of views) {
      const out: FindingMarker[] = [];
      const centre = c && image && inverse ? worldToVoxel(image, c.point, inverse) : null;
      if (c && image && centre) {
        const axis = normalAxis(image.affine, c.normal(view));
        const toCanvas = (voxel: readonly number[]) => c.worldToCanvas(view, voxelToWorld(image, voxel) as [number, number, number]);
        for (const f of list) {
          const marker = markerOf(f, axis, centre[axis], image.shape, toCanvas);
          if (marker) out.push(marker);
        }
      }
      this.markers[view] = out;
    }
  }

  /**
   * Starts drawing the store's changes, taking cornerstone's tools' writes into the store and
   * ending their presses on the views' release events (returns the stop function).
   * @param elements the views' elements
   */
  attach(elements: readonly HTMLElement[]): () => void {
    // The bridge follows the store before the redraw runs, so a redraw's event finds nothing new.
    const bridge = new PaintBridge(this.store, (indices) => this.redrawReference(indices));
    this.bridge = bridge;
    const stopDrawing = this.store.onVoxels((diff) => this.changed(diff));
    const onModified = (e: Event) => {
      const detail = (e as CustomEvent<{ segmentationId?: string; modifiedSlicesToUse?: number[] }>).detail;
      const c = this.parts.controller();
      if (!this.drawing && c && detail?.segmentationId && detail.segmentationId === c.labelmapId) bridge.modified(detail.modifiedSlicesToUse);
    };
    eventTarget.addEventListener(ToolsEnums.Events.SEGMENTATION_DATA_MODIFIED, onModified);
    const stopReleases = endPaintOnRelease(elements, this);
    return () => {
      stopReleases();
      eventTarget.removeEventListener(ToolsEnums.Events.SEGMENTATION_DATA_MODIFIED, onModified);
      stopDrawing();
      bridge.destroy();
      this.bridge = null;
    };
  }

  /**
   * A primary-button press (without Alt) in a view: the active cornerstone tool takes it (one
   * step until {@link endPaint}; the viewer must not preventDefault, its mouse events follow), or
   * PatchLens's tool starts its gesture (the viewer captures the pointer), or neither (navigate).
   */
  press(view: ViewName, xy: [number, number]): 'cornerstone' | 'gesture' | null {
    const c = this.parts.controller();
    if (c?.paints) {
      c.paintPressStarts();
      this.bridge?.begin();
      return 'cornerstone';
    }
    if (!this.pointer.active) return null;
    this.pointer.down(view, xy);
    return 'gesture';
  }

  /** Ctrl+wheel with a brush tool steps its size (true), else it is the viewer's zoom (false). */
  wheelResizesBrush(deltaY: number): boolean {
    const { tool } = this.store.settings;
    if (tool !== 'brush' && tool !== 'eraser' && tool !== 'threshold') return false;
    this.store.stepBrush(deltaY < 0 ? 1 : -1);
    return true;
  }

  /** The release of a cornerstone tool's press. */
  endPaint(): void {
    this.bridge?.end();
  }

  private redrawReference(indices: Uint32Array): void {
    const c = this.parts.controller();
    const labels = this.store.labels;
    if (!c || !labels) return;
    this.drawing = true;
    try {
      c.overlayChanged('reference', indices, labels.shape[1] * labels.shape[2]);
    } finally {
      this.drawing = false;
    }
  }

  /** The reference overlay's label colours and hidden labels from the table (null: not annotating). */
  referenceLabels(): { colours: number[][]; hidden: number[] } | null {
    const table = this.store.table;
    if (!table) return null;
    const colours: number[][] = [];
    for (const l of table.labels) colours[l.value] = [...l.colour];
    for (let v = 0; v < colours.length; v++) colours[v] ??= [0, 0, 0];
    return { colours, hidden: table.labels.filter((l) => !l.visible).map((l) => l.value) };
  }

  /** The highest value the reference overlay must colour (table and painted values). */
  maxValue(): number {
    return Math.max(1, ...(this.store.table?.labels.map((l) => l.value) ?? [1]));
  }

  private changed(diff: VoxelDiff | null): void {
    const c = this.parts.controller();
    const labels = this.store.labels;
    if (!c || !labels) return;
    const sliceLength = labels.shape[1] * labels.shape[2];
    const max = this.maxValue();
    if (max > this.rangeMax || !diff) {
      this.rangeMax = max;
      this.parts.widenReference(max);
    }
    if (!diff) return;
    this.drawing = true;
    try {
      c.overlayChanged('reference', diff.indices, sliceLength, false);
    } finally {
      this.drawing = false;
    }
    const error = this.parts.error();
    const prediction = this.parts.prediction();
    if (error && prediction && error.data instanceof Uint8Array) {
      const changed = updateErrorMap(error.data, prediction.data, labels.data, diff.indices);
      if (changed.length) c.overlayChanged('error', changed, sliceLength, false);
    }
    c.render();
  }
}

/**
 * The label list as an overlay row's classes (by value): the edited reference's swatches show
 * the list's names and colours (values without a label: black).
 */
export function labelListClasses(table: LabelTableJSON): { name: string; color: readonly number[] }[] {
  const classes: { name: string; color: readonly number[] }[] = [];
  for (const l of table.labels) classes[l.value] = { name: l.name, color: l.colour };
  for (let v = 0; v < classes.length; v++) classes[v] ??= { name: String(v), color: [0, 0, 0] };
  return classes;
}

/** A finding's marker on the slice `index` of `axis`, or null when it is not on that slice. */
function markerOf(f: Finding, axis: 0 | 1 | 2, index: number, shape: readonly number[], toCanvas: (voxel: readonly number[]) => [number, number]): FindingMarker | null {
  const s = f.shape;
  if (s.kind === 'polygon') {
    if (s.axis !== axis || s.slice !== index) return null;
    const [au, av] = inPlaneAxes(axis);
    return {
      id: f.id,
      kind: 'polygon',
      points: s.points.map(([u, v]) => {
        const voxel = [0, 0, 0];
        voxel[axis] = index;
        voxel[au] = u;
        voxel[av] = v;
        return toCanvas(voxel);
      }),
    };
  }
  const anchor = anchorVoxel(s, shape);
  return anchor[axis] === index ? { id: f.id, kind: 'point', at: toCanvas(anchor) } : null;
}

/** What {@link useViewerAnnotation} needs of the viewer besides {@link ViewerParts}. */
export interface ViewerHost extends Omit<ViewerParts, 'widenReference'> {
  overlays(): OverlayState[];
  setOverlays(overlays: OverlayState[]): void;
  /** Whether the views show the current image. */
  ready(): boolean;
  /** Called after the crosshairs moved (the viewer updates its sliders). */
  afterMove(): void;
  windowLevel(): WindowLevel | null;
}

/**
 * The viewer's annotation (call during the viewer's init): the {@link ViewerAnnotation}, the
 * findings panel's Jump (through the store), and the threshold brush's command, which presets
 * the intensity window from the window/level shown.
 */
export function useViewerAnnotation(store: AnnotationStore, host: ViewerHost): ViewerAnnotation {
  const va: ViewerAnnotation = new ViewerAnnotation(store, { ...host, widenReference: (max) => restyle(max) });

  /** Restyles the reference overlay from the label table (colours, hidden labels), its range reaching `max`. */
  function restyle(max: number): void {
    const c = host.controller();
    const state = host.overlays().find((o) => o.id === 'reference');
    if (!c || !state) return;
    c.setReferenceLabels(va.referenceLabels());
    const range: [number, number] = [0, Math.max(state.range[1], max)];
    host.setOverlays(host.overlays().map((o) => (o.id === 'reference' ? { ...o, range } : o)));
    c.setOverlayStyle({ ...($state.snapshot(state) as OverlayState), range }, true);
  }

  $effect(() => {
    const request = store.jumpRequest;
    if (!request) return;
    untrack(() => {
      const c = host.controller();
      const image = host.image();
      if (!c || !image || !host.ready()) return;
      c.setPoint(voxelToWorld(image, request.voxel) as [number, number, number]);
      host.afterMove();
    });
  });

  // The findings' markers follow the findings (the viewer also updates them after each render).
  $effect(() => {
    void store.findings;
    untrack(() => va.updateMarkers(['axial', 'sagittal', 'coronal']));
  });

  // cornerstone's tools follow the tool settings, the active label and the locks.
  $effect(() => {
    const paint = cornerstonePaintFor(store.settings);
    const active = store.settings.activeLabel;
    const locked = store.table?.labels.filter((l) => l.locked).map((l) => l.value) ?? [];
    const on = store.editable && host.ready();
    untrack(() => host.controller()?.paint(on ? paint : null, active, locked, va.maxValue()));
  });

  useCommand('tool-threshold', () => {
    store.setTool('threshold');
    const wl = host.windowLevel();
    if (wl) store.settings.threshold = windowLevelRange(wl.width, wl.center);
  });
  return va;
}
