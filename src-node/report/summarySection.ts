import { DICE_MIN_DIFFERENCE, describeDice, describeTime, TIME_MIN_DIFFERENCE_FRACTION, type DiceComparison, type TimeComparison } from '../../shared/sweep/noise';
import { configLabel, perAxisText } from '../../shared/format/config';
import { diceText as diceValue, pct, secondsFixed, short, sig, signed } from '../../shared/format/number';
import { asSentence, describeRule } from '../../shared/format/text';
import { esc } from './html';
import type { ReportConfig, ReportData, ReportRecommendation, ReportSaving, ReportTimeModelError } from './reportTypes';

/** The savings worth showing: not against the recommendation itself. */
function shownSavings(rec: ReportRecommendation): ReportSaving[] {
  return rec.savings.filter((s) => s.configId !== rec.configId);
}

function windowsText(w: number | null): string {
  if (w === null || !Number.isFinite(w)) return '';
  if (w === 0) return ' with the same number of windows';
  return ` and ${short(Math.abs(w))} window${Math.abs(w) === 1 ? '' : 's'} ${w > 0 ? 'fewer' : 'more'}`;
}

/** The Dice part of a comparison: a change only when the noise verdict supports one. */
export function diceText(change: number, c: DiceComparison | null): string {
  if (!c) return `a Dice change of ${signed(change, Math.abs(change).toFixed(4))}`;
  return c.verdict === 'no difference' ? `no difference in Dice (${describeDice(c)})` : `${c.verdict === 'better' ? 'a better' : 'a worse'} Dice (${describeDice(c)})`;
}

/** The time part of a saving: "saves …" only when the recommendation is faster beyond the noise. */
function timeText(s: ReportSaving): string {
  const t: TimeComparison | null = s.time;
  if (t && t.verdict === 'faster') {
    return `<span class="saving">saves ${esc(secondsFixed(s.savingMs))} per case${s.savingPct !== null ? ` (${esc(pct(s.savingPct, 0))})` : ''}</span>${esc(windowsText(s.savingWindows))} (${esc(describeTime(t))})`;
  }
  if (t && t.verdict === 'slower') return `<span class="cost">costs ${esc(secondsFixed(-s.savingMs))} more per case</span> (${esc(describeTime(t))})`;
  if (t) return `<span class="noise">takes the same time</span>, ${esc(describeTime(t))},${esc(windowsText(s.savingWindows).replace(/^ and/, ''))} (no saving is claimed)`;
  return `<span class="noise">has no repeated runs to compare its time with</span> (no saving is claimed)`;
}

function savingSentence(rec: ReportRecommendation, byId: Map<string, ReportConfig>): string {
  const s = shownSavings(rec)[0];
  if (!s) return '';
  const other = byId.get(s.configId);
  return `It ${timeText(s)} compared with ${esc(s.label)}${other ? ` (${esc(configLabel(other))})` : ''}, with ${esc(diceText(s.diceChange, s.diceComparison))}.`;
}

/** One sentence on the time model's measured error on this sweep, or '' without one. */
export function timeModelSentence(errors: readonly ReportTimeModelError[]): string {
  const known = errors.filter((e) => e.meanAbsErrorPct !== null && e.maxAbsErrorPct !== null && e.heldOut > 0);
  if (known.length === 0) return '';
  const held = known.reduce((a, e) => a + e.heldOut, 0);
  const meanAll = known.reduce((a, e) => a + e.meanAbsErrorPct! * e.heldOut, 0) / held;
  const worst = Math.max(...known.map((e) => e.maxAbsErrorPct!));
  const per =
    known.length > 1 || known[0].caseId !== null
      ? ` (${known.map((e) => `${e.caseId ?? 'all cases'}${e.machine ? ` on ${e.machine}` : ''}: mean ${pct(e.meanAbsErrorPct)}, worst ${pct(e.maxAbsErrorPct)} over ${e.heldOut}`).join('; ')})`
      : '';
  return `Measured error of the time model on this sweep, over the ${held} held-out configuration run${held === 1 ? '' : 's'} it was not fitted on: mean ${pct(meanAll)}, worst ${pct(worst)}${per}. Predicted times are estimates within that error, not measurements.`;
}

function recommendationCard(data: ReportData, byId: Map<string, ReportConfig>): string {
  const rec = data.recommendation;
  const rc = rec ? byId.get(rec.configId) : undefined;
  if (!rec || !rc) {
    const why = asSentence(data.noRecommendation ?? 'No configuration has a result, so there is nothing to recommend.');
    return `<div class="callout norec" id="no-recommendation">
<div class="big">No recommendation</div>
<p>${esc(why)}</p>
</div>`;
  }
  return `<div class="callout" id="recommendation">
<div class="big">${esc(`Recommended: ${configLabel(rc)}`)}</div>
<p>Mean Dice <b>${esc(diceValue(rec.dice))}</b> in <b>${esc(secondsFixed(rec.timeMs))}</b> per case with ${esc(short(rec.windows))} windows. ${savingSentence(rec, byId)}</p>
<p class="rule">Rule: ${esc(describeRule(rec.rule))}.${rec.reason ? ` Why: ${esc(rec.reason)}.` : ''}</p>
</div>`;
}

