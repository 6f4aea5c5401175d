import { describe, expect, it } from 'vitest';
import { acceptStroke, BRUSH_RADII_MM, defaultToolSettings, fillStroke, paintLabel, scissorsRegion, scissorsStroke, stepRadius, type StrokeContext, type ToolSettings } from '../../../src-renderer/annotation/strokes';
import type { Axis } from '../../../shared/annotation/labelGrid';

// A 5×5×5 grid with anisotropic voxels: 2 mm along axis 1, 1 mm along axes 0 and 2.
// Flat index of [a0, a1, a2] = (a0·5 + a1)·5 + a2.
const grid = { shape: [5, 5, 5], spacing: [1, 2, 1] };
const at = (a0: number, a1: number, a2: number) => (a0 * 5 + a1) * 5 + a2;
const N = 125;

/** The image's intensity is its flat index (so a threshold picks index ranges). */
const rampImage = Float32Array.from({ length: N }, (_, i) => i);

function ctx(settings: Partial<ToolSettings> = {}, over: Partial<StrokeContext> = {}, axis: Axis = 0): StrokeContext {
  return { grid, image: rampImage, labels: new Uint8Array(N), prediction: null, settings: { ...defaultToolSettings(), ...settings }, axis, ...over };
}

describe('paintLabel (the step name of a cornerstone tool\'s stroke)', () => {
  const settings = (over: Partial<ToolSettings>) => ({ ...defaultToolSettings(), ...over });

  it('names the brush shape, radius and active label', () => {
    expect(paintLabel(settings({ tool: 'brush', radiusMm: 2, activeLabel: 3 }))).toBe('Brush circle 2 mm, label 3');
    expect(paintLabel(settings({ tool: 'brush', radiusMm: 2, sphere: true }))).toBe('Brush sphere 2 mm, label 1');
    expect(paintLabel(settings({ tool: 'brush', radiusMm: 1.25 }), () => 'Tumour')).toBe('Brush circle 1.25 mm, Tumour');
  });

  it('names the eraser by its shape only, the threshold brush with its window', () => {
    expect(paintLabel(settings({ tool: 'eraser', radiusMm: 2 }))).toBe('Eraser circle 2 mm');
    expect(paintLabel(settings({ tool: 'threshold', radiusMm: 2, threshold: [60, 63], activeLabel: 2 }), (v) => (v === 2 ? 'Liver' : `?${v}`))).toBe('Threshold brush circle 2 mm [60, 63], Liver');
  });

  it('names the scissors shape and whether they erase', () => {
    expect(paintLabel(settings({ tool: 'scissors', scissorsShape: 'circle', activeLabel: 4 }))).toBe('Scissors circle, label 4');
    expect(paintLabel(settings({ tool: 'scissors', scissorsShape: 'rectangle', scissorsErase: true }))).toBe('Scissors rectangle, erase');
  });
});

describe('fillStroke', () => {
  // Intensity 100 in the columns a1 ∈ {1, 2}, a2 ∈ {1, 2} through every a0; 0 elsewhere.
  const image = new Float32Array(N);
  for (let a0 = 0; a0 < 5; a0++) for (const a1 of [1, 2]) for (const a2 of [1, 2]) image[at(a0, a1, a2)] = 100;

  it('grows on the view slice (4-connected) from the seed within the tolerance', () => {
    const s = fillStroke(ctx({ tool: 'fill', tolerance: 10, activeLabel: 4 }, { image }), [2, 1, 1]);
    expect([...s.indices]).toEqual([at(2, 1, 1), at(2, 1, 2), at(2, 2, 1), at(2, 2, 2)]);
    expect(s.values).toBe(4);
    expect(s.label).toBe('Flood fill 2-D ±10, label 4');
  });

  it('grows in 3-D with volume3d (the whole 5 × 2 × 2 column)', () => {
    const s = fillStroke(ctx({ tool: 'fill', tolerance: 10, volume3d: true }, { image }), [2, 1, 1]);
    expect(s.indices.length).toBe(20);
    expect(s.indices[0]).toBe(at(0, 1, 1));
    expect(s.indices[19]).toBe(at(4, 2, 2));
    expect(s.label).toBe('Flood fill 3-D ±10, label 1');
  });

  it('grows on the slice of another view axis', () => {
    // Axis 1, slice a1 = 1: the voxels a2 ∈ {1, 2} for every a0.
    const s = fillStroke(ctx({ tool: 'fill', tolerance: 10 }, { image }, 1), [2, 1, 1]);
    expect([...s.indices]).toEqual([0, 1, 2, 3, 4].flatMap((a0) => [at(a0, 1, 1), at(a0, 1, 2)]));
  });

  it('takes the background around the region when the tolerance reaches 100', () => {
    expect(fillStroke(ctx({ tool: 'fill', tolerance: 100 }, { image }), [2, 1, 1]).indices.length).toBe(25);
  });
});

