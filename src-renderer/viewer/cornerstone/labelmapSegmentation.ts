import { cache } from '@cornerstonejs/core';
import { Enums as ToolsEnums, init as initTools, segmentation } from '@cornerstonejs/tools';
import type { OverlayState } from '../model/overlays';
import { labelColor } from '../model/colormaps';

const LABELMAP = ToolsEnums.SegmentationRepresentations.Labelmap;

/**
 * Initialises @cornerstonejs/tools once per page (later calls do nothing). It must run before a
 * rendering engine enables its viewports: the tools learn of elements from that event.
 */
export function initCornerstoneTools(): void {
  initTools();
}

/** How the label map is drawn: label colours (index = value), hidden labels, the overlay row's opacity and visibility. */
export interface LabelmapLook {
  colours: readonly (readonly number[])[] | null;
  /** The model's class colours, for values the table has no colour for. */
  classColors: readonly (readonly number[])[] | null;
  hidden: readonly number[];
  /** The highest value to colour. */
  maxValue: number;
  overlay: Pick<OverlayState, 'opacity' | 'visible'>;
}

/**
 * A label volume (already in cornerstone's cache) shown as a @cornerstonejs/tools labelmap
 * segmentation on the MPR viewports: cornerstone's labelmap rendering (fill and outline, per-label
 * colour and visibility), and the volume that cornerstone's segmentation tools paint into.
 * The volume's voxels are PatchLens's working map; {@link modified} redraws changed frames.
 */
export class LabelmapSegmentation {
  constructor(
    readonly segmentationId: string,
    readonly volumeId: string,
    referencedVolumeId: string,
    private readonly viewportIds: readonly string[],
  ) {
    // The tools find the image (the threshold brush's intensities) through the volume's own field.
    const volume = cache.getVolume(volumeId);
    if (!volume) throw new Error(`LabelmapSegmentation: no volume "${volumeId}" in cornerstone's cache`);
    volume.referencedVolumeId = referencedVolumeId;
    segmentation.addSegmentations([{ segmentationId, representation: { type: LABELMAP, data: { volumeId, referencedVolumeId } } }]);
    for (const id of viewportIds) segmentation.addLabelmapRepresentationToViewport(id, [{ segmentationId }]);
  }

  /** Applies colours, hidden labels, opacity and visibility in every view. */
  style(look: LabelmapLook): void {
    this.ensureSegments(Math.max(1, look.maxValue));
    const alpha = Math.min(1, Math.max(0, look.overlay.opacity));
    segmentation.config.style.setStyle({ segmentationId: this.segmentationId, type: LABELMAP }, { renderFill: true, fillAlpha: alpha, renderOutline: true, outlineOpacity: Math.min(1, alpha + 0.3), outlineWidth: 1 });
    const spec = { segmentationId: this.segmentationId, type: LABELMAP };
    const shown = look.overlay.visible && alpha > 0;
    for (const viewportId of this.viewportIds) {
      // The representation's visibility sets every segment's; the per-label visibility comes after it.
      segmentation.config.visibility.setSegmentationRepresentationVisibility(viewportId, spec, shown);
      for (let v = 1; v <= Math.max(1, look.maxValue); v++) {
        const c = look.colours?.[v] ?? labelColor(v, look.classColors);
        segmentation.config.color.setSegmentIndexColor(viewportId, this.segmentationId, v, [c[0], c[1], c[2], 255]);
        if (shown) segmentation.config.visibility.setSegmentIndexVisibility(viewportId, spec, v, !look.hidden.includes(v));
      }
    }
  }

  /**
   * cornerstone keeps a label's visibility in the segment entries of the segmentation and of each
   * view's representation, which exist only for segments it was told of (or painted with); a
   * label added in the list or read from the file gets its entries here.
   */
  private ensureSegments(maxValue: number): void {
    const seg = segmentation.state.getSegmentation(this.segmentationId);
    if (!seg) return;
    for (let v = 1; v <= maxValue; v++) seg.segments[v] ??= { segmentIndex: v, label: `label ${v}`, locked: false, cachedStats: {}, active: false };
    for (const viewportId of this.viewportIds) {
      for (const rep of segmentation.state.getSegmentationRepresentations(viewportId, { segmentationId: this.segmentationId })) {
        for (let v = 1; v <= maxValue; v++) rep.segments[v] ??= { visible: true };
      }
    }
  }

  /** Redraws after the volume's voxels changed in place (`frames`: cornerstone's slice indices, array axis 0; omitted: all). */
  modified(frames?: number[]): void {
    segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(this.segmentationId, frames);
  }

  /** The label tools paint with (cornerstone's active segment). */
  setActiveLabel(value: number): void {
    segmentation.segmentIndex.setActiveSegmentIndex(this.segmentationId, value);
  }

  /** Locks labels against cornerstone's tools (PatchLens's store checks them too). */
  setLocked(values: readonly number[], maxValue: number): void {
    for (let v = 1; v <= maxValue; v++) segmentation.segmentLocking.setSegmentIndexLocked(this.segmentationId, v, values.includes(v));
  }

  /** Removes the segmentation and its representations (the volume stays). */
  destroy(): void {
    segmentation.removeSegmentation(this.segmentationId);
  }
}
