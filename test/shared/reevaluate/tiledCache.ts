import { product } from '../../../shared/util/validate';
import type { CacheGeometry, PredictionCache } from '../../../shared/reevaluate/predictionCache';

/**
 * A hand-built two-class float32 prediction cache whose windows tile the image along its last
 * axis without overlap: window w covers image voxels (i0, …, w·p + i_last) for patch position
 * (i0, …, i_last). So a window's patch map is set directly by its foreground probabilities and
 * its part of the reference, position by position.
 */
export interface TiledRun {
  cache: PredictionCache;
  plan: CacheGeometry;
  /** The reference on the image with `t(window, patchPosition)` in every window's tile. */
  reference: (t: (w: number, pos: number[]) => number) => Int32Array;
}

/** Every patch position of `patch`, row-major. */
function positions(patch: readonly number[]): number[][] {
  const out: number[][] = [];
  const idx = new Array<number>(patch.length).fill(0);
  for (let k = 0; k < product(patch); k++) {
    out.push([...idx]);
    for (let a = patch.length - 1; a >= 0; a--) {
      if (++idx[a] < patch[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/**
 * @param pFg the foreground probability of window w at a patch position (use binary fractions:
 * float32 holds them exactly and the sums stay exact)
 */
export function tiledRun(patch: readonly number[], windows: number, pFg: (w: number, pos: number[]) => number): TiledRun {
  const nd = patch.length;
  const last = nd - 1;
  const shape = patch.map((p, a) => (a === last ? p * windows : p));
  const plan: CacheGeometry = {
    shape,
    patchSize: [...patch],
    paddedShape: [...shape],
    padLow: new Array<number>(nd).fill(0),
    starts: patch.map((p, a) => (a === last ? Array.from({ length: windows }, (_, w) => w * p) : [0])),
  };
  const at = positions(patch);
  const n = at.length;
  const probabilities = new Float32Array(windows * n * 2);
  for (let w = 0; w < windows; w++) {
    at.forEach((pos, i) => {
      const p = pFg(w, pos);
      probabilities[2 * (w * n + i)] = 1 - p;
      probabilities[2 * (w * n + i) + 1] = p;
    });
  }
  const cache: PredictionCache = { encoding: 'float32', classes: 2, geometry: plan, probabilities, labels: new Uint8Array(product(shape)) };
  const reference = (t: (w: number, pos: number[]) => number) => {
    const ref = new Int32Array(product(shape));
    for (let w = 0; w < windows; w++) {
      for (const pos of at) {
        let v = 0;
        for (let a = 0; a < nd; a++) v = v * shape[a] + (a === last ? w * patch[last] + pos[a] : pos[a]);
        ref[v] = t(w, pos);
      }
    }
    return ref;
  };
  return { cache, plan, reference };
}

/** Whether `pos` lies within `widths[a]` voxels of the patch border on some axis a. */
export function inRing(pos: readonly number[], patch: readonly number[], widths: readonly number[]): boolean {
  return pos.some((c, a) => c < widths[a] || c >= patch[a] - widths[a]);
}

/** Patch of the border scenarios: 16³ (margins 0 … 6 per axis). */
export const BORDER_PATCH = [16, 16, 16];

/**
 * A run whose model says foreground with probability 3/4 everywhere (plus a per-window binary
 * jitter of at most 1/64 inside), against a reference that is foreground except a border ring of
 * `widths(w)` voxels per axis in window w: the ring's error is 3/4, the inside's about 1/4, so the
 * ring's width sets the recommended margin. Foreground mode, absoluteError.
 */
export function borderRun(windows: number, before: (w: number) => number[], after: (w: number) => number[]) {
  const patch = BORDER_PATCH;
  const run = tiledRun(patch, windows, (w, pos) => 0.75 + (inRing(pos, patch, [1, 1, 1]) ? 0 : ((w * 7 + pos[0] + pos[1]) % 5) / 256));
  const ring = (widths: (w: number) => number[]) => run.reference((w, pos) => (inRing(pos, patch, widths(w)) ? 0 : 1));
  return { ...run, before: ring(before), after: ring(after) };
}
