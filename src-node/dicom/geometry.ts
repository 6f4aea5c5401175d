/**
 * The geometry of a stack of DICOM images: sorted along the slice normal, checked (one
 * orientation, no tilt, no gap, no duplicate, uniform steps, one pixel spacing) and turned into
 * a Volume's affine (array order `[k, j, i]`, RAS+, as the NIfTI reader gives).
 */

/** One image of the stack, with a name for errors (`file` or `file frame n`). */
export interface StackImage {
  where: string;
  position: number[] | null;
  orientation: number[] | null;
  pixelSpacing: number[] | null;
  instanceNumber: number | null;
}

/** The stack's geometry. */
export interface StackGeometry {
  /** Indices into the input, in slice order (ascending along the normal). */
  order: number[];
  /** `[slice step, row spacing, column spacing]` in mm (Volume order `[dk, dj, di]`). */
  spacing: number[];
  /** Volume affine: `[k, j, i, 1]` → RAS+ mm, row-major 4×4. */
  affine: number[][];
  /** The slice normal (row × column direction), LPS. */
  normal: number[];
  /** What was assumed (missing attributes of a single image). */
  warnings: string[];
}

/** How far direction cosines may be from unit length, orthogonality or each other. */
const ORIENTATION_TOLERANCE = 1e-3;
/** Relative tolerance on slice steps and pixel spacings. */
const SPACING_TOLERANCE = 1e-3;

/** The dot product of two 3-vectors. */
export const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
/** The cross product of two 3-vectors. */
export const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const fmt = (v: number[]) => `[${v.map((x) => +x.toFixed(4)).join(', ')}]`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function checkOrientation(img: StackImage): { row: number[]; col: number[] } {
  const o = img.orientation;
  if (!o || o.length !== 6) throw new RangeError(`${img.where}: ImageOrientationPatient is missing or does not have 6 values`);
  const row = o.slice(0, 3);
  const col = o.slice(3, 6);
  const [nr, nc] = [Math.hypot(...row), Math.hypot(...col)];
  if (Math.abs(nr - 1) > ORIENTATION_TOLERANCE || Math.abs(nc - 1) > ORIENTATION_TOLERANCE || Math.abs(dot(row, col)) > ORIENTATION_TOLERANCE) {
    throw new RangeError(
      `${img.where}: ImageOrientationPatient ${fmt(o)} is not two orthogonal unit vectors (lengths ${nr.toFixed(4)}, ${nc.toFixed(4)}, dot ${dot(row, col).toFixed(4)})`,
    );
  }
  return { row: row.map((v) => v / nr), col: col.map((v) => v / nc) };
}

/** The DICOM (LPS) affine columns → a Volume affine (RAS+: x and y negated). */
function toVolumeAffine(kcol: number[], jcol: number[], icol: number[], origin: number[]): number[][] {
  const ras = [-1, -1, 1];
  return [0, 1, 2].map((r) => [kcol[r] * ras[r], jcol[r] * ras[r], icol[r] * ras[r], origin[r] * ras[r]].map((v) => v + 0)).concat([[0, 0, 0, 1]]);
}

/**
 * Sorts and checks a stack of images and works out its affine. A single image may lack position
 * and orientation (identity and the origin are assumed, with a warning); its slice thickness is
 * `singleSliceSpacing` (SpacingBetweenSlices, else SliceThickness, else 1 mm).
 * @throws a RangeError naming the images and the numbers for: missing or inconsistent
 *   orientation, non-orthogonal direction cosines, a different pixel spacing, gantry tilt (slice
 *   positions not along the normal), duplicate positions, a gap over 1.5× the median step
 *   (missing slices) and steps that differ by more than 1e-3 (relative).
 */
