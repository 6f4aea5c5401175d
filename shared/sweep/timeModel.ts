import { planWindows, type WindowPlan } from '../stitching/planWindows';
import { slidingWindow } from '../stitching/slidingWindow';
import type { BlendMode } from '../stitching/types';
import { now } from '../util/clock';
import { describe, product } from '../util/validate';
import { patchKey } from './grid';
import type { CaseResult, LatencyFit, SweepBlend, SweepConfig, TimeModel } from './types';

/** What the time model needs from a calibration run (a {@link CaseResult} has all of it). */
export interface CalibrationTiming {
  configId?: string;
  patchSize: number[];
  blend: SweepBlend;
  mirror: boolean;
  windows: number;
  /** Split of the run, ms (a stored result gives its fastest run's split). */
  timing: { preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number };
  /** Stitching ms per window by blend at this patch size (see {@link measureStitchCosts}). */
  stitchProbe?: Partial<Record<SweepBlend, number>>;
}

/** A predicted run time and its parts. */
export interface TimePrediction {
  totalMs: number;
  fixedMs: number;
  modelMs: number;
  stitchMs: number;
  windows: number;
  flips: number;
}

const FN = 'fitTimeModel';

/** The calibration timing of a stored result: its fastest run's split (the median split for results without one). */
export function calibrationTiming(result: CaseResult): CalibrationTiming {
  return {
    configId: result.configId,
    patchSize: result.config.patchSize,
    blend: result.config.blend,
    mirror: result.config.mirror,
    windows: result.windows,
    timing: result.timing.fastest ?? result.timing,
    stitchProbe: result.stitchProbe,
  };
}

/**
 * Fits a {@link TimeModel} from one calibration run (or one per patch size):
 * - fixed = preprocess + postprocess (mean over the calibrations);
 * - model latency per window = modelMs / windows / flips, stitch latency = stitchMs / windows;
 * - across patch sizes the latency scales with the patch voxels: with one calibrated patch size
 *   the line goes through the origin (ms ∝ voxels); with several it is the least-squares line
 *   (intercept ≥ 0: the per-call overhead), and a calibrated patch size uses its own measurement;
 * - blend costs: the calibrations' `stitchProbe` minus the probe of their own blend, per voxel
 *   (additive: a noisy probe shifts a prediction by its difference, it does not multiply it).
 * @throws RangeError when there is no calibration or one has no windows or a non-finite timing
 */
export function fitTimeModel(calibration: CalibrationTiming | readonly CalibrationTiming[]): TimeModel {
  const cals = Array.isArray(calibration) ? (calibration as readonly CalibrationTiming[]) : [calibration as CalibrationTiming];
  if (cals.length === 0) throw new RangeError(`${FN}: needs at least one calibration run`);
  cals.forEach((c, i) => {
    if (!(Number.isInteger(c.windows) && c.windows >= 1)) throw new RangeError(`${FN}: calibration[${i}].windows must be a positive integer, got ${describe(c.windows)}`);
    for (const k of ['preprocessMs', 'modelMs', 'stitchMs', 'postprocessMs'] as const) {
      const v = c.timing?.[k];
      if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`${FN}: calibration[${i}].timing.${k} must be a finite number ≥ 0, got ${describe(v)}`);
    }
  });
  const fixedMs = cals.reduce((s, c) => s + c.timing.preprocessMs + c.timing.postprocessMs, 0) / cals.length;
  const flipsOf = (c: CalibrationTiming) => (c.mirror ? 2 ** c.patchSize.length : 1);
  const model = fitLatency(cals.map((c) => ({ voxels: product(c.patchSize), ms: c.timing.modelMs / c.windows / flipsOf(c) })));
  const stitch = fitLatency(cals.map((c) => ({ voxels: product(c.patchSize), ms: c.timing.stitchMs / c.windows })));
  const extras = new Map<SweepBlend, number[]>();
  for (const c of cals) {
    const probe = c.stitchProbe;
    const base = probe?.[c.blend];
    if (!probe || !(typeof base === 'number' && Number.isFinite(base))) continue;
    const v = product(c.patchSize);
    for (const [blend, ms] of Object.entries(probe)) {
      if (typeof ms === 'number' && Number.isFinite(ms)) extras.set(blend as SweepBlend, [...(extras.get(blend as SweepBlend) ?? []), (ms - base) / v]);
    }
  }
  const blendExtra: Partial<Record<SweepBlend, number>> = {};
  for (const [blend, xs] of extras) blendExtra[blend] = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { fixedMs, model, stitch, blendExtra, calibrations: cals.map((c) => c.configId ?? `p${patchKey(c.patchSize)}`) };
}

