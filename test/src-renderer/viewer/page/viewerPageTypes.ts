/** What the viewer test asks the page for and what the page answers (plain, serialisable data). */

/** Arguments of `window.mountViewer`. */
export interface MountViewerArgs {
  /** URL of the NIfTI image on the test server. */
  imageUrl: string;
  /** Box of the synthetic tiledPerformance layer's high values, `[k0, j0, i0]` to `[k1, j1, i1]` (exclusive). */
  highBox: { start: number[]; end: number[] };
  /** The run shown (default 'r1'; null: the image alone). */
  runId?: string | null;
}

/** What `window.mountViewer` answers. */
export interface MountViewerResult {
  shape: number[];
}

/** A rectangle in a view's canvas (CSS pixels). */
export interface CanvasRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Pixel statistics of a view's canvas inside and outside a rectangle. */
export interface PixelStats {
  width: number;
  height: number;
  /** Mean of (R + G + B) / 3 over the whole canvas. */
  meanGray: number;
  /** Fraction of "hot" pixels (R − B > 60 and R > 120) inside / outside the rectangle. */
  hotInside: number;
  hotOutside: number;
  /** Fraction of green-dominant pixels (G > R + 30 and G > B) inside / outside. */
  greenInside: number;
  greenOutside: number;
}

declare global {
  interface Window {
    mountViewer?: (args: MountViewerArgs) => Promise<MountViewerResult>;
    /** Bounding rectangle (canvas pixels) of the high box's cross-section in a view at the crosshair point. */
    highBoxRect?: (view: 'axial' | 'sagittal' | 'coronal') => CanvasRect;
    pixelStats?: (view: 'axial' | 'sagittal' | 'coronal', rect: CanvasRect, margin: number) => PixelStats;
  }
}
