import { assertShape, describe, product } from '../util/validate';

/** The JSON form of a {@link PerformanceMap} (what `toJSON` writes and `fromJSON` reads). */
export interface PerformanceMapJSON {
  format: 'patchlens.performance-map';
  version: 1;
  /** Shape of one patch (slowest axis first). */
  shape: number[];
  /** Patches accumulated. */
  count: number;
  /** What the values measure (e.g. `binaryCrossEntropy`), when known. */
  measure?: string;
  /** Per-position sum over all patches, row-major. */
  sum: number[];
}

/**
 * The framework-free patch performance accumulator: an elementwise measure summed in patch
 * coordinates over every patch seen, plus the number of patches. `mean()` is the patch
 * performance map. Sums are float64, so maps from several machines merge exactly in any order
 * up to float64 rounding.
 */
export class PerformanceMap {
  /** Shape of one patch. */
  readonly shape: number[];
  /** What the values measure, when known; maps with different measures do not merge. */
  readonly measure: string | undefined;
  /** Per-position sum over all patches (float64, row-major in `shape`). */
  readonly sum: Float64Array;
  private patches = 0;

  /**
   * @param shape shape of one patch (channels included if the measure keeps them)
   * @param measure optional name of the measure, carried into JSON and checked on merge
   */
  constructor(shape: readonly number[], measure?: string) {
    assertShape('PerformanceMap', 'shape', shape);
    this.shape = [...shape];
    this.measure = measure;
    this.sum = new Float64Array(product(shape));
  }

  /** Number of patches accumulated. */
  get count(): number {
    return this.patches;
  }

  /** Number of positions in one patch. */
  get size(): number {
    return this.sum.length;
  }

  /**
   * Adds `batchSize` patches: `values` has shape `[batchSize, ...shape]`, row-major; they are
   * summed over the batch axis only.
   */
  add(values: ArrayLike<number>, batchSize = 1): this {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`PerformanceMap.add: batchSize must be a positive integer, got ${describe(batchSize)}`);
    }
    const n = this.sum.length;
    if (values == null || values.length !== n * batchSize) {
      throw new RangeError(
        `PerformanceMap.add: expected ${batchSize}×${n} values for ${batchSize} patch(es) of shape ${describe(this.shape)}, got ${values?.length}`,
      );
    }
    const sum = this.sum;
    for (let b = 0; b < batchSize; b++) {
      const o = b * n;
      for (let i = 0; i < n; i++) sum[i] += values[o + i];
    }
    this.patches += batchSize;
    return this;
  }

  /** Adds a pre-summed map of `count` patches (e.g. a tracker's device-side sum). */
  addSum(sum: ArrayLike<number>, count: number): this {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`PerformanceMap.addSum: count must be a non-negative integer, got ${describe(count)}`);
    }
    if (sum == null || sum.length !== this.sum.length) {
      throw new RangeError(`PerformanceMap.addSum: expected ${this.sum.length} values for shape ${describe(this.shape)}, got ${sum?.length}`);
    }
    for (let i = 0; i < this.sum.length; i++) this.sum[i] += sum[i];
    this.patches += count;
    return this;
  }

  /**
   * The patch performance map: sum / count, row-major in `shape`.
   * @throws when nothing was added yet
   */
  mean(): Float64Array {
    if (this.patches === 0) {
      throw new Error('PerformanceMap.mean: no patches were added yet, so there is no mean (call add() first)');
    }
    const out = new Float64Array(this.sum.length);
    for (let i = 0; i < out.length; i++) out[i] = this.sum[i] / this.patches;
    return out;
  }

  /** Adds another machine's partial map (same shape and measure) into this one. */
  merge(other: PerformanceMap): this {
    if (!(other instanceof PerformanceMap)) throw new TypeError('PerformanceMap.merge: other must be a PerformanceMap');
    if (other.shape.length !== this.shape.length || other.shape.some((s, i) => s !== this.shape[i])) {
      throw new RangeError(`PerformanceMap.merge: shapes differ: ${describe(this.shape)} vs ${describe(other.shape)}`);
    }
    if (this.measure !== undefined && other.measure !== undefined && this.measure !== other.measure) {
      throw new RangeError(`PerformanceMap.merge: measures differ: ${this.measure} vs ${other.measure}`);
    }
    return this.addSum(other.sum, other.count);
  }

  /** Empties the map (shape and measure stay). */
  reset(): this {
    this.sum.fill(0);
    this.patches = 0;
    return this;
  }

  /** A deep copy. */
  clone(): PerformanceMap {
    return new PerformanceMap(this.shape, this.measure).addSum(this.sum, this.patches);
  }

  /** JSON form; float64 sums survive the round trip exactly. */
  toJSON(): PerformanceMapJSON {
    const json: PerformanceMapJSON = {
      format: 'patchlens.performance-map',
      version: 1,
      shape: [...this.shape],
      count: this.patches,
      sum: Array.from(this.sum),
    };
    if (this.measure !== undefined) json.measure = this.measure;
    return json;
  }

  /** Rebuilds a map from `toJSON()` output (an object or its JSON string), validating every field. */
  static fromJSON(json: PerformanceMapJSON | string): PerformanceMap {
    const obj: unknown = typeof json === 'string' ? JSON.parse(json) : json;
    const fail = (what: string): never => {
      throw new TypeError(`PerformanceMap.fromJSON: ${what}`);
    };
    if (obj === null || typeof obj !== 'object') return fail('expected an object');
    const o = obj as Partial<PerformanceMapJSON>;
    if (o.format !== 'patchlens.performance-map') fail(`format must be "patchlens.performance-map", got ${describe(o.format)}`);
    if (o.version !== 1) fail(`unsupported version ${describe(o.version)} (this build reads version 1)`);
    if (!Array.isArray(o.shape)) return fail('shape must be an array');
    if (!Number.isInteger(o.count) || (o.count as number) < 0) fail(`count must be a non-negative integer, got ${describe(o.count)}`);
    if (o.measure !== undefined && typeof o.measure !== 'string') fail('measure must be a string');
    const map = new PerformanceMap(o.shape, o.measure);
    if (!Array.isArray(o.sum) || o.sum.length !== map.size) fail(`sum must be an array of ${map.size} numbers`);
    if (!o.sum!.every((v) => typeof v === 'number' && Number.isFinite(v))) fail('sum must hold finite numbers only');
    return map.addSum(o.sum!, o.count as number);
  }
}