describe('scissorsRegion', () => {
  const slice = { axis: 0 as const, index: 2 };

  it('is empty without points', () => {
    for (const shape of ['rectangle', 'circle', 'polygon'] as const) expect(scissorsRegion({ grid }, shape, slice, []).length).toBe(0);
  });

  it('rectangle: the centres between the first and the last point (the points between do not count)', () => {
    // u = a1 ∈ [0.6, 1.4] → 1; v = a2 ∈ [1.2, 3] → 2, 3.
    expect([...scissorsRegion({ grid }, 'rectangle', slice, [[0.6, 1.2], [1.4, 3]])]).toEqual([at(2, 1, 2), at(2, 1, 3)]);
    expect([...scissorsRegion({ grid }, 'rectangle', slice, [[1.4, 3], [4, 4], [0.6, 1.2]])]).toEqual([at(2, 1, 2), at(2, 1, 3)]);
  });

  it('circle: centre at the first point, radius in mm to the last point with each in-plane spacing', () => {
    const disc = [at(2, 1, 2), at(2, 2, 0), at(2, 2, 1), at(2, 2, 2), at(2, 2, 3), at(2, 2, 4), at(2, 3, 2)];
    // One voxel along u = a1 is 2 mm; two voxels along v = a2 are 2 mm: the same 2 mm circle.
    expect([...scissorsRegion({ grid }, 'circle', slice, [[2, 2], [3, 2]])]).toEqual(disc);
    expect([...scissorsRegion({ grid }, 'circle', slice, [[2, 2], [2, 4]])]).toEqual(disc);
  });

  it('polygon: every point, with at least three of them', () => {
    // A square on slice a2 = 0 (u = a0, v = a1); half-open scan lines leave out its last row u = 3.
    const square = [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
    ] as const;
    expect([...scissorsRegion({ grid }, 'polygon', { axis: 2, index: 0 }, square)]).toEqual([at(1, 1, 0), at(1, 2, 0), at(1, 3, 0), at(2, 1, 0), at(2, 2, 0), at(2, 3, 0)]);
    expect(scissorsRegion({ grid }, 'polygon', slice, [[0, 0], [4, 4]]).length).toBe(0);
  });
});

describe('scissorsStroke', () => {
  const slice = { axis: 0 as const, index: 2 };

  it('fills the shape with the active label', () => {
    const s = scissorsStroke(ctx({ tool: 'scissors', scissorsShape: 'rectangle', activeLabel: 5 }), slice, [[1, 1], [2, 2]]);
    expect([...s.indices]).toEqual([at(2, 1, 1), at(2, 1, 2), at(2, 2, 1), at(2, 2, 2)]);
    expect(s.values).toBe(5);
    expect(s.label).toBe('Scissors rectangle, label 5');
  });

  it('erases the shape with scissorsErase', () => {
    const s = scissorsStroke(ctx({ tool: 'scissors', scissorsShape: 'circle', scissorsErase: true }), slice, [[2, 2], [3, 2]]);
    expect(s.indices.length).toBe(7);
    expect(s.values).toBe(0);
    expect(s.label).toBe('Scissors circle, erase');
  });
});

