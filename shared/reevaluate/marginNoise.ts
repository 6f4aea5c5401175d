import { recommendMargin, type RecommendOptions } from '../recommend/recommendMargin';
import { describe } from '../util/validate';

/**
 * The measured noise of the recommended margin (issue 14): the windows of a re-evaluation are
 * split into K disjoint groups (window index mod K) whose partial sums are kept beside the full
 * map; leaving one group out at a time gives K maps, and `recommendMargin` on each says how far
 * the recommendation moves when a K-th of the windows is missing (a delete-a-group jackknife).
 * A margin change is stated only on the axes where the margin before lies outside that range.
 * Pure TypeScript.
 */

/** K: the windows are split into this many groups (fewer windows: one group per window). */
export const MARGIN_NOISE_GROUPS = 10;

/** With fewer windows than this the margin's noise cannot be measured (and no change is claimed). */
export const MIN_NOISE_WINDOWS = 3;

/**
 * How much `recommendMargin` varies when one group of windows is left out.
 *
 * The spread is the **range** (min … max per axis over the leave-one-group-out margins, the full
 * map's margin included), not a jackknife standard error: the margin is an integer picked by a
 * threshold over crop means, a non-smooth statistic for which the jackknife SE is known to be
 * unreliable (it is 0 when every leave-out agrees and jumps to (K−1)/K ≈ 0.9 voxel when a single
 * one moves by 1). The range is what can be said plainly ("varies over 3–4 when a tenth of the windows
 * is left out"), and "the margin before lies outside it" is a test every reader can check. Its
 * limit: each leave-out map shares (K−1)/K of the windows, so the range is the sensitivity to the
 * windows at hand, narrower than what a fresh set of windows could give; a change it calls real
 * is at least one the recommendation does not make on its own when a tenth of the data goes.
 */
export interface MarginNoise {
  /** Windows accumulated. */
  windows: number;
  /** Groups left out one at a time: min(K, windows); 0 when there are fewer than {@link MIN_NOISE_WINDOWS} windows. */
  groups: number;
  /** `recommendMargin`'s tolerance the margins were computed with. */
  tolerance: number;
  /** The margin recommended on the map without group g, for every group g (empty when `groups` is 0). */
  margins: number[][];
  /** Per axis, the smallest and largest margin of `margins` and the full map's; null when `groups` is 0. */
  low: number[] | null;
  high: number[] | null;
}

/** Groups used for `windows` windows and K = `k`: one per window below K, none below {@link MIN_NOISE_WINDOWS}. */
export function noiseGroupCount(windows: number, k = MARGIN_NOISE_GROUPS): number {
  if (!Number.isInteger(k) || k < MIN_NOISE_WINDOWS) throw new RangeError(`marginNoise: the number of groups must be an integer ≥ ${MIN_NOISE_WINDOWS}, got ${describe(k)}`);
  if (!Number.isInteger(windows) || windows < 0) throw new RangeError(`marginNoise: the number of windows must be an integer ≥ 0, got ${describe(windows)}`);
  return windows < MIN_NOISE_WINDOWS ? 0 : Math.min(k, windows);
}

/**
 * K partial sums of a patch accumulator over disjoint groups of windows (window w goes to group
 * w mod K) and their window counts: `groups × size` float64 values, nothing per window. Summed
 * over the groups they give the full accumulator's sums (exactly where the additions are exact,
 * otherwise within float64 rounding, since the order of the additions differs).
 */
export class GroupedSums {
  /** Per group, `size` sums, group after group. */
  readonly sums: Float64Array;
  /** Windows per group. */
  readonly counts: Int32Array;

