import { describe, expect, it } from 'vitest';
import { toModelGrid } from '../../../../shared/engine/inference/modelGrid';
import type { ModelSpec } from '../../../../shared/engine/modelSpec';
import type { Volume } from '../../../../shared/io/volume';

const spec = (extra: Partial<ModelSpec>): ModelSpec => ({
  name: 't',
  normalization: { kind: 'none' },
  channels: 1,
  outputActivation: 'softmax',
  classes: [],
  translationEquivariant: true,
  source: 'sidecar',
  assumptions: [],
  ...extra,
});

/** A 20×30×40 image at 1×1.5×2 mm with a bright box, and a label of that box. */
function image(): { img: Volume; lab: Volume } {
  const shape = [20, 30, 40];
  const data = new Float32Array(20 * 30 * 40);
  const lab = new Uint8Array(data.length);
  for (let k = 5; k < 15; k++) for (let j = 10; j < 20; j++) for (let i = 10; i < 30; i++) {
          data[(k * 30 + j) * 40 + i] = 100;
          lab[(k * 30 + j) * 40 + i] = 1;
        }
  const affine = [[0, 0, -2, 40], [0, 1.5, 0, -20], [1, 0, 0, -10], [0, 0, 0, 1]];
  return { img: { data, shape, spacing: [1, 1.5, 2], affine }, lab: { data: lab, shape, spacing: [1, 1.5, 2], affine } };
}

describe('toModelGrid', () => {
  it('resamples to the model voxel size, keeps the field of view, and maps labels back', () => {
    const { img, lab } = image();
    const g = toModelGrid(img, lab, spec({ voxelSize: [1, 1, 1] }));
    expect(g.image.shape).toEqual([20, 45, 80]);
    expect(g.image.spacing).toEqual([1, 1, 1]);
    expect(g.steps.at(-1)).toMatch(/resampled to 1×1×1 mm \(20×45×80 voxels\)/);
    // the world centre of the field of view is unchanged
    const centre = (v: Volume) => [0, 1, 2].map((r) => v.affine[r].slice(0, 3).reduce((s, m, a) => s + m * ((v.shape[a] - 1) / 2), v.affine[r][3]));
    centre(g.image).forEach((c, r) => expect(c).toBeCloseTo(centre(img)[r], 6));
    // labels come back onto the source grid (nearest): the box survives the round trip
    const back = g.toSource(g.label!, 'nearest');
    expect(back.shape).toEqual(img.shape);
    let same = 0;
    for (let v = 0; v < lab.data.length; v++) same += back.data[v] === lab.data[v] ? 1 : 0;
    expect(same / lab.data.length).toBeGreaterThan(0.99);
    // probabilities with a channel axis come back too
    const probs = { ...g.image, data: new Float32Array(g.image.data.length * 2).fill(0.5), shape: [...g.image.shape, 2] };
    expect(g.toSource(probs, 'linear').shape).toEqual([20, 30, 40, 2]);
  });

  it('reorients exactly and needs no resampling when the voxel size already fits', () => {
    const { img } = image();
    const g = toModelGrid(img, null, spec({ orientation: 'RAS', voxelSize: [2, 1.5, 1] }));
    expect(g.steps).toEqual(['reoriented to RAS']);
    expect(g.toSource(g.image, 'nearest').data).toEqual(img.data);
  });

  it('rejects labels that are not on the image grid', () => {
    const { img, lab } = image();
    expect(() => toModelGrid(img, { ...lab, shape: [20, 30, 41], data: new Uint8Array(20 * 30 * 41) }, spec({}))).toThrow(/same grid/);
    expect(() => toModelGrid(img, { ...lab, affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }, spec({}))).toThrow(/different affines/);
  });
});
