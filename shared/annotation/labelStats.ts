/**
 * Per-label statistics of a reference label map: voxel count, volume in mL and Dice against the
 * prediction. Counted once, then kept up to date from each edit's diff in time proportional to
 * the edit, so they can show live while painting.
 */
import { describe } from '../util/validate';
import { assertGrid, assertLabelArray, LABEL_DATATYPES, labelDatatypeOf, type LabelArray, type LabelGrid } from './labelGrid';
import { valueAt, type VoxelDiff } from './voxelDiff';

/** The statistics of one label. */
export interface LabelStatRow {
  /** The label value. */
  value: number;
  /** Voxels of the label in the reference. */
  voxels: number;
  /** Their volume in mL: voxels × the product of the spacing (mm³) / 1000. */
  volumeMl: number;
  /** Voxels of the label in the prediction (0 without one). */
  predictedVoxels: number;
  /** Voxels where both say this label. */
  overlap: number;
  /** 2·overlap / (voxels + predictedVoxels); 1 when both are empty; null without a prediction. */
  dice: number | null;
}

/** Live per-label statistics of one reference (and optionally a prediction on the same grid). */
export class LabelStats {
  /** Volume of one voxel in mL. */
  readonly voxelMl: number;
  private readonly reference: Float64Array;
  private readonly predicted: Float64Array;
  private readonly overlap: Float64Array;
  private readonly prediction: LabelArray | null;

  /**
   * Counts everything once (a full recount is `new LabelStats(...)` again).
   * @param labels the reference label map (read here; later edits arrive through `update`)
   * @param prediction the model's labels on the same grid, or null
   */
  constructor(grid: LabelGrid, labels: LabelArray, prediction: LabelArray | null = null) {
    const fn = 'LabelStats';
    assertLabelArray(fn, 'labels', labels);
    assertGrid(fn, grid, labels);
    if (prediction !== null) {
      assertLabelArray(fn, 'prediction', prediction);
      assertGrid(fn, grid, prediction, 'prediction');
    }
    this.voxelMl = (grid.spacing[0] * grid.spacing[1] * grid.spacing[2]) / 1000;
    const size = Math.max(LABEL_DATATYPES[labelDatatypeOf(labels)], prediction ? LABEL_DATATYPES[labelDatatypeOf(prediction)] : 0) + 1;
    this.reference = new Float64Array(size);
    this.predicted = new Float64Array(size);
    this.overlap = new Float64Array(size);
    this.prediction = prediction;
    for (let v = 0; v < labels.length; v++) this.reference[labels[v]]++;
    if (prediction) {
      for (let v = 0; v < prediction.length; v++) {
        this.predicted[prediction[v]]++;
        if (prediction[v] === labels[v]) this.overlap[labels[v]]++;
      }
    }
  }

  /** Takes in an edit (from `EditHistory.apply`, `undo`, `redo` or `jumpTo`): O(changed voxels). */
  update(diff: VoxelDiff): void {
    const { indices, before, after } = diff;
    const p = this.prediction;
    for (let k = 0; k < indices.length; k++) {
      const from = valueAt(before, k);
      const to = valueAt(after, k);
      if (from === to) continue;
      this.reference[from]--;
      this.reference[to]++;
      if (p) {
        const q = p[indices[k]];
        if (q === from) this.overlap[from]--;
        else if (q === to) this.overlap[to]++;
      }
    }
  }

  /** The statistics of label `value`. */
  row(value: number): LabelStatRow {
    if (!Number.isInteger(value) || value < 0 || value >= this.reference.length) {
      throw new RangeError(`LabelStats.row: value must be an integer in [0, ${this.reference.length - 1}], got ${describe(value)}`);
    }
    const voxels = this.reference[value];
    const predictedVoxels = this.predicted[value];
    const overlap = this.overlap[value];
    const dice = this.prediction === null ? null : voxels + predictedVoxels === 0 ? 1 : (2 * overlap) / (voxels + predictedVoxels);
    return { value, voxels, volumeMl: voxels * this.voxelMl, predictedVoxels, overlap, dice };
  }

  /**
   * Rows of `values`, or of every label > 0 present in the reference or the prediction
   * (with the background first when `includeBackground`).
   */
  rows(options: { values?: readonly number[]; includeBackground?: boolean } = {}): LabelStatRow[] {
    if (options.values) return options.values.map((v) => this.row(v));
    const out: LabelStatRow[] = [];
    for (let v = options.includeBackground ? 0 : 1; v < this.reference.length; v++) {
      if (v === 0 || this.reference[v] > 0 || this.predicted[v] > 0) out.push(this.row(v));
    }
    return out;
  }
}
