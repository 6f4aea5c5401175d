import { cache, Enums, RenderingEngine, utilities, type Types } from '@cornerstonejs/core';
import type { VolumeData } from '../../../shared/api/contract';
import type { OverlayState } from '../model/overlays';
import { windowToRange, type WindowLevel } from '../model/windowPresets';
import { applyOverlayStyle, type StylableActor } from './applyOverlayStyle';
import { createCornerstoneVolume, removeCornerstoneVolume } from './createCornerstoneVolume';
import { initCornerstone } from './initCornerstone';
import { LabelmapSegmentation } from './labelmapSegmentation';
import { SegmentationTools, type CornerstonePaint } from './segmentationTools';

/** The three MPR views. */
export type ViewName = 'axial' | 'sagittal' | 'coronal';
/** The views in screen order. */
export const VIEW_NAMES: readonly ViewName[] = ['axial', 'sagittal', 'coronal'];

const ORIENTATION: Record<ViewName, Enums.OrientationAxis> = {
  axial: Enums.OrientationAxis.AXIAL,
  sagittal: Enums.OrientationAxis.SAGITTAL,
  coronal: Enums.OrientationAxis.CORONAL,
};

let engineCount = 0;

/** A slice position of a view: index and count. */
export interface SliceInfo {
  index: number;
  count: number;
}

/** An overlay as the controller renders it. */
export interface OverlayVolume {
  state: OverlayState;
  volume: VolumeData;
}

/**
 * Three cornerstone3D orthographic volume viewports (axial, sagittal, coronal) showing one image
 * and its overlays (fusion volumes on the image's grid), with a shared world point (the
 * crosshairs' centre) that sets every view's slice. While labels are annotated, the reference
 * overlay is a @cornerstonejs/tools labelmap segmentation instead, which the segmentation tools
 * (brush, scissors) paint into. The Svelte components own the DOM and the interaction; this
 * class owns cornerstone.
 */
export class MprController {
  readonly engine: RenderingEngine;
  private readonly ids: Record<ViewName, string>;
  private generation = 0;
  private imageId: string | null = null;
  private overlayIds = new Map<string, string>();
  private classColors: readonly (readonly number[])[] | null = null;
  /** The edited reference's own colours and hidden labels (the label table), when annotating. */
  private referenceLabels: { colours: readonly (readonly number[])[] | null; hidden: readonly number[] } | null = null;
  private window: WindowLevel | null = null;
  /** The reference drawn as a labelmap segmentation (annotating), or null. */
  private labelmap: LabelmapSegmentation | null = null;
  private readonly tools: SegmentationTools;
  /** The last {@link paint} call's arguments (applied again to each new labelmap). */
  private paintArgs: Parameters<MprController['paint']> = [null, 1, [], 1];
  private readonly engineId: string;
  /** The crosshairs' world point (LPS mm). */
  point: Types.Point3 = [0, 0, 0];

  constructor(readonly elements: Record<ViewName, HTMLDivElement>) {
    initCornerstone();
    const id = `patchlensmpr${++engineCount}`;
    this.engine = new RenderingEngine(id);
    this.engineId = id;
    this.ids = { axial: `${id}axial`, sagittal: `${id}sagittal`, coronal: `${id}coronal` };
    this.engine.setViewports(
      VIEW_NAMES.map((view) => ({
        viewportId: this.ids[view],
        type: Enums.ViewportType.ORTHOGRAPHIC,
        element: elements[view],
        defaultOptions: { orientation: ORIENTATION[view], background: [0, 0, 0] as Types.Point3 },
      })),
    );
    this.tools = new SegmentationTools(`${id}tools`, id, VIEW_NAMES.map((v) => this.ids[v]));
  }

  /** The cornerstone viewport of a view. */
  viewport(view: ViewName): Types.IVolumeViewport {
    return this.engine.getViewport(this.ids[view]) as Types.IVolumeViewport;
  }

