import type { WindowPlan } from '../../stitching/planWindows';

/** How many windows covered each voxel, and how much blending weight it got. */
export interface Coverage {
  /** Windows whose extent contains the voxel. */
  count: Float32Array;
  /** Summed blending weight (for `crop`: windows whose kept region contains the voxel). */
  weight: Float32Array;
  /** Spatial shape (the plan's image shape, padding removed). */
  shape: number[];
}

/**
 * The coverage of a sliding-window plan: window count and summed blending weight per voxel of
 * the image (padding cropped away).
 * @param weights the patch-shaped weight map, or per-window trims for TorchIO's crop
 */
export function computeCoverage(
  plan: WindowPlan,
  weights: Float32Array | ((start: readonly number[]) => { low: number[]; high: number[] }),
): Coverage {
  const nd = plan.shape.length;
  const frame = plan.paddedShape;
  const frameVoxels = frame.reduce((a, b) => a * b, 1);
  const count = new Float32Array(frameVoxels);
  const weight = new Float32Array(frameVoxels);
  const fs = frame.map((_, a) => frame.slice(a + 1).reduce((x, y) => x * y, 1));
  const patch = plan.patchSize;
  const pv = patch.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd);
  for (const w of plan.windows) {
    const trims = typeof weights === 'function' ? weights(w.start) : null;
    idx.fill(0);
    for (let i = 0; i < pv; i++) {
      let f = 0;
      let kept = true;
      for (let a = 0; a < nd; a++) {
        f += (w.start[a] + idx[a]) * fs[a];
        if (trims && (idx[a] < trims.low[a] || idx[a] >= patch[a] - trims.high[a])) kept = false;
      }
      count[f] += 1;
      weight[f] += trims ? (kept ? 1 : 0) : (weights as Float32Array)[i];
      for (let a = nd - 1; a >= 0; a--) {
        if (++idx[a] < patch[a]) break;
        idx[a] = 0;
      }
    }
  }
  return { count: cropFrame(count, plan), weight: cropFrame(weight, plan), shape: [...plan.shape] };
}

/** Crops the padding of a plan's padded frame away. */
export function cropFrame(frameData: Float32Array, plan: WindowPlan): Float32Array {
  if (plan.paddedShape.every((q, a) => q === plan.shape[a])) return frameData;
  const nd = plan.shape.length;
  const out = new Float32Array(plan.shape.reduce((a, b) => a * b, 1));
  const fs = plan.paddedShape.map((_, a) => plan.paddedShape.slice(a + 1).reduce((x, y) => x * y, 1));
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < out.length; i++) {
    let f = 0;
    for (let a = 0; a < nd; a++) f += (idx[a] + plan.padLow[a]) * fs[a];
    out[i] = frameData[f];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < plan.shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}
