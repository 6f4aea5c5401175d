#!/usr/bin/python3
"""The numpy peer of the bench's `stitch` line (bench/stitchBench.ts).

The same work as slidingWindow with an identity predictor: a 160x192x160x1 float32 volume,
64^3 patches, overlap 0.5, stride placement (MONAI/TorchIO: starts every 32 voxels, the last
one flush with the border), batch 1, MONAI's gaussian importance map (sigma = 0.125 * 64 per
axis, centred at (P-1)/2, the outer product clamped below at 1e-3, float32). Per window: cut the
patch out (a copy, as the core hands the predictor a fresh buffer), "predict" (identity), add
weights * patch into the float32 accumulator and weights into the float32 weight sum through
slices; at the end divide. This is how a competent numpy user writes it (MONAI's own loop,
without torch): slices and whole-array operations, no loop over voxels.

Prints one JSON line: {"numpy_ms": median, "runs_ms": [...], "numpy": version, ...}.
Usage: stitch_numpy.py [repeats]
"""
import json
import sys
import time

import numpy as np

SHAPE = (160, 192, 160)
PATCH = 64
OVERLAP = 0.5


def axis_starts(size, patch, overlap):
    """Stride placement: starts every round(patch * (1 - overlap)), the last flush with the end."""
    if size <= patch:
        return [0]
    step = max(1, int(round(patch * (1 - overlap))))
    starts = list(range(0, size - patch + 1, step))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def gaussian_weights(patch, sigma_scale=0.125):
    """MONAI's compute_importance_map('gaussian'): the float64 outer product, clamped, float32."""
    i = np.arange(patch, dtype=np.float64) - (patch - 1) / 2
    sigma = sigma_scale * patch
    p = np.exp(-(i * i) / (2 * sigma * sigma))
    w = p[:, None, None] * p[None, :, None] * p[None, None, :]
    return np.maximum(w, 1e-3).astype(np.float32)


def stitch(volume, weights, starts):
    acc = np.zeros(volume.shape, dtype=np.float32)
    wsum = np.zeros(volume.shape, dtype=np.float32)
    for z in starts[0]:
        for y in starts[1]:
            for x in starts[2]:
                sl = (slice(z, z + PATCH), slice(y, y + PATCH), slice(x, x + PATCH))
                patch = volume[sl].copy()  # the batch handed to the predictor
                pred = patch  # identity predictor
                acc[sl] += weights * pred
                wsum[sl] += weights
    acc /= wsum
    return acc


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rng = np.random.default_rng(20240521)
    volume = rng.random(SHAPE, dtype=np.float32)
    weights = gaussian_weights(PATCH)
    starts = [axis_starts(s, PATCH, OVERLAP) for s in SHAPE]
    out = stitch(volume, weights, starts)  # warm-up
    # Identity predictor: the stitched volume is the input up to float32 rounding.
    err = float(np.max(np.abs(out - volume)))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        stitch(volume, weights, starts)
        times.append((time.perf_counter() - t0) * 1000)
    times_sorted = sorted(times)
    print(json.dumps({
        "numpy_ms": round(times_sorted[(len(times) - 1) // 2], 3),
        "runs_ms": [round(t, 3) for t in times],
        "numpy": np.__version__,
        "windows": len(starts[0]) * len(starts[1]) * len(starts[2]),
        "max_abs_error_vs_input": err,
    }))


if __name__ == "__main__":
    main()