  /**
   * Shows an image and its overlays (replacing what was shown), centred on the image, and
   * resolves after cornerstone has set the volumes. Overlays must be on the image's grid.
   */
  async setVolumes(image: VolumeData, overlays: OverlayVolume[], window: WindowLevel, classColors: readonly (readonly number[])[] | null, keepCamera: boolean): Promise<void> {
    const gen = ++this.generation;
    const old = [this.imageId, ...this.overlayIds.values()].filter((x): x is string => !!x);
    const cameras = keepCamera ? VIEW_NAMES.map((v) => this.viewport(v).getCamera()) : null;
    const imageId = `plimage${gen}`;
    createCornerstoneVolume(imageId, image);
    const overlayIds = new Map<string, string>();
    for (const o of overlays) {
      const vid = `ploverlay${o.state.id}${gen}`;
      createCornerstoneVolume(vid, o.volume);
      overlayIds.set(o.state.id, vid);
    }
    this.imageId = imageId;
    this.overlayIds = overlayIds;
    this.classColors = classColors;
    this.window = window;
    // Annotating: the reference is a labelmap segmentation, not a fusion volume.
    const labelmapVolume = this.referenceLabels ? overlayIds.get('reference') : undefined;
    // actorUID = volumeId, so that getActor(volumeId) finds each overlay's actor.
    const inputs = [imageId, ...overlayIds.values()].filter((volumeId) => volumeId !== labelmapVolume).map((volumeId) => ({ volumeId, actorUID: volumeId }));
    this.labelmap?.destroy();
    this.labelmap = null;
    await Promise.all(VIEW_NAMES.map((v) => this.viewport(v).setVolumes(inputs)));
    if (gen === this.generation && labelmapVolume) {
      this.labelmap = new LabelmapSegmentation(`${this.engineId}labels${gen}`, labelmapVolume, imageId, VIEW_NAMES.map((v) => this.ids[v]));
    }
    this.paint(...this.paintArgs);
    for (const id of old) removeCornerstoneVolume(id);
    if (gen !== this.generation) return;
    if (cameras) VIEW_NAMES.forEach((v, i) => this.viewport(v).setCamera(cameras[i]));
    else this.point = this.viewport('axial').getCamera().focalPoint as Types.Point3;
    this.setWindow(window, false);
    for (const o of overlays) this.setOverlayStyle(o.state, false);
    this.render();
  }

  /** Sets the image's window/level in every view. */
  setWindow(window: WindowLevel, render = true): void {
    this.window = window;
    if (!this.imageId) return;
    for (const v of VIEW_NAMES) this.viewport(v).setProperties({ voiRange: windowToRange(window) }, this.imageId);
    if (render) this.render();
  }

  /** The image's current window/level (null before an image). */
  getWindow(): WindowLevel | null {
    return this.window;
  }

  /** Applies an overlay's colormap, opacity, threshold and visibility in every view. */
  setOverlayStyle(state: OverlayState, render = true): void {
    const vid = this.overlayIds.get(state.id);
    if (!vid) return;
    if (state.id === 'reference' && this.labelmap) {
      const labels = this.referenceLabels;
      this.labelmap.style({ colours: labels?.colours ?? null, classColors: this.classColors, hidden: labels?.hidden ?? [], maxValue: Math.round(state.range[1]), overlay: state });
      if (render) this.render();
      return;
    }
    for (const v of VIEW_NAMES) {
      const entry = this.viewport(v).getActor(vid);
      const labels = state.id === 'reference' ? this.referenceLabels : null;
      if (entry) applyOverlayStyle(entry.actor as unknown as StylableActor, state, labels?.colours ?? this.classColors, labels?.hidden ?? []);
    }
    if (render) this.render();
  }

  /**
   * Sets the reference overlay's label colours (index = value) and hidden labels: the label
   * table of the annotation (null: the model's class colours, nothing hidden). Call
   * `setOverlayStyle` for the reference afterwards.
   */
  setReferenceLabels(labels: { colours: readonly (readonly number[])[] | null; hidden: readonly number[] } | null): void {
    this.referenceLabels = labels;
  }

  /**
   * Redraws an overlay after its voxels were changed in place (a label edit): uploads the
   * changed slices of its texture only (cornerstone frames are array axis 0).
   * @param indices flat indices of the changed voxels
   */
  overlayChanged(id: string, indices: ArrayLike<number>, sliceLength: number, render = true): void {
    const vid = this.overlayIds.get(id);
    const volume = vid ? cache.getVolume(vid) : undefined;
    if (!volume) return;
    if (id === 'reference' && this.labelmap) {
      // cornerstone's labelmap display uploads the frames named in its data-modified event.
      const frames = new Set<number>();
      for (let k = 0; k < indices.length; k++) frames.add(Math.floor(indices[k] / sliceLength));
      this.labelmap.modified([...frames]);
      if (render) this.render();
      return;
    }
    let last = -1;
    for (let k = 0; k < indices.length; k++) {
      const frame = Math.floor(indices[k] / sliceLength);
      if (frame !== last) volume.vtkOpenGLTexture.setUpdatedFrame(frame);
      last = frame;
    }
    volume.imageData?.modified();
    if (render) this.render();
  }

  /** The segmentation id of the reference labelmap (annotating), or null. */
  get labelmapId(): string | null {
    return this.labelmap?.segmentationId ?? null;
  }

  /**
   * Activates a cornerstone3D segmentation tool (brush, scissors) on the primary button, with the
   * label it paints and the locked labels; null gives the pointer back to the viewer.
   */
  paint(paint: CornerstonePaint, activeLabel: number, locked: readonly number[], maxValue: number): void {
    this.paintArgs = [paint, activeLabel, locked, maxValue];
    this.tools.set(this.labelmap ? paint : null);
    if (!this.labelmap) return;
    this.labelmap.setActiveLabel(activeLabel);
    this.labelmap.setLocked(locked, maxValue);
  }

  /** Whether a cornerstone3D tool has the primary button now. */
  get paints(): boolean {
    return this.tools.activeTool !== null;
  }

