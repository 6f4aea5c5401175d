import { windowsAtVoxel, type WindowGeometry } from '../engine/inference/windowsAtVoxel';
import { rowMajorStrides } from '../util/validate';
import type { FindingPatch, FindingShape } from './types';

/**
 * The voxel a finding is looked up at in the patch grid: a point's voxel; a polygon's area
 * centroid (its vertex mean when the area is 0) rounded onto its slice and clamped into the
 * image; for a voxel set, the voxel of the set nearest the set's centroid (ties: the lowest index),
 * so the anchor always lies in the region.
 * @param imageShape the image's shape (array-axis order)
 */
export function anchorVoxel(shape: FindingShape, imageShape: readonly number[]): number[] {
  if (shape.kind === 'point') return [...shape.voxel];
  if (shape.kind === 'polygon') {
    const [cu, cv] = polygonCentroid(shape.points);
    const others = [0, 1, 2].filter((a) => a !== shape.axis);
    const out = [0, 0, 0];
    out[shape.axis] = shape.slice;
    [cu, cv].forEach((c, k) => (out[others[k]] = Math.min(imageShape[others[k]] - 1, Math.max(0, Math.round(c)))));
    return out;
  }
  const strides = rowMajorStrides(imageShape);
  const coords = (flat: number) => strides.map((s, a) => Math.floor(flat / s) % imageShape[a]);
  const centroid = new Array<number>(imageShape.length).fill(0);
  for (const v of shape.voxels) coords(v).forEach((c, a) => (centroid[a] += c / shape.voxels.length));
  let best = shape.voxels[0];
  let bestD = Infinity;
  for (const v of shape.voxels) {
    const d = coords(v).reduce((s, c, a) => s + (c - centroid[a]) ** 2, 0);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return coords(best);
}

/** Area centroid of a simple polygon (shoelace); the vertex mean when its area is 0. */
function polygonCentroid(points: readonly number[][]): [number, number] {
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    const cross = x0 * y1 - x1 * y0;
    a2 += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(a2) < 1e-12) {
    const n = points.length;
    return [points.reduce((s, p) => s + p[0], 0) / n, points.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a2), cy / (3 * a2)];
}

/** How a finding's image relates to the run's grid (see {@link findingPatch}). */
export interface FindingPatchOptions {
  /** The image shape the finding lives on (default: the plan's shape). */
  imageShape?: readonly number[];
  /**
   * Maps an image voxel onto the plan's grid (e.g. minus the crop box's start), or null where
   * the run did not look; default: the identity (the plan's grid is the image).
   */
  toPlan?: (voxel: readonly number[]) => number[] | null;
  /** Run id recorded beside the windows. */
  run?: string;
}

/**
 * The windows of a run's patch grid over a finding (at its {@link anchorVoxel}), each with the
 * anchor's position in the patch and its distance to the nearest patch face.
 * @param plan the run's window plan
 * @returns null when the anchor maps outside the plan's image (a finding where the run did not look)
 * @throws `findingPatch: …` when the image shape is missing and differs from the plan's
 */
export function findingPatch(plan: WindowGeometry, shape: FindingShape, options: FindingPatchOptions = {}): FindingPatch | null {
  const imageShape = options.imageShape ?? plan.shape;
  if (!options.toPlan && imageShape.some((s, a) => s !== plan.shape[a])) {
    throw new RangeError(`findingPatch: the image shape [${imageShape.join(', ')}] differs from the run's grid [${plan.shape.join(', ')}]; pass toPlan to map voxels onto it`);
  }
  const anchor = anchorVoxel(shape, imageShape);
  const onPlan = options.toPlan ? options.toPlan(anchor) : anchor;
  if (!onPlan || onPlan.length !== plan.shape.length || onPlan.some((v, a) => !Number.isInteger(v) || v < 0 || v >= plan.shape[a])) return null;
  const patch: FindingPatch = {
    anchor,
    windows: windowsAtVoxel(plan, onPlan).map((w) => ({
      index: w.index,
      start: w.start,
      positionInPatch: w.positionInPatch,
      borderDistance: Math.min(...w.positionInPatch.map((p, a) => Math.min(p, plan.patchSize[a] - 1 - p))),
    })),
  };
  if (options.run !== undefined) patch.run = options.run;
  return patch;
}

/**
 * One sentence that explains a finding in patch terms, naming the covering window in which the
 * anchor lies nearest the patch border (the prediction the border effect hurts most; ties: plan
 * order): "window 12 at [24, 0, 48], patch position [3, 10, 22], 3 voxels from the patch border;
 * 4 windows cover it".
 */
export function describeFindingPatch(patch: FindingPatch): string {
  if (patch.windows.length === 0) return `no window covers voxel [${patch.anchor.join(', ')}]`;
  const w = patch.windows.reduce((a, b) => (b.borderDistance < a.borderDistance ? b : a));
  const distance = w.borderDistance === 0 ? 'on the patch border' : `${w.borderDistance} voxel${w.borderDistance === 1 ? '' : 's'} from the patch border`;
  const n = patch.windows.length;
  return `window ${w.index} at [${w.start.join(', ')}], patch position [${w.positionInPatch.join(', ')}], ${distance}; ${n} window${n === 1 ? ' covers' : 's cover'} it`;
}