/** Least squares ms = a + b·voxels (a ≥ 0, b ≥ 0); through the origin with a single patch size. */
function fitLatency(samples: { voxels: number; ms: number }[]): LatencyFit {
  const byVoxels = new Map<number, number[]>();
  for (const s of samples) byVoxels.set(s.voxels, [...(byVoxels.get(s.voxels) ?? []), s.ms]);
  const points = [...byVoxels].map(([voxels, ms]) => ({ voxels, msPerWindow: ms.reduce((a, b) => a + b, 0) / ms.length })).sort((p, q) => p.voxels - q.voxels);
  const through0 = () => {
    const sxy = points.reduce((s, p) => s + p.voxels * p.msPerWindow, 0);
    const sxx = points.reduce((s, p) => s + p.voxels * p.voxels, 0);
    return { intercept: 0, perVoxel: sxy / sxx };
  };
  if (points.length === 1) return { points, ...through0() };
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.voxels, 0) / n;
  const my = points.reduce((s, p) => s + p.msPerWindow, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.voxels - mx) ** 2, 0);
  const b = points.reduce((s, p) => s + (p.voxels - mx) * (p.msPerWindow - my), 0) / sxx;
  const a = my - b * mx;
  if (b < 0) return { points, intercept: my, perVoxel: 0 };
  if (a < 0) return { points, ...through0() };
  return { points, intercept: a, perVoxel: b };
}

/** ms per window at `voxels`: the measured point when there is one, else the fitted line. */
function latency(fit: LatencyFit, voxels: number): number {
  const p = fit.points.find((q) => q.voxels === voxels);
  return p ? p.msPerWindow : fit.intercept + fit.perVoxel * voxels;
}

/**
 * Predicts a configuration's run time on an inference box: windows come from `planWindows` on
 * `domain` (the box's size, a run's `grid.domain.size`, or a ready plan).
 */
export function predictTime(model: TimeModel, config: Pick<SweepConfig, 'patchSize' | 'overlap' | 'placement' | 'blend' | 'mirror'>, domain: readonly number[] | WindowPlan): TimePrediction {
  const plan = Array.isArray(domain)
    ? planWindows(domain as readonly number[], { patchSize: config.patchSize, overlap: config.overlap, placement: config.placement })
    : (domain as WindowPlan);
  const windows = plan.windows.length;
  const voxels = product(config.patchSize);
  const flips = config.mirror ? 2 ** config.patchSize.length : 1;
  const modelMs = windows * latency(model.model, voxels) * flips;
  const stitchMs = windows * Math.max(0, latency(model.stitch, voxels) + (model.blendExtra?.[config.blend] ?? 0) * voxels);
  return { totalMs: model.fixedMs + modelMs + stitchMs, fixedMs: model.fixedMs, modelMs, stitchMs, windows, flips };
}

/**
 * Measures the stitching cost of each blend at one patch size, ms per window: `slidingWindow`
 * over an image of 1.5 patches per axis (overlap 0.5: 2 windows per axis) with a predictor that
 * costs nothing, best of `repeats` (default 3). `performance-weighted` runs as a custom weight map.
 */
export async function measureStitchCosts(
  patchSize: readonly number[],
  blends: readonly SweepBlend[],
  options: { classes?: number; repeats?: number } = {},
): Promise<Partial<Record<SweepBlend, number>>> {
  const classes = options.classes ?? 2;
  const repeats = options.repeats ?? 3;
  const shape = patchSize.map((p) => Math.max(1, Math.ceil(1.5 * p)));
  const image = { data: new Float32Array(product(shape)), shape: [...shape, 1] };
  const voxels = product(patchSize);
  const out: Partial<Record<SweepBlend, number>> = {};
  for (const blend of new Set(blends)) {
    const mode: BlendMode | Float32Array = blend === 'performance-weighted' ? new Float32Array(voxels).fill(0.5) : blend;
    let best = Infinity;
    let windows = 1;
    for (let r = 0; r < repeats; r++) {
      const t0 = now();
      await slidingWindow(
        image,
        (batch, ws) => {
          windows = Math.max(windows, ws[0].index + ws.length);
          return { data: new Float32Array(ws.length * voxels * classes).fill(0.5), shape: [ws.length, ...patchSize, classes] };
        },
        { patchSize, overlap: 0.5, blend: mode },
      );
      best = Math.min(best, now() - t0);
    }
    out[blend] = best / windows;
  }
  return out;
}