  /** A press that the active cornerstone3D tool will take (see {@link SegmentationTools.pressStarts}). */
  paintPressStarts(): void {
    this.tools.pressStarts();
  }

  /** The normal of a view's slice plane (LPS). */
  normal(view: ViewName): Types.Point3 {
    return this.viewport(view).getCamera().viewPlaneNormal as Types.Point3;
  }

  /** Renders every view. */
  render(): void {
    this.engine.renderViewports(VIEW_NAMES.map((v) => this.ids[v]));
  }

  /** Moves every view's slice to a world point (LPS mm), keeping each view's pan and zoom. */
  setPoint(point: Types.Point3, render = true): void {
    this.point = [...point] as Types.Point3;
    for (const v of VIEW_NAMES) {
      const vp = this.viewport(v);
      const { focalPoint, position, viewPlaneNormal } = vp.getCamera();
      if (!focalPoint || !position || !viewPlaneNormal) continue;
      const d = (point[0] - focalPoint[0]) * viewPlaneNormal[0] + (point[1] - focalPoint[1]) * viewPlaneNormal[1] + (point[2] - focalPoint[2]) * viewPlaneNormal[2];
      if (Math.abs(d) < 1e-6) continue;
      const shift = viewPlaneNormal.map((n) => n * d);
      vp.setCamera({
        focalPoint: focalPoint.map((x, a) => x + shift[a]) as Types.Point3,
        position: position.map((x, a) => x + shift[a]) as Types.Point3,
      });
    }
    if (render) this.render();
  }

  /** Moves the point along a view's normal to that view's current slice (after the view scrolled on its own). */
  private syncPointTo(view: ViewName): void {
    const { focalPoint, viewPlaneNormal } = this.viewport(view).getCamera();
    if (!focalPoint || !viewPlaneNormal) return;
    const p = this.point;
    const d = (focalPoint[0] - p[0]) * viewPlaneNormal[0] + (focalPoint[1] - p[1]) * viewPlaneNormal[1] + (focalPoint[2] - p[2]) * viewPlaneNormal[2];
    this.point = p.map((x, a) => x + viewPlaneNormal[a] * d) as Types.Point3;
  }

  /** Scrolls a view by `delta` slices; the point follows (so the other views' crosshairs move). */
  scroll(view: ViewName, delta: number): void {
    if (!this.imageId) return;
    utilities.scroll(this.viewport(view) as unknown as Parameters<typeof utilities.scroll>[0], { delta, volumeId: this.imageId });
    this.syncPointTo(view);
    this.render();
  }

  /** A view's slice index and count. */
  sliceInfo(view: ViewName): SliceInfo {
    if (!this.imageId) return { index: 0, count: 1 };
    const data = utilities.getImageSliceDataForVolumeViewport(this.viewport(view));
    return data ? { index: data.imageIndex, count: data.numberOfSlices } : { index: 0, count: 1 };
  }

  /** Moves a view to a slice index. */
  setSlice(view: ViewName, index: number): void {
    const { index: now } = this.sliceInfo(view);
    if (index !== now) this.scroll(view, index - now);
  }

  /** Multiplies a view's zoom. */
  zoom(view: ViewName, factor: number): void {
    const vp = this.viewport(view);
    vp.setZoom(vp.getZoom() * factor);
    vp.render();
  }

  /** Pans a view by a canvas displacement (CSS pixels). */
  pan(view: ViewName, dx: number, dy: number): void {
    const vp = this.viewport(view);
    const [px, py] = vp.getPan();
    const zoom = vp.getZoom();
    vp.setPan([px + dx / zoom, py + dy / zoom] as Types.Point2);
    vp.render();
  }

  /** Resets zoom and pan of every view (the point and the slices stay). */
  resetCameras(): void {
    const point = this.point;
    for (const v of VIEW_NAMES) this.viewport(v).resetCamera({ resetPan: true, resetZoom: true, resetToCenter: true });
    this.setPoint(point);
  }

  /** Canvas (CSS pixels) → world LPS in a view. */
  canvasToWorld(view: ViewName, xy: [number, number]): Types.Point3 {
    return this.viewport(view).canvasToWorld(xy as Types.Point2);
  }

  /** World LPS → canvas (CSS pixels) in a view. */
  worldToCanvas(view: ViewName, p: Types.Point3): [number, number] {
    return this.viewport(view).worldToCanvas(p) as [number, number];
  }

  /** Resizes the viewports after their elements changed size. */
  resize(): void {
    this.engine.resize(true, true);
    this.render();
  }

  /** Frees the engine and the volumes. */
  destroy(): void {
    this.generation++;
    this.labelmap?.destroy();
    this.labelmap = null;
    this.tools.destroy();
    this.engine.destroy();
    for (const id of [this.imageId, ...this.overlayIds.values()]) if (id) removeCornerstoneVolume(id);
    this.imageId = null;
    this.overlayIds.clear();
  }
}
