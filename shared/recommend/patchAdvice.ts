/**
 * What PatchLens says about a patch size before a run (issue 12, item 1): a patch smaller than
 * the model's receptive field cuts the field off inside the image, so every window border
 * becomes a seam of errors. The CLI (infer, sweep), the run form and the sweep form all say the
 * same sentence, from here.
 */

/**
 * The largest grid (voxels) PatchLens runs as one window by default, and calls "fits in memory":
 * 256³ = 16,777,216, brainchop's conformed grid. `npm run bench` (`peak_memory_256`) ran
 * model5_gw_ae on ch2 as brainchop does (256³ grid, one 216×213×251 window, 11.5 M voxels) at
 * 1.8 GiB peak RSS; the engine's memory grows about linearly with the window's voxels, so a full
 * 256³ window needs ≈ 2.7 GiB, which still fits the 4 GiB that tfjs-wasm (a 32-bit WebAssembly
 * memory) can address at all. Larger grids are run by patches.
 */
export const WHOLE_VOLUME_MAX_VOXELS: number = 256 ** 3;

/** What PatchLens says about a patch size before a run (item 1). */
export interface PatchAdvice {
  /** 'warn' when the patch is smaller than the receptive field on at least one axis. */
  level: 'ok' | 'warn';
  /** One line each, in the user's words, e.g.
   *  "patch 64 < receptive field 93 on every axis: expect border errors; the whole volume
   *   (160×192×160) fits in memory and is expected to be better" */
  messages: string[];
  /** Axes (indices) where patch < receptive field. */
  smallAxes: number[];
  /** What PatchLens would use instead: 'whole' or a patch per axis (never one it would warn about). */
  suggestion: number[] | 'whole';
}

const FN = 'patchAdvice';

/** `[64, 64, 64]` → `64`, `[64, 128, 64]` → `64×128×64`. */
function formatSize(size: readonly number[]): string {
  return size.every((s) => s === size[0]) ? String(size[0]) : size.join('×');
}

/** `[0]` → `axis 0`, `[0, 2]` → `axes 0 and 2`, `[0, 1, 2]` of 4 → `axes 0, 1 and 2`. */
function formatAxes(axes: readonly number[], rank: number): string {
  if (axes.length === rank) return 'every axis';
  if (axes.length === 1) return `axis ${axes[0]}`;
  return `axes ${axes.slice(0, -1).join(', ')} and ${axes[axes.length - 1]}`;
}

/** One value per axis of `rank`: a single value is broadcast; another length is an error. */
function perAxis(what: string, values: readonly number[], rank: number): number[] {
  if (values.length === rank) return [...values];
  if (values.length === 1) return new Array<number>(rank).fill(values[0]);
  throw new RangeError(`${FN}: ${what} has ${values.length} values for a ${rank}-D grid (give one, or one per axis)`);
}

function checkGrid(gridShape: readonly number[]): void {
  if (gridShape.length === 0 || gridShape.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`${FN}: the grid shape must be positive integers, got [${gridShape.join(', ')}]`);
  }
}

/** True when one window of the whole grid fits in memory ({@link WHOLE_VOLUME_MAX_VOXELS}). */
function wholeFits(gridShape: readonly number[]): boolean {
  return gridShape.reduce((a, b) => a * b, 1) <= WHOLE_VOLUME_MAX_VOXELS;
}

/** The smallest multiple of 16 ≥ `n`, but never more than the grid's extent (one window covers the axis). */
function roundUp16(n: number, extent: number): number {
  return Math.min(Math.ceil(n / 16) * 16, extent);
}

/**
 * The axes where `patch` cuts the receptive field off: patch < receptive field there, and the
 * patch does not already span the whole axis (a window as long as the grid has no inner seam on
 * that axis, whatever the receptive field).
 */
function smallAxesOf(patch: readonly number[], field: readonly number[], gridShape: readonly number[]): number[] {
  const small: number[] = [];
  for (let a = 0; a < gridShape.length; a++) if (patch[a] < field[a] && patch[a] < gridShape[a]) small.push(a);
  return small;
}

/**
 * What PatchLens says about `patch` before a run: 'warn', with one line naming the patch, the
 * receptive field and the axes, when the patch is smaller than the receptive field on an axis
 * it does not already span; 'ok' otherwise, and when the receptive field is unknown.
 * The suggestion is the whole volume when it fits ({@link WHOLE_VOLUME_MAX_VOXELS}), else the
 * patch raised to the receptive field (rounded up to a multiple of 16) on the small axes.
 * @param patch  the patch per spatial axis (one value is used for every axis), or 'whole'
 * @param receptiveField per spatial axis (null/undefined when unknown → level 'ok', no message)
 * @param gridShape spatial shape inference runs over (model grid, after conform/crop)
 * @throws RangeError when the lengths do not match the grid or the grid is not positive integers
 */
export function patchAdvice(patch: readonly number[] | 'whole', receptiveField: readonly number[] | null | undefined, gridShape: readonly number[]): PatchAdvice {
  checkGrid(gridShape);
  const rank = gridShape.length;
  const p = patch === 'whole' ? 'whole' : perAxis('the patch', patch, rank);
  const ok = (): PatchAdvice => ({ level: 'ok', messages: [], smallAxes: [], suggestion: p });
  if (p === 'whole' || receptiveField === null || receptiveField === undefined) return ok();
  const field = perAxis('the receptive field', receptiveField, rank);
  const small = smallAxesOf(p, field, gridShape);
  if (small.length === 0) return ok();
  let suggestion: number[] | 'whole';
  let better: string;
  if (wholeFits(gridShape)) {
    suggestion = 'whole';
    better = `the whole volume (${gridShape.join('×')}) fits in memory and is expected to be better`;
  } else {
    suggestion = p.map((s, a) => (small.includes(a) ? roundUp16(field[a], gridShape[a]) : s));
    better = `patch ${formatSize(suggestion)} (at least the receptive field) is expected to be better`;
  }
  const message = `patch ${formatSize(p)} < receptive field ${formatSize(field)} on ${formatAxes(small, rank)}: expect border errors; ${better}`;
  return { level: 'warn', messages: [message], smallAxes: small, suggestion };
}

/** The default patch: the model's trained patch when it is ≥ the receptive field on every axis,
 *  else 'whole' when the volume fits (WHOLE_VOLUME_MAX_VOXELS), else the smallest patch ≥ the
 *  receptive field (rounded up to a multiple of 16).
 *  With the receptive field unknown it is today's default: the trained patch, else 'whole'.
 *  Never a patch {@link patchAdvice} would warn about.
 * @param trained the model's trained patch per axis (one value for every axis), if known
 * @param receptiveField per spatial axis, if known
 * @param gridShape spatial shape inference runs over (model grid, after conform/crop)
 */
export function defaultPatch(trained: readonly number[] | null | undefined, receptiveField: readonly number[] | null | undefined, gridShape: readonly number[]): number[] | 'whole' {
  checkGrid(gridShape);
  const rank = gridShape.length;
  const t = trained === null || trained === undefined ? null : perAxis('the trained patch', trained, rank);
  if (receptiveField === null || receptiveField === undefined) return t ?? 'whole';
  if (t && patchAdvice(t, receptiveField, gridShape).level === 'ok') return t;
  if (wholeFits(gridShape)) return 'whole';
  const field = perAxis('the receptive field', receptiveField, rank);
  return field.map((f, a) => roundUp16(f, gridShape[a]));
}
