import { settingLabel } from '../../shared/sweep/findings';
import { describeDice, describeTime, type DiceComparison, type TimeComparison } from '../../shared/sweep/noise';
import type { SweepConfig } from '../../shared/sweep/types';
import { compareConfigs } from './noiseVerdicts';
import type { ReportCaseRow, ReportConfig } from './reportTypes';

/** Performance-weighted blending against gaussian at the same patch, overlap, placement and mirroring. */
export interface BlendComparisonRow {
  setting: string;
  gaussian: { id: string; dice: number; timeMs: number };
  weighted: { id: string; dice: number; timeMs: number };
  /** weighted − gaussian (mean over cases). */
  diceChange: number;
  /** (weighted − gaussian) / gaussian time, %. */
  timeChangePct: number;
  /** Weighted against gaussian, paired per case (`compareDice`): `no difference` unless the change exceeds the noise. */
  dice: DiceComparison;
  /** Weighted against gaussian from the repeated runs (`compareTimes`). */
  time: TimeComparison;
  /** The Dice verdict, in the table's words. */
  verdict: DiceComparison['verdict'];
  /** True when either verdict is no finding ("no difference" or "within noise"), as the sweep counts it. */
  notAFinding: boolean;
}

/**
 * Pairs every `performance-weighted` configuration with the `gaussian` one that differs only in
 * blending (same windows, so the same time up to noise), to answer whether the measured map,
 * used as a weight map, beats gaussian blending at equal time. The verdicts are the sweep's
 * noise-aware ones on the per-case results (`cases`; without them, the configurations' figures).
 */
export function compareWeightedWithGaussian(configs: readonly ReportConfig[], cases: readonly ReportCaseRow[] = []): BlendComparisonRow[] {
  const key = (c: ReportConfig) => `${c.patchSize.join('×')}|${c.overlap.join('×')}|${c.placement}|${c.mirror}`;
  const gaussian = new Map(configs.filter((c) => c.blend === 'gaussian').map((c) => [key(c), c]));
  const rows: BlendComparisonRow[] = [];
  for (const w of configs) {
    if (w.blend !== 'performance-weighted') continue;
    const g = gaussian.get(key(w));
    if (!g) continue;
    const c = compareConfigs(cases, w, g);
    rows.push({
      // The sweep's words for the setting (settingLabel reads only the patch, overlap, placement and mirroring).
      setting: settingLabel({ id: w.id, patchSize: w.patchSize, overlap: w.overlap, placement: w.placement, blend: w.blend, mirror: w.mirror } as SweepConfig),
      gaussian: { id: g.id, dice: g.dice.mean, timeMs: g.time.medianMs },
      weighted: { id: w.id, dice: w.dice.mean, timeMs: w.time.medianMs },
      diceChange: w.dice.mean - g.dice.mean,
      timeChangePct: ((w.time.medianMs - g.time.medianMs) / g.time.medianMs) * 100,
      dice: c.dice,
      time: c.time,
      verdict: c.dice.verdict,
      notAFinding: c.dice.verdict === 'no difference' || c.time.verdict === 'within noise',
    });
  }
  return rows;
}

/** The Warnings' sentence for each setting whose comparison is no finding, worded as the sweep words it (`compareBlends`). */
export function blendFindings(rows: readonly BlendComparisonRow[]): string[] {
  return rows.filter((r) => r.notAFinding).map((r) => `performance-weighted vs gaussian blending (${r.setting}): ${describeDice(r.dice)}; time ${describeTime(r.time)}: not a finding`);
}
