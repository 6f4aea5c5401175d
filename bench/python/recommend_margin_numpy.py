#!/usr/bin/python3
"""The numpy brute force beside the bench's `recommend_margin` line (bench/recommendMarginBench.ts).

The same search as shared/recommend/recommendMargin.ts, written the direct way: for every
per-axis margin m_a in 0 ... max(0, ceil(s_a/2 - 1) - 1), in lexicographic order (last axis
fastest), the mean of the map over the crop [m_a, s_a - m_a) as a float64 sum of the slice
divided by its voxel count (no summed-area table). Then the same rule: B is the first lowest
mean (a mean counts as lower only below B - max|v| * 1e-12); among the crops with mean
<= B + |B| * tolerance + max|v| * 1e-12 the one keeping the most voxels, the first such margin
on ties. numpy sums pairwise, the TS code through its table: means agree to ~1e-16 relative,
and the bench prints whether the chosen margins agree.

Prints one JSON line: {"numpy_ms": median, "runs_ms": [...], "margin": [...], ...}.
Usage: recommend_margin_numpy.py MAP.npy [tolerance [repeats]]
"""
import itertools
import json
import math
import sys
import time

import numpy as np


def max_margin(size):
    """Largest margin tried on an axis of size s: max(0, ceil(s/2 - 1) - 1)."""
    return max(0, math.ceil(size / 2 - 1) - 1)


def recommend(values, tolerance):
    """Every crop mean by direct summation, then the TS code's choice."""
    data = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(data)):
        raise ValueError("map has values that are not finite")
    shape = data.shape
    margins = list(itertools.product(*(range(max_margin(s) + 1) for s in shape)))
    means = np.empty(len(margins))
    kept = np.empty(len(margins), dtype=np.int64)
    for i, m in enumerate(margins):
        crop = data[tuple(slice(mi, s - mi) for mi, s in zip(m, shape))]
        kept[i] = crop.size
        means[i] = crop.sum() / crop.size
    slack = float(np.abs(data).max()) * 1e-12
    best = 0
    best_mean = math.inf
    for i in range(len(margins)):
        if means[i] < best_mean - slack:
            best, best_mean = i, means[i]
    threshold = best_mean + abs(best_mean) * tolerance + slack
    ok = np.flatnonzero(means <= threshold)
    pick = int(ok[np.argmax(kept[ok])])  # argmax: the first of equal maxima
    return {
        "margin": list(margins[pick]),
        "best_margin": list(margins[best]),
        "crop_mean": float(means[pick]),
        "best_crop_mean": float(means[best]),
        "full_mean": float(data.sum() / data.size),
        "kept_fraction": int(kept[pick]) / data.size,
        "margins": len(margins),
    }


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: recommend_margin_numpy.py MAP.npy [tolerance [repeats]]")
    values = np.load(sys.argv[1])
    tolerance = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    runs = []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = recommend(values, tolerance)
        runs.append((time.perf_counter() - t0) * 1000)
    ordered = sorted(runs)
    print(json.dumps({
        "numpy_ms": round(ordered[(len(ordered) - 1) // 2], 3),
        "runs_ms": [round(r, 3) for r in runs],
        "numpy": np.__version__,
        "shape": list(values.shape),
        "tolerance": tolerance,
        **result,
    }))


if __name__ == "__main__":
    main()
