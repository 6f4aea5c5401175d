/**
 * The index of the central plane of an axis of `size` voxels: `floor(size / 2)`. For an odd size
 * it is the middle plane, `(size − 1) / 2`. For an even size n the centre lies between planes
 * n/2 − 1 and n/2; we take n/2, the plane where nnU-Net's gaussian blending weights peak
 * (`gaussian-nnunet` is centred at floor(P/2), shared/blending), so the slice shown is the one
 * the blending trusts most. Every "centre" of the explorer and the report uses this one index:
 * the explorer's first heatmap slice, the report's three slices ("plane k"), the central lines.
 * @throws RangeError when size is not a positive integer
 */
export function centreIndex(size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`centreIndex: size must be a positive integer, got ${size}`);
  return Math.floor(size / 2);
}