export function stackGeometry(images: StackImage[], singleSliceSpacing: number | null): StackGeometry {
  const warnings: string[] = [];
  if (images.length === 0) throw new RangeError('no images');
  const first = images[0];
  let dirs: { row: number[]; col: number[] };
  if (images.length === 1 && !first.orientation) {
    warnings.push(`${first.where}: no ImageOrientationPatient; rows along x and columns along y (LPS) are assumed`);
    dirs = { row: [1, 0, 0], col: [0, 1, 0] };
  } else {
    dirs = checkOrientation(first);
  }
  for (const img of images.slice(1)) {
    const o = checkOrientation(img);
    const off = Math.max(...[...o.row, ...o.col].map((v, a) => Math.abs(v - [...dirs.row, ...dirs.col][a])));
    if (off > ORIENTATION_TOLERANCE) {
      throw new RangeError(
        `inconsistent ImageOrientationPatient: ${first.where} has ${fmt(first.orientation ?? [])}, ${img.where} has ${fmt(img.orientation ?? [])} ` +
          `(differ by up to ${off.toFixed(4)}); a series must be one stack of parallel slices`,
      );
    }
  }
  const ps = first.pixelSpacing ?? [1, 1];
  if (!first.pixelSpacing) warnings.push(`${first.where}: no PixelSpacing; 1 mm is assumed`);
  for (const img of images) {
    const p = img.pixelSpacing ?? [1, 1];
    if (p.length < 2 || !(p[0] > 0 && p[1] > 0)) throw new RangeError(`${img.where}: PixelSpacing ${fmt(p)} must be two positive numbers`);
    if (Math.abs(p[0] - ps[0]) > SPACING_TOLERANCE * ps[0] || Math.abs(p[1] - ps[1]) > SPACING_TOLERANCE * ps[1]) {
      throw new RangeError(`mixed PixelSpacing: ${first.where} has ${fmt(ps)}, ${img.where} has ${fmt(p)}`);
    }
  }
  const normal = cross(dirs.row, dirs.col);
  const positions = images.map((img) => {
    if (img.position && img.position.length === 3) return img.position;
    if (images.length === 1) {
      warnings.push(`${img.where}: no ImagePositionPatient; the origin is assumed`);
      return [0, 0, 0];
    }
    throw new RangeError(`${img.where}: ImagePositionPatient is missing or does not have 3 values`);
  });
  const along = positions.map((p) => dot(p, normal));
  const order = images.map((_, n) => n).sort((a, b) => along[a] - along[b] || (images[a].instanceNumber ?? 0) - (images[b].instanceNumber ?? 0));
  let step = singleSliceSpacing && singleSliceSpacing > 0 ? singleSliceSpacing : 1;
  if (images.length > 1) {
    const steps = order.slice(1).map((n, s) => along[n] - along[order[s]]);
    const pair = (s: number) => `${images[order[s]].where} (at ${along[order[s]].toFixed(4)} mm) and ${images[order[s + 1]].where} (at ${along[order[s + 1]].toFixed(4)} mm)`;
    const dup = steps.findIndex((d) => d < 1e-3);
    if (dup >= 0) throw new RangeError(`duplicate slice position: ${pair(dup)} are ${steps[dup].toExponential(2)} mm apart along the slice normal ${fmt(normal)}`);
    const med = median(steps);
    const gap = steps.findIndex((d) => d > 1.5 * med);
    if (gap >= 0) {
      throw new RangeError(
        `missing slice(s): the step between ${pair(gap)} is ${steps[gap].toFixed(4)} mm, more than 1.5× the median step ${med.toFixed(4)} mm ` +
          `(about ${Math.round(steps[gap] / med) - 1} slice(s) missing)`,
      );
    }
    const uneven = steps.findIndex((d) => Math.abs(d - med) > SPACING_TOLERANCE * med);
    if (uneven >= 0) {
      throw new RangeError(`non-uniform slice spacing: the step between ${pair(uneven)} is ${steps[uneven].toFixed(4)} mm, the median step ${med.toFixed(4)} mm (tolerance ${SPACING_TOLERANCE} relative)`);
    }
    // Positions must move along the normal: an in-plane drift is a tilted gantry or a sheared stack.
    const p0 = positions[order[0]];
    for (const n of order.slice(1)) {
      const d = positions[n].map((v, a) => v - p0[a]);
      const t = dot(d, normal);
      const drift = Math.hypot(...d.map((v, a) => v - t * normal[a]));
      if (drift > SPACING_TOLERANCE * Math.abs(t) + 1e-3) {
        throw new RangeError(
          `gantry tilt or sheared stack: ${images[n].where} is ${drift.toFixed(4)} mm off the slice normal ${fmt(normal)} of ${images[order[0]].where} ` +
            `over ${t.toFixed(4)} mm (tilt ≈ ${((Math.atan2(drift, Math.abs(t)) * 180) / Math.PI).toFixed(2)}°); tilted stacks are not supported (dcm2niix can resample them)`,
        );
      }
    }
    step = (along[order[order.length - 1]] - along[order[0]]) / (order.length - 1);
  }
  const origin = positions[order[0]];
  const affine = toVolumeAffine(
    normal.map((v) => v * step),
    dirs.col.map((v) => v * ps[0]),
    dirs.row.map((v) => v * ps[1]),
    origin,
  );
  return { order, spacing: [step, ps[0], ps[1]], affine, normal, warnings };
}