function savingsTable(rec: ReportRecommendation | null, byId: Map<string, ReportConfig>): string {
  const rows = (rec ? shownSavings(rec) : [])
    .map((sv) => {
      const o = byId.get(sv.configId);
      const t = sv.time;
      const range = t ? `<br><span class="note">${esc(secondsFixed(t.b.minMs))}–${esc(secondsFixed(t.b.maxMs))}</span>` : '';
      const saved =
        t && t.verdict !== 'within noise'
          ? `${esc(signed(sv.savingMs, secondsFixed(Math.abs(sv.savingMs))))}${sv.savingPct !== null ? `<br><span class="note">${esc(pct(sv.savingPct, 0))}</span>` : ''}`
          : `within noise<br><span class="note">${esc(signed(sv.savingMs, secondsFixed(Math.abs(sv.savingMs))))} (not a saving)</span>`;
      const d = sv.diceComparison;
      const diceCell = `${esc(signed(sv.diceChange, Math.abs(sv.diceChange).toFixed(4)))}${d ? `<br><span class="note">${esc(d.verdict)}</span>` : ''}`;
      return `<tr><td>${esc(sv.label)}<br><span class="note">${esc(o ? configLabel(o) : sv.configId)}</span></td><td class="n">${esc(o ? secondsFixed(o.time.medianMs) : '—')}${range}</td><td class="n">${saved}</td><td class="n">${sv.savingWindows !== null ? esc(short(sv.savingWindows)) : '—'}</td><td class="n">${diceCell}</td></tr>`;
    })
    .join('');
  return rows
    ? `<div class="keep"><h3>Expected saving per case</h3><table class="savings"><thead><tr><th>compared with</th><th class="n">its time (median)<br>min–max</th><th class="n">time saved</th><th class="n">windows saved</th><th class="n">Dice change<br>verdict</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">A saving is claimed only when, on every case, the two configurations' timed runs do not overlap and the medians differ by at least ${esc(pct(TIME_MIN_DIFFERENCE_FRACTION * 100, 0))}; a Dice change only when it is at least ${DICE_MIN_DIFFERENCE} and its 95 % interval over the cases excludes 0.</p></div>`
    : '';
}

function marginTable(rec: ReportRecommendation | null, byId: Map<string, ReportConfig>): string {
  const m = rec?.margin ?? null;
  if (!m || !rec) return '';
  const rc = byId.get(rec.configId);
  const mc = m.configId ? byId.get(m.configId) : undefined;
  return `<div class="keep"><h3>What the map says, beside what the sweep measured</h3>
<table class="side"><thead><tr><th></th><th class="n">from the map (recommendMargin)</th><th class="n">recommended configuration</th></tr></thead><tbody>
<tr><td>patch</td><td class="n">${esc(m.patchSize.join(' × ') || '—')}</td><td class="n">${esc(rc ? rc.patchSize.join(' × ') : '—')}</td></tr>
<tr><td>margin discarded per side (voxels)</td><td class="n">${esc(perAxisText(m.margin))}</td><td class="n">${esc(rc ? perAxisText(rc.overlap.map((o, a) => (o * (rc.patchSize[a] ?? 0)) / 2), short) : '—')}</td></tr>
<tr><td>overlap</td><td class="n">${esc(perAxisText(m.overlap, short))}</td><td class="n">${esc(rc ? perAxisText(rc.overlap, short) : '—')}</td></tr>
<tr><td>mean error: kept crop / whole patch</td><td class="n">${esc(sig(m.cropMean, 3))} / ${esc(sig(m.fullMean, 3))}</td><td class="n">—</td></tr>
<tr><td>kept fraction of the patch</td><td class="n">${esc(pct(m.keptFraction * 100, 0))}</td><td class="n">—</td></tr>
</tbody></table>
<p class="note">recommendMargin keeps the largest crop whose mean error is within ${esc(pct(m.tolerance * 100, 0))} of the best crop; the overlap 2·margin/patch discards exactly that border.${mc ? ` The grid configuration with that overlap is ${esc(configLabel(mc))} (${esc(secondsFixed(mc.time.medianMs))}, Dice ${esc(diceValue(mc.dice.mean))})${mc.id === rec.configId ? ': the recommendation itself' : ''}.` : ' The grid has no configuration with exactly that overlap.'}</p></div>`;
}

/** How many entries the Warnings section lists: the missing recommendation, the findings not stated, the sweep's warnings. */
export function warningCount(data: ReportData): number {
  return (data.recommendation ? 0 : 1) + data.findings.length + data.warnings.length;
}

/** Section 1: what was measured, the recommendation (or why there is none), its savings within the noise, the map's margin beside it. */
export function summarySection(data: ReportData, byId: Map<string, ReportConfig>): string {
  const s = data.summary;
  const facts = [
    [String(s.caseIds.length || '—'), `case${s.caseIds.length === 1 ? '' : 's'} (images)`],
    [String(s.configCount), 'configurations'],
    [String(s.runCount), 'measured runs'],
    [data.configs.filter((c) => c.onParetoFront).length.toString(), 'on the Pareto front'],
  ];
  const n = warningCount(data);
  const warn = n ? `<div class="warnbox"><b>${n} warning${n === 1 ? '' : 's'}</b> — see <a href="#warnings">Warnings</a> at the end of this report.</div>` : '';
  const tm = timeModelSentence(data.timeModelErrors);
  return `<section id="summary">
<h2>1. Summary and recommendation</h2>
<p>This report answers one question for a patch-based segmentation model: <b>how much patch overlap is worth its inference time?</b> The sweep ran every configuration (patch size, overlap, placement, blending, mirroring) on every case, measured the segmentation quality (Dice against the reference labels) and the wall-clock time, and measured the model's error at every position inside the patch (the patch performance map).</p>
<div class="facts">${facts.map(([v, k]) => `<div class="fact"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`).join('')}</div>
${recommendationCard(data, byId)}
${warn}
${tm ? `<p class="note" id="time-model-error-summary">${esc(tm)}</p>` : ''}
${savingsTable(data.recommendation, byId)}
${marginTable(data.recommendation, byId)}
</section>`;
}
