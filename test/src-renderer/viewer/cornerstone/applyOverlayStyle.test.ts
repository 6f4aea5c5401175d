import { describe, expect, it } from 'vitest';
import { labelOpacityPoints } from '../../../../src-renderer/viewer/cornerstone/applyOverlayStyle';
import { opacityPoints } from '../../../../src-renderer/viewer/model/overlays';

const overlay = { opacity: 0.6, threshold: 0.5 as number | null, visible: true, range: [0, 3] as [number, number] };
/** Points with the positions rounded to 0.01 (they are v ± 0.49). */
const rounded = (points: [number, number][]) => points.map(([x, y]) => [Math.round(x * 100) / 100, y]);

describe('labelOpacityPoints', () => {
  it('is opacityPoints without hidden labels', () => {
    expect(labelOpacityPoints(overlay, [])).toEqual(opacityPoints(overlay, [0, 3]));
  });

  it('draws a step per label: hidden ones transparent, the others at the opacity, background transparent', () => {
    expect(rounded(labelOpacityPoints(overlay, [2]))).toEqual([
      [-0.5, 0],
      [0.49, 0],
      [0.51, 0.6],
      [1.49, 0.6],
      [1.51, 0],
      [2.49, 0],
      [2.51, 0.6],
      [3.49, 0.6],
    ]);
  });

  it('leaves the labels below the threshold transparent', () => {
    const points = rounded(labelOpacityPoints({ ...overlay, threshold: 2 }, [3]));
    expect(points.slice(2)).toEqual([
      [0.51, 0],
      [1.49, 0],
      [1.51, 0.6],
      [2.49, 0.6],
      [2.51, 0],
      [3.49, 0],
    ]);
  });

  it('is transparent throughout when the overlay is hidden, and clamps the opacity to 1', () => {
    expect(labelOpacityPoints({ ...overlay, visible: false }, [1]).every(([, a]) => a === 0)).toBe(true);
    expect(rounded(labelOpacityPoints({ ...overlay, opacity: 1.5, threshold: null, range: [0, 0] }, [5]))).toEqual([
      [-0.5, 0],
      [0.49, 0],
      [0.51, 1],
      [1.49, 1],
    ]);
  });
});
