import type { ReportConfig } from './reportData';

/** Performance-weighted blending against gaussian at the same patch, overlap, placement and mirroring. */
export interface BlendComparisonRow {
  setting: string;
  gaussian: { id: string; dice: number; timeMs: number };
  weighted: { id: string; dice: number; timeMs: number };
  /** weighted − gaussian. */
  diceChange: number;
  /** (weighted − gaussian) / gaussian time, %. */
  timeChangePct: number;
  verdict: 'beats' | 'ties' | 'loses';
}

/** Dice differences below this count as a tie (well under what 0.5 % rules care about). */
const TIE = 5e-4;

/**
 * Pairs every `performance-weighted` configuration with the `gaussian` one that differs only in
 * blending (same windows, so the same time up to noise), to answer whether the measured map,
 * used as a weight map, beats gaussian blending at equal time.
 */
export function compareWeightedWithGaussian(configs: readonly ReportConfig[]): BlendComparisonRow[] {
  const key = (c: ReportConfig) => `${c.patchSize.join('×')}|${c.overlap.join('×')}|${c.placement}|${c.mirror}`;
  const gaussian = new Map(configs.filter((c) => c.blend === 'gaussian').map((c) => [key(c), c]));
  const rows: BlendComparisonRow[] = [];
  for (const w of configs) {
    if (w.blend !== 'performance-weighted') continue;
    const g = gaussian.get(key(w));
    if (!g) continue;
    const diceChange = w.dice.mean - g.dice.mean;
    rows.push({
      setting: `patch ${w.patchSize.join('×')} · overlap ${[...new Set(w.overlap)].join('×')} · ${w.placement}${w.mirror ? ' · mirrored' : ''}`,
      gaussian: { id: g.id, dice: g.dice.mean, timeMs: g.time.medianMs },
      weighted: { id: w.id, dice: w.dice.mean, timeMs: w.time.medianMs },
      diceChange,
      timeChangePct: ((w.time.medianMs - g.time.medianMs) / g.time.medianMs) * 100,
      verdict: Math.abs(diceChange) < TIE ? 'ties' : diceChange > 0 ? 'beats' : 'loses',
    });
  }
  return rows;
}
