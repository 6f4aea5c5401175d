/**
 * Checks that a label map can serve as the reference for an image: class ids (finite integers
 * ≥ 0) on the image's own grid. A label map that fails these gives meaningless Dice and patch
 * performance maps, so it is refused instead of compared.
 */
import type { NumericArray } from '../stitching/types';
import type { Volume } from './volume';
import { columnNorms } from './affine';
import { describe } from '../util/validate';

/**
 * Tolerances of the affine comparison, relative to the image's voxel size along each axis
 * (its affine's column norms): the translation column may differ by 1e-3 of the smallest voxel
 * size (1 µm at 1 mm), each rotation/scale column by 1e-4 of that axis's voxel size. Both are far
 * above float32 rounding of a header written by another tool (~1e-7 relative) and far below any
 * real misregistration; "another grid" is always orders of magnitude larger.
 */
export const LABEL_AFFINE_TOLERANCE = { translation: 1e-3, columns: 1e-4 } as const;

/** One kind of bad label value: how many voxels, and the first. */
interface BadValues {
  what: string;
  count: number;
  first: number;
  value: number;
}

function scanValues(data: NumericArray): BadValues[] {
  // Unsigned integer arrays hold only valid labels; signed ones can only be negative.
  if (data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Uint32Array) return [];
  const nonFinite: BadValues = { what: 'NaN or ±Inf', count: 0, first: -1, value: 0 };
  const negative: BadValues = { what: 'negative', count: 0, first: -1, value: 0 };
  const fraction: BadValues = { what: 'not an integer', count: 0, first: -1, value: 0 };
  const note = (b: BadValues, v: number, x: number) => {
    if (b.count++ === 0) {
      b.first = v;
      b.value = x;
    }
  };
  const n = data.length;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let v = 0; v < n; v++) {
      const x = data[v];
      if (x >= 0 && x <= 4294967295 && x === Math.floor(x)) continue; // the common case: one test per voxel
      if (x !== x || x === Infinity || x === -Infinity) note(nonFinite, v, x);
      else if (x < 0) note(negative, v, x);
      else if (x !== Math.floor(x)) note(fraction, v, x);
    }
  } else {
    for (let v = 0; v < n; v++) {
      const x = data[v];
      if (x < 0) note(negative, v, x);
    }
  }
  return [nonFinite, negative, fraction].filter((b) => b.count > 0);
}

/** `[k, j, i]` of a flat index on a 3-D grid. */
function voxelOf(index: number, shape: readonly number[]): string {
  const [, nj, ni] = shape;
  return `[${Math.floor(index / (nj * ni))}, ${Math.floor(index / ni) % nj}, ${index % ni}]`;
}

function formatValue(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Inf' : x === -Infinity ? '-Inf' : String(x);
}

/** The spatial part of a shape (a 4-D image's last three axes). */
function spatialShape(shape: readonly number[]): number[] {
  return shape.length === 4 ? shape.slice(1) : [...shape];
}

/**
 * Throws `${what}: …` (RangeError) when the label map cannot be a reference for `image`.
 *
 * Checked, in this order, each error saying which check failed:
 * - the label map is 3-D and its shape is the image's spatial shape (both shapes are named);
 * - its affine equals the image's within {@link LABEL_AFFINE_TOLERANCE} (otherwise it lies on
 *   another grid: the largest difference is named in mm, with the element);
 * - every value is a finite integer ≥ 0: NaN/±Inf, negative and non-integer values are
 *   counted in one pass, and each kind found is named with its count and its first voxel
 *   `[k, j, i]` and value.
 * @param label the label map (a Volume as `readNifti` returns it)
 * @param image the image it is meant to label
 * @param what names the label map in the message (e.g. `--label labels.nii.gz`)
 */
export function assertLabelMap(label: Volume, image: Volume, what: string): void {
  const fail = (message: string) => new RangeError(`${what}: ${message}`);
  if (!label || !ArrayBuffer.isView(label.data) || !Array.isArray(label.shape)) throw fail(`not a Volume (${describe(label)})`);
  const grid = spatialShape(image.shape);
  if (label.shape.length !== 3 || label.shape.some((s, a) => s !== grid[a])) {
    throw fail(`the label map's shape [${label.shape.join(', ')}] differs from the image's [${grid.join(', ')}]${label.shape.length === 4 ? ' (a label map must be 3-D)' : ''}`);
  }
  if (label.data.length !== grid[0] * grid[1] * grid[2]) throw fail(`label.data has ${label.data.length} values but shape [${label.shape.join(', ')}] needs ${grid[0] * grid[1] * grid[2]}`);

  const voxel = columnNorms(image.affine);
  const minVoxel = Math.min(...voxel);
  let worst = { excess: 0, row: 0, col: 0, diff: 0 };
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const a = label.affine[r]?.[c];
      const b = image.affine[r][c];
      const diff = Math.abs(a - b);
      const tol = c === 3 ? LABEL_AFFINE_TOLERANCE.translation * minVoxel : LABEL_AFFINE_TOLERANCE.columns * voxel[c];
      const excess = Number.isNaN(diff) ? Infinity : diff / tol;
      if (excess > 1 && excess > worst.excess) worst = { excess, row: r, col: c, diff };
    }
  }
  if (worst.excess > 0) {
    const { row, col, diff } = worst;
    const part = col === 3 ? 'translation' : `column ${col} (the ${['k', 'j', 'i'][col]} axis's direction and voxel size)`;
    throw fail(
      `the label map's affine differs from the image's (it lies on another grid): the largest difference is ${Number(diff.toPrecision(4))} mm ` +
        `in the ${part}, affine[${row}][${col}] = ${label.affine[row][col]} vs ${image.affine[row][col]} ` +
        `(tolerance ${LABEL_AFFINE_TOLERANCE.translation} × voxel size for the translation, ${LABEL_AFFINE_TOLERANCE.columns} × voxel size for the other columns)`,
    );
  }

  const bad = scanValues(label.data);
  if (bad.length > 0) {
    const parts = bad.map((b) => `${b.count} voxel${b.count === 1 ? ' is' : 's are'} ${b.what} (first at [k, j, i] = ${voxelOf(b.first, grid)}: ${formatValue(b.value)})`);
    throw fail(`labels must be integers ≥ 0 (class ids), but ${parts.join('; ')}`);
  }
}
