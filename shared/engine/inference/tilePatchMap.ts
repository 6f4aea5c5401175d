import type { NumericArray } from '../../stitching/types';
import type { WindowGeometry } from './windowsAtVoxel';

/**
 * A patch-shaped map placed at every window of a plan: each voxel of the plan's image gets the
 * mean, over the windows covering it, of the map's value at the voxel's position inside each
 * window (0 where no window covers it). Shows on the image where the patch's good and bad
 * positions fall for this plan.
 * @param plan the plan (windows in its padded frame)
 * @param map row-major in `plan.patchSize`
 * @returns row-major in `plan.shape` (padding cropped away)
 */
export function tilePatchMap(plan: WindowGeometry, map: NumericArray | readonly number[]): Float32Array {
  const pv = plan.patchSize.reduce((a, b) => a * b, 1);
  if (map.length !== pv) throw new RangeError(`tilePatchMap: map has ${map.length} values but the patch [${plan.patchSize}] has ${pv}`);
  const sum = new Float64Array(plan.shape.reduce((a, b) => a * b, 1));
  const count = new Uint32Array(sum.length);
  forEachWindowVoxel(plan, (target, patchIndex) => {
    sum[target] += map[patchIndex];
    count[target]++;
  });
  const out = new Float32Array(sum.length);
  for (let i = 0; i < out.length; i++) out[i] = count[i] > 0 ? sum[i] / count[i] : 0;
  return out;
}

/**
 * Calls `visit(voxel, patchIndex, onFace)` for every voxel of every window that lies on the plan's
 * image (padding skipped): `voxel` row-major in `plan.shape`, `patchIndex` row-major in the patch,
 * `onFace` whether the position is on the patch's outer layer.
 */
export function forEachWindowVoxel(plan: WindowGeometry, visit: (voxel: number, patchIndex: number, onFace: boolean) => void): void {
  const nd = plan.shape.length;
  const strides = plan.shape.map((_, a) => plan.shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const patch = plan.patchSize;
  const pv = patch.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd);
  for (const w of plan.windows) {
    idx.fill(0);
    for (let i = 0; i < pv; i++) {
      let t = 0;
      let face = false;
      for (let a = 0; a < nd; a++) {
        const c = w.start[a] + idx[a] - plan.padLow[a];
        if (c < 0 || c >= plan.shape[a]) {
          t = -1;
          break;
        }
        t += c * strides[a];
        if (idx[a] === 0 || idx[a] === patch[a] - 1) face = true;
      }
      if (t >= 0) visit(t, i, face);
      for (let a = nd - 1; a >= 0; a--) {
        if (++idx[a] < patch[a]) break;
        idx[a] = 0;
      }
    }
  }
}
