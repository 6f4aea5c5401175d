/**
 * One rule, one message, for what a reference ("ground truth") volume is and how Dice and the
 * patch performance map compare against it (issue 12, item 2). The CLI, the app and the sweep all
 * call {@link checkReference}: the same fallbacks, the same words.
 */
import type { LabelMode } from '../postprocess/dice';

/** What PatchLens concludes about a reference volume. */
export interface ReferenceCheck {
  /** How Dice and the map compare: class by class, or label > 0 vs reference > 0. */
  mode: LabelMode;
  /** The single warning about the comparison (binary reference / more labels than classes), or null. */
  warning: string | null;
  /**
   * True when the reference looks like an intensity image, not labels: non-integer values (a
   * float image), more than {@link MAX_LABELS} distinct non-zero values, or neighbouring voxels
   * that rarely share a value (fewer than {@link MIN_EQUAL_NEIGHBOURS} of them).
   */
  looksLikeImage: boolean;
  /** e.g. "the reference has 249 distinct values (uint8) and only 9 % of neighbouring …: this looks like an image, not labels"; null when it looks like labels. */
  imageReason: string | null;
}

/**
 * The most distinct non-zero values a label map may have: 1000. Real atlases stay below it
 * (AAL 116, AAL3 170, Brainnetome 246, HCP-MMP1 360, Schaefer up to 1000 parcels), while an
 * int16 or float MRI has thousands of distinct values. The count alone cannot decide for 8-bit
 * images (MRIcron's ch2 has 249 distinct values, ch2bet 127 — fewer than many atlases), which is
 * why {@link MIN_EQUAL_NEIGHBOURS} is checked as well.
 */
export const MAX_LABELS = 1000;

/**
 * The least fraction of neighbouring non-zero voxel pairs (along the fastest axis) with the same
 * value a label map has: 0.5. A label map is piecewise constant (AAL: 95 % of such pairs are
 * equal), an intensity image is not, whatever its datatype (ch2: 9 %, ch2bet: 12 %).
 */
export const MIN_EQUAL_NEIGHBOURS = 0.5;

/** Below this many neighbouring non-zero pairs the neighbour test says nothing (too few voxels). */
const MIN_PAIRS = 1000;
/** Distinct values are counted up to this many (enough to tell; bounded memory). */
const DISTINCT_CAP = 100_000;

/** What one pass over the values finds. */
interface ValueStats {
  max: number;
  /** Distinct values, 0 included (at most DISTINCT_CAP; counted up to the first non-integer), and whether 0 is one of them. */
  distinct: number;
  hasZero: boolean;
  /** A non-integer value, or null. */
  nonInteger: number | null;
  pairs: number;
  equalPairs: number;
}

function valueStats(values: ArrayLike<number>): ValueStats {
  let max = 0;
  let nonInteger: number | null = null;
  let pairs = 0;
  let equalPairs = 0;
  // Small integers (every label map, every 8/16-bit image) are counted in a table; others in a Set.
  const OFFSET = 65536;
  const table = new Uint8Array(2 * OFFSET);
  const others = new Set<number>();
  let distinct = 0;
  let prev = 0;
  let hasZero = false;
  const n = values.length;
  let i = 0;
  for (; i < n; i++) {
    const v = values[i];
    if (v > max) max = v;
    if (v === 0) {
      hasZero = true;
      prev = 0;
      continue;
    }
    if ((v | 0) !== v && !Number.isInteger(v)) {
      // A non-integer: an image whatever else holds; only the maximum is still needed.
      nonInteger = v;
      break;
    }
    if (v >= -OFFSET && v < OFFSET) {
      if (table[v + OFFSET] === 0) {
        table[v + OFFSET] = 1;
        distinct++;
      }
    } else if (others.size < DISTINCT_CAP && !others.has(v)) {
      others.add(v);
      distinct++;
    }
    if (prev !== 0) {
      pairs++;
      if (v === prev) equalPairs++;
    }
    prev = v;
  }
  for (; i < n; i++) if (values[i] > max) max = values[i];
  if (hasZero) distinct++;
  return { max, distinct: Math.min(distinct, DISTINCT_CAP), hasZero, nonInteger, pairs, equalPairs };
}

/**
 * Checks a reference volume and resolves how Dice and the patch performance map compare with it.
 *
 * - `requested` `'classes'` or `'foreground'` is used as given (no warning); `'auto'` compares
 *   label > 0 with reference > 0 when the reference is binary but the model has more than two
 *   classes, or when the reference has a label the model does not have (a warning says which);
 *   otherwise class by class.
 * - `looksLikeImage`: non-integer values; more than {@link MAX_LABELS} distinct non-zero values;
 *   or fewer than {@link MIN_EQUAL_NEIGHBOURS} of neighbouring non-zero voxels sharing a value.
 *   A float datatype with integer values only (a label map saved as float32, or an integer one
 *   with scl_slope, which is read as float32) is judged by its values, not flagged for its type.
 *
 * @param values the reference's voxels in array order (row-major, last axis fastest: `Volume.data`)
 * @param classes the model's classes (background included)
 * @param requested the Dice mode asked for
 * @param datatype the reference's datatype name (`'int16'`, `'float32'`, …), for the message
 */
export function checkReference(values: ArrayLike<number>, classes: number, requested: LabelMode | 'auto', datatype?: string): ReferenceCheck {
  const s = valueStats(values);
  let mode: ReferenceCheck['mode'] = requested === 'auto' ? 'classes' : requested;
  let warning: string | null = null;
  if (requested === 'auto') {
    if (s.max <= 1 && classes > 2) {
      warning = `the reference labels are binary but the model has ${classes} classes: Dice and the patch performance map compare label > 0 with reference > 0`;
      mode = 'foreground';
    } else if (s.max >= classes) {
      warning = `the reference has label ${s.max} but the model only ${classes} classes (0…${classes - 1}): Dice and the patch performance map compare label > 0 with reference > 0`;
      mode = 'foreground';
    }
  }
  const type = datatype ? ` (${datatype})` : '';
  const count = s.distinct >= DISTINCT_CAP ? `more than ${DISTINCT_CAP}` : `${s.distinct}`;
  const equalFraction = s.pairs > 0 ? s.equalPairs / s.pairs : 1;
  let why: string | null = null;
  if (s.nonInteger !== null) why = `the reference${type} has non-integer values (e.g. ${+s.nonInteger.toPrecision(6)})`;
  else if (s.distinct - (s.hasZero ? 1 : 0) > MAX_LABELS) why = `the reference has ${count} distinct values${type}, more than the ${MAX_LABELS} labels PatchLens accepts`;
  else if (s.pairs >= MIN_PAIRS && equalFraction < MIN_EQUAL_NEIGHBOURS)
    why = `the reference has ${count} distinct values${type} and only ${Math.round(100 * equalFraction)} % of neighbouring non-zero voxels share a value (a label map has regions of one value)`;
  const imageReason = why === null ? null : `${why}: this looks like an image, not labels`;
  return { mode, warning, looksLikeImage: imageReason !== null, imageReason };
}
