import { DICE_FLOOR } from '../../shared/sweep/findings';
import { blendFindings, compareWeightedWithGaussian } from './blendComparison';
import { savingFindings, withVerdicts } from './noiseVerdicts';
import type { ReportCaseRow, ReportConfig, ReportRecommendation } from './reportTypes';

/** What {@link reportFindings} reads. */
export interface FindingsInput {
  /** The recommendation as read (savings possibly without verdicts), or null. */
  recommendation: ReportRecommendation | null;
  /** True when the summary made no recommendation on purpose (null, or an explanation given). */
  declined: boolean;
  /** The summary's explanation (`SweepSummary.noRecommendation`), or null. */
  noRecommendation: string | null;
  /** The summary's own findings (`SweepSummary.findings`); null when it has none (older summaries): the report then finds them itself. */
  findings: string[] | null;
  configs: ReportConfig[];
  cases: ReportCaseRow[];
}

/** Why a recommendation below the quality floor is dropped (older summaries and the report's default rule had no floor). */
function belowFloor(rec: ReportRecommendation, configs: readonly ReportConfig[]): string {
  const best = configs.reduce((a, b) => (b.dice.mean > a.dice.mean ? b : a));
  if (best.dice.mean < DICE_FLOOR) {
    return `every configuration's Dice is below ${DICE_FLOOR} (best ${best.dice.mean.toFixed(4)}, ${best.id}): the segmentation fails or the reference does not mark what the model segments, so there is no recommendation. Check that each case's label file is its reference segmentation, in the model's labels.`;
  }
  return `the configuration the summary recommends (${rec.configId}) has a Dice of ${rec.dice.toFixed(4)}, below the quality floor ${DICE_FLOOR}, so it is not recommended; rerun the summary (patchlens sweep --resume) for a recommendation among the configurations above the floor.`;
}

/**
 * The report's recommendation, why there is none, and the comparisons it will not state as
 * findings. A recommendation whose Dice is below the quality floor (`DICE_FLOOR`) is dropped.
 * Savings get the noise verdicts they lack (older summaries) from the per-case data. The findings
 * are the summary's own when it has them (the sweep compared the same results); an older summary
 * gets the report's: the savings whose time is within noise, then the performance-weighted /
 * gaussian settings that are no finding; each sentence once.
 */
export function reportFindings(input: FindingsInput): { recommendation: ReportRecommendation | null; noRecommendation: string | null; findings: string[] } {
  const byId = new Map(input.configs.map((c) => [c.id, c]));
  const own: string[] = [];
  let recommendation = input.recommendation;
  let dropped: string | null = null;
  if (recommendation && recommendation.dice < DICE_FLOOR) {
    dropped = belowFloor(recommendation, input.configs);
    recommendation = null;
  }
  if (recommendation) {
    const rc = byId.get(recommendation.configId);
    recommendation = { ...recommendation, savings: recommendation.savings.map((s) => withVerdicts(s, rc, byId.get(s.configId), input.cases)) };
    own.push(...savingFindings(recommendation.savings, recommendation.configId, byId));
  }
  own.push(...blendFindings(compareWeightedWithGaussian(input.configs, input.cases)));
  const noRecommendation = recommendation
    ? null
    : (dropped ?? input.noRecommendation ?? (input.declined ? 'The sweep made no recommendation; its summary gives no reason (see the warnings below).' : 'No configuration has a result, so there is nothing to recommend.'));
  return { recommendation, noRecommendation, findings: [...new Set(input.findings ?? own)] };
}