describe('acceptStroke', () => {
  // Label 2 at [2,1,2], [2,2,2], [2,2,3] (one component on slice a0 = 2) and at [3,2,2] (joined in
  // 3-D only); label 1 at [2,0,0].
  const prediction = new Uint8Array(N);
  for (const i of [at(2, 1, 2), at(2, 2, 2), at(2, 2, 3), at(3, 2, 2)]) prediction[i] = 2;
  prediction[at(2, 0, 0)] = 1;

  it('takes the predicted component under the seed on the view slice, with its label', () => {
    const s = acceptStroke(ctx({ tool: 'accept' }, { prediction }), [2, 2, 2]);
    expect([...s.indices]).toEqual([at(2, 1, 2), at(2, 2, 2), at(2, 2, 3)]);
    expect(s.values).toBe(2);
    expect(s.label).toBe('Accept predicted component, label 2 (3 voxels)');
  });

  it('takes the component in 3-D with volume3d', () => {
    const s = acceptStroke(ctx({ tool: 'accept', volume3d: true }, { prediction, labelName: (v) => `L${v}` }), [2, 2, 2]);
    expect([...s.indices]).toEqual([at(2, 1, 2), at(2, 2, 2), at(2, 2, 3), at(3, 2, 2)]);
    expect(s.label).toBe('Accept predicted component, L2 (4 voxels)');
  });

  it('takes nothing where the prediction is background', () => {
    const s = acceptStroke(ctx({ tool: 'accept' }, { prediction }), [0, 0, 0]);
    expect(s.indices.length).toBe(0);
    expect(s.label).toBe('Accept predicted component, label 0 (0 voxels)');
  });

  it('takes the predicted foreground in a rectangle with each voxel its own label', () => {
    const s = acceptStroke(ctx({ tool: 'accept' }, { prediction }), [2, 0, 0], { slice: { axis: 0, index: 2 }, points: [[0, 0], [2, 2]] });
    // [2,2,3] is outside (v = 3 > 2); the background in the rectangle is not written.
    expect([...s.indices]).toEqual([at(2, 0, 0), at(2, 1, 2), at(2, 2, 2)]);
    expect([...(s.values as Uint8Array)]).toEqual([1, 2, 2]);
    expect(s.label).toBe('Accept prediction in a rectangle');
  });

  it('says to run the model when there is no prediction', () => {
    expect(() => acceptStroke(ctx({ tool: 'accept' }), [2, 2, 2])).toThrow('Accept prediction: this image has no run with predicted labels; run the model first');
  });
});

describe('stepRadius', () => {
  it('steps to the next listed radius up or down', () => {
    expect(stepRadius(3, 1)).toBe(4);
    expect(stepRadius(3, -1)).toBe(2);
    expect(stepRadius(10, 1)).toBe(12);
    expect(stepRadius(0.5, 1)).toBe(1);
  });

  it('goes from a radius between the list entries to the neighbour on that side', () => {
    expect(stepRadius(2.2, 1)).toBe(3);
    expect(stepRadius(2.2, -1)).toBe(2);
    expect(stepRadius(0.1, 1)).toBe(0.5);
    expect(stepRadius(100, -1)).toBe(30);
  });

  it('stays at the ends of the list', () => {
    expect(BRUSH_RADII_MM[0]).toBe(0.5);
    expect(BRUSH_RADII_MM.at(-1)).toBe(30);
    expect(stepRadius(0.5, -1)).toBe(0.5);
    expect(stepRadius(30, 1)).toBe(30);
    expect(stepRadius(0.1, -1)).toBe(0.5);
    expect(stepRadius(100, 1)).toBe(30);
  });
});
