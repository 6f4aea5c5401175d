import { configLabel, meanOverlap, seriesLabel, type ConfigParts } from '../format/config';
import { diceText, seconds } from '../format/number';

/** One configuration as the views read it (from a `ConfigSummary` or a report's configuration). */
export interface ViewConfig extends ConfigParts {
  id: string;
  /** Mean time per case (median of repeated runs), ms. */
  timeMs: number;
  dice: number;
  windows: number;
  onParetoFront: boolean;
}

/** One configuration as a chart point. */
export interface ConfigPoint {
  id: string;
  /** The configuration in a few words ({@link configLabel}). */
  label: string;
  timeS: number;
  dice: number;
  /** Mean overlap over the axes. */
  overlap: number;
  blend: string;
  /** Placement, with " + mirrored" when mirrored (the trade-off charts' symbol). */
  placement: string;
  /** Series of the overlap chart: blend and patch size ({@link seriesLabel}). */
  series: string;
  front: boolean;
  recommended: boolean;
  /** Tooltip: the configuration id on the first line (clicks read it back), then its numbers. */
  title: string;
}

/** The configurations as chart points, in their order; `recommendedId` marks the recommendation. */
export function configPoints(configs: readonly ViewConfig[], recommendedId: string | null): ConfigPoint[] {
  return configs.map((c) => ({
    id: c.id,
    label: configLabel(c),
    timeS: c.timeMs / 1000,
    dice: c.dice,
    overlap: meanOverlap(c),
    blend: c.blend,
    placement: `${c.placement}${c.mirror ? ' + mirrored' : ''}`,
    series: seriesLabel(c),
    front: c.onParetoFront,
    recommended: c.id === recommendedId,
    title: `${c.id}\nDice ${diceText(c.dice)}, ${seconds(c.timeMs)} per case, ${Number.isFinite(c.windows) ? c.windows : '—'} windows`,
  }));
}

/**
 * The Pareto front's points in the order the step line draws them: faster first, then better
 * Dice (the order of `SweepSummary.pareto`). Which points are on it is the summary's
 * `paretoFront` (shared/sweep/pareto.ts); the view only orders them.
 */
export function frontOf(points: readonly ConfigPoint[]): ConfigPoint[] {
  return points.filter((p) => p.front).sort((a, b) => a.timeS - b.timeS || b.dice - a.dice);
}