  constructor(
    readonly groups: number,
    readonly size: number,
  ) {
    if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`GroupedSums: groups must be an integer ≥ 1, got ${describe(groups)}`);
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`GroupedSums: size must be an integer ≥ 1, got ${describe(size)}`);
    this.sums = new Float64Array(groups * size);
    this.counts = new Int32Array(groups);
  }

  /** The group of window `w`. */
  groupOf(w: number): number {
    return w % this.groups;
  }

  /** Adds window `w`'s values (`size` of them) to its group. */
  addWindow(w: number, values: ArrayLike<number>): void {
    if (values.length !== this.size) throw new RangeError(`GroupedSums.addWindow: expected ${this.size} values, got ${values.length}`);
    const o = this.groupOf(w) * this.size;
    for (let i = 0; i < this.size; i++) this.sums[o + i] += values[i];
    this.counts[this.groupOf(w)]++;
  }

  /** Adds `delta` at accumulator position `i` of window `w`'s group (an incremental update; the count stays). */
  addAt(w: number, i: number, delta: number): void {
    this.sums[this.groupOf(w) * this.size + i] += delta;
  }

  /** The groups merged: their sums added group by group, and the total window count. */
  merged(): { sum: Float64Array; count: number } {
    const sum = new Float64Array(this.size);
    let count = 0;
    for (let g = 0; g < this.groups; g++) {
      const o = g * this.size;
      for (let i = 0; i < this.size; i++) sum[i] += this.sums[o + i];
      count += this.counts[g];
    }
    return { sum, count };
  }

  /** Writes the full sums minus group g's into `out` and returns the windows left (leave-one-group-out). */
  leaveOut(g: number, total: ArrayLike<number>, totalCount: number, out: Float64Array): number {
    const o = g * this.size;
    for (let i = 0; i < this.size; i++) out[i] = total[i] - this.sums[o + i];
    return totalCount - this.counts[g];
  }
}

/**
 * The jackknife of `recommendMargin`: the margin on every leave-one-group-out map.
 * @param total the full accumulator's sums and window count
 * @param grouped the same windows' partial sums, null when there are too few windows
 * @param mapOf turns (sums, count) into the patch map (`shape`), as the accumulator's own `map()`
 * @param fullMargin the full map's recommended margin (with the same tolerance)
 */
export function jackknifeMargin(
  total: { sum: ArrayLike<number>; count: number },
  grouped: GroupedSums | null,
  mapOf: (sum: Float64Array, count: number) => ArrayLike<number>,
  shape: readonly number[],
  fullMargin: readonly number[],
  options: RecommendOptions = {},
): MarginNoise {
  const tolerance = options.tolerance ?? 0.05;
  if (grouped === null || grouped.groups < MIN_NOISE_WINDOWS) return { windows: total.count, groups: 0, tolerance, margins: [], low: null, high: null };
  const scratch = new Float64Array(grouped.size);
  const margins: number[][] = [];
  for (let g = 0; g < grouped.groups; g++) {
    const left = grouped.leaveOut(g, total.sum, total.count, scratch);
    margins.push(recommendMargin({ data: mapOf(scratch, left), shape }, { tolerance }).margin);
  }
  const low = fullMargin.map((m, a) => Math.min(m, ...margins.map((x) => x[a])));
  const high = fullMargin.map((m, a) => Math.max(m, ...margins.map((x) => x[a])));
  return { windows: total.count, groups: grouped.groups, tolerance, margins, low, high };
}

/** The noise with its range widened to include `margin` (the margin the caller shows as "after"). */
export function includeMargin(noise: MarginNoise, margin: readonly number[]): MarginNoise {
  if (noise.low === null || noise.high === null) return noise;
  return { ...noise, low: noise.low.map((l, a) => Math.min(l, margin[a])), high: noise.high.map((h, a) => Math.max(h, margin[a])) };
}

/**
 * The axes on which the margin changed beyond the noise: where `before`'s margin lies outside the
 * after map's leave-one-group-out range (widened to include `after`). Null when the noise is not
 * known or could not be measured: then no change may be claimed.
 * @throws RangeError when the margins and the range do not have one entry per axis
 */
export function marginChangedAxes(before: readonly number[], after: readonly number[], noise: MarginNoise | null | undefined): number[] | null {
  if (!noise || noise.groups === 0 || noise.low === null || noise.high === null) return null;
  const nd = after.length;
  if (before.length !== nd || noise.low.length !== nd || noise.high.length !== nd) {
    throw new RangeError(`marginChangedAxes: the margins ([${before.join(', ')}] and [${after.join(', ')}]) and the noise range ([${noise.low.join(', ')}]–[${noise.high.join(', ')}]) need one entry per axis`);
  }
  const { low, high } = includeMargin(noise, after);
  const axes: number[] = [];
  for (let a = 0; a < nd; a++) if (before[a] < low![a] || before[a] > high![a]) axes.push(a);
  return axes;
}
