import type { WindowPlan } from '../../stitching/planWindows';

/** The parts of a {@link WindowPlan} that say where its windows lie. */
export type WindowGeometry = Pick<WindowPlan, 'shape' | 'patchSize' | 'paddedShape' | 'padLow' | 'windows'>;

/** A window of a plan that covers a voxel. */
export interface WindowAtVoxel {
  /** Window index in plan order. */
  index: number;
  /** Window start in the plan's padded frame. */
  start: number[];
  /** Position of the voxel inside the patch. */
  positionInPatch: number[];
}

/**
 * Every window of a sliding-window plan whose box contains a voxel, in plan order.
 * @param plan the plan (windows in its padded frame)
 * @param voxel integer position on the plan's image (`plan.shape`, padding not included)
 * @throws `windowsAtVoxel: …` naming the voxel and the shape when it lies outside the image
 */
export function windowsAtVoxel(plan: WindowGeometry, voxel: readonly number[]): WindowAtVoxel[] {
  const nd = plan.shape.length;
  const inside = voxel.length === nd && voxel.every((v, a) => Number.isInteger(v) && v >= 0 && v < plan.shape[a]);
  if (!inside) throw new RangeError(`windowsAtVoxel: voxel [${voxel}] is not an integer position inside the shape [${plan.shape}]`);
  const frame = voxel.map((v, a) => v + plan.padLow[a]);
  const out: WindowAtVoxel[] = [];
  for (const w of plan.windows) {
    const pos = frame.map((f, a) => f - w.start[a]);
    if (pos.every((p, a) => p >= 0 && p < plan.patchSize[a])) out.push({ index: w.index, start: [...w.start], positionInPatch: pos });
  }
  return out;
}
