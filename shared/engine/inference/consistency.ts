import { PerformanceMap } from '../../performance/PerformanceMap';
import type { PatchWindow } from '../../stitching/types';

/**
 * The label-free consistency map: where windows overlap, how far each window's prediction for
 * a voxel is from the mean of all windows' predictions for that voxel (total-variation distance
 * ½·Σ_c |p_w,c − p̄_c|), accumulated in patch coordinates. A user without reference labels sees
 * where in the patch the model disagrees with itself.
 *
 * Windows are kept quantized to 8 bits per class until the run ends (the mean is only known
 * then); `maxBytes` bounds that memory and the map is skipped, with a reason, beyond it.
 * The accumulator's trailing axis holds [Σ distance, number of windows in which the position
 * was overlapped by another window]; the map is their ratio (0 where never overlapped).
 */
export class ConsistencyTracker {
  private readonly stored: { start: number[]; data: Uint8Array }[] = [];
  private readonly patchVoxels: number;
  private bytes = 0;
  /** Why the map was skipped, if it was. */
  skipped: string | null = null;

  constructor(
    readonly patchShape: readonly number[],
    readonly frameShape: readonly number[],
    readonly classes: number,
    readonly maxBytes = 1 << 30,
  ) {
    this.patchVoxels = patchShape.reduce((a, b) => a * b, 1);
  }

  /** Keeps the windows of one predicted batch (`probs` = `[b, ...patch, classes]`, windows in the frame). */
  add(probs: Float32Array, windows: readonly PatchWindow[]): void {
    if (this.skipped) return;
    const per = this.patchVoxels * this.classes;
    if (this.bytes + per * windows.length > this.maxBytes) {
      this.skipped = `the consistency map needs more than ${Math.round(this.maxBytes / 2 ** 20)} MiB for the windows of this run`;
      this.stored.length = 0;
      return;
    }
    windows.forEach((w, k) => {
      const q = new Uint8Array(per);
      for (let i = 0; i < per; i++) q[i] = Math.round(Math.min(1, Math.max(0, probs[k * per + i])) * 255);
      this.stored.push({ start: [...w.start], data: q });
      this.bytes += per;
    });
  }

  /** Computes the accumulator; null when skipped. */
  finish(): PerformanceMap | null {
    if (this.skipped || this.stored.length === 0) {
      this.skipped ??= 'no windows were predicted';
      return null;
    }
    const c = this.classes;
    const frameVoxels = this.frameShape.reduce((a, b) => a * b, 1);
    const sum = new Float32Array(frameVoxels * c);
    const count = new Uint16Array(frameVoxels);
    for (let w = 0; w < this.stored.length; w++) {
      const { data, start } = this.stored[w];
      const off = this.frameOffsets(start);
      for (let i = 0; i < this.patchVoxels; i++) {
        const f = off[i];
        count[f]++;
        for (let k = 0; k < c; k++) sum[f * c + k] += data[i * c + k] / 255;
      }
    }
    if (!count.some((n) => n >= 2)) {
      this.skipped = 'no voxel is covered by two windows (the windows do not overlap)';
      return null;
    }
    const map = new PerformanceMap([...this.patchShape, 2], 'consistency');
    const values = new Float64Array(this.patchVoxels * 2);
    for (let w = 0; w < this.stored.length; w++) {
      values.fill(0);
      const { data, start } = this.stored[w];
      const off = this.frameOffsets(start);
      for (let i = 0; i < this.patchVoxels; i++) {
        const f = off[i];
        const n = count[f];
        if (n < 2) continue;
        let tv = 0;
        for (let k = 0; k < c; k++) tv += Math.abs(data[i * c + k] / 255 - sum[f * c + k] / n);
        values[2 * i] = tv / 2;
        values[2 * i + 1] = 1;
      }
      map.add(values);
    }
    return map;
  }

  /** The frame voxel index of every patch position of the window at `start`. */
  private frameOffsets(start: readonly number[]): Int32Array {
    const nd = this.patchShape.length;
    const frameStrides = this.frameShape.map((_, a) => this.frameShape.slice(a + 1).reduce((x, y) => x * y, 1));
    const out = new Int32Array(this.patchVoxels);
    const idx = new Array<number>(nd).fill(0);
    for (let i = 0; i < this.patchVoxels; i++) {
      let f = 0;
      for (let a = 0; a < nd; a++) f += (start[a] + idx[a]) * frameStrides[a];
      out[i] = f;
      for (let a = nd - 1; a >= 0; a--) {
        if (++idx[a] < this.patchShape[a]) break;
        idx[a] = 0;
      }
    }
    return out;
  }
}

/** The consistency map from its accumulator: Σ distance / windows overlapped, 0 where never overlapped. */
export function consistencyMap(acc: PerformanceMap): Float64Array {
  const s = acc.sum;
  const out = new Float64Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = s[2 * i + 1] > 0 ? s[2 * i] / s[2 * i + 1] : 0;
  return out;
}
