import type { PlaneImage } from '../../shared/charts/heatmapChart';

/**
 * A {@link PlaneImage} that draws on a canvas of `doc` (one pixel per position) and returns it as
 * a PNG data URI; null where the document has no 2-D canvas (jsdom without the canvas package).
 */
export function canvasImage(doc: Document): PlaneImage {
  return (plane, colour) => {
    const canvas = doc.createElement('canvas');
    canvas.width = plane.cols;
    canvas.height = plane.rows;
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = canvas.getContext('2d');
    } catch {
      ctx = null;
    }
    if (!ctx) return null;
    const img = ctx.createImageData(plane.cols, plane.rows);
    for (let i = 0; i < plane.values.length; i++) img.data.set([...colour(plane.values[i]), 255], i * 4);
    ctx.putImageData(img, 0, 0);
    return canvas.toDataURL();
  };
}
