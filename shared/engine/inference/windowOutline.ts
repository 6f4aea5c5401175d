import { forEachWindowVoxel } from './tilePatchMap';
import type { WindowGeometry } from './windowsAtVoxel';

/**
 * The outlines of a plan's windows: 1 on the faces (the outer voxel layer) of every window, 0
 * elsewhere, row-major in `plan.shape` (faces that lie in the padding are not drawn).
 */
export function windowOutline(plan: WindowGeometry): Uint8Array {
  const out = new Uint8Array(plan.shape.reduce((a, b) => a * b, 1));
  forEachWindowVoxel(plan, (voxel, _i, onFace) => {
    if (onFace) out[voxel] = 1;
  });
  return out;
}
