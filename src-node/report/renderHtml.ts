import { JSDOM } from 'jsdom';
import { DICE_MIN_DIFFERENCE, describeDice, describeTime } from '../../shared/sweep/noise';
import { compareWeightedWithGaussian } from './blendComparison';
import { borderProfileChart, diceTimeChart, overlapTimeChart, predictionChart } from './charts';
import { patchText, perAxisText } from '../../shared/format/config';
import { diceText, pct, short, sig, signed, signedFixed } from '../../shared/format/number';
import { asSentence } from '../../shared/format/text';
import { esc, tbodyGroups, tbodyPerGroup } from './html';
import { heatmapFigure } from './heatmap';
import { patientSection } from './patientSection';
import { REPORT_CSS } from './reportStyles';
import { reportView } from './reportView';
import type { ReportClassDice, ReportConfig, ReportData } from './reportTypes';
import { summarySection, timeModelSentence } from './summarySection';
import { userFindingsSection } from './userFindingsSection';

/** Options of {@link renderHtml}. */
export interface RenderHtmlOptions {
  /** Extra CSS appended to the stylesheet. */
  css?: string;
}

/** Seconds without the unit (the column header has it). */
const secs = (ms: number) => sig(ms / 1000, 3);

const missing = (what: string) => `<p class="missing">${esc(what)}</p>`;

function classHeader(c: ReportClassDice): string {
  return c.name ?? (c.label === -1 ? 'foreground' : `class ${c.label}`);
}

/** Union of the classes over all configurations, by label. */
function classesOf(configs: { perClass: ReportClassDice[] }[]): ReportClassDice[] {
  const by = new Map<number, ReportClassDice>();
  for (const c of configs) for (const k of c.perClass) if (!by.has(k.label)) by.set(k.label, k);
  return [...by.values()].sort((a, b) => a.label - b.label);
}

/**
 * Why the patch maps are float NIfTI and not a DICOM Parametric Map (issue 15), under the map.
 * Two lines at most: section 2 fills its page, a third line would spill onto a page of its own.
 */
export const MAP_FILES_NOTE =
  "The maps are float NIfTI in patch coordinates (maps/<calibration>.nii.gz; infer: patch-performance.nii.gz, consistency.nii.gz), not a DICOM Parametric Map, which must lie in the patient's frame of reference.";

function mapSection(data: ReportData, doc: Document): string {
  const map = data.performanceMap;
  const margin = data.recommendation?.margin ?? null;
  const heat = map ? heatmapFigure(doc, map, margin) : missing('No patch performance map: the sweep has no reference labels, or its map could not be read.');
  let profile = missing('No border profile: it needs the full patch performance map.');
  if (data.borderProfile) {
    const c = borderProfileChart(doc, data.borderProfile, margin, map ? map.mean : null);
    profile = `<figure id="fig-border-profile">${c.svg}<figcaption>${esc(c.caption)}</figcaption></figure>`;
  }
  return `<section id="performance-map" class="page">
<h2>2. Patch performance</h2>
<p>A patch-based model sees the image through windows; near a window's border its view is cut off, so its error is often higher there. The map below is the model's error at each position inside the patch, averaged over all patches. A flat map means overlap buys nothing; a map that rises toward the border says how much border to discard.</p>
${heat}
${profile}
<p class="note" id="map-files-note">${esc(MAP_FILES_NOTE)}</p>
</section>`;
}

function tradeoffSection(data: ReportData, doc: Document): string {
  const view = reportView(data);
  const a = overlapTimeChart(doc, view);
  const b = diceTimeChart(doc, view);
  const p = predictionChart(doc, view);
  const tm = timeModelSentence(data.timeModelErrors);
  const pred = p
    ? `<figure id="fig-predicted-measured">${p.svg}<figcaption>${esc(p.caption)}</figcaption></figure>`
    : missing('No time predictions: the sweep ran without a time model.');
  return `<section id="tradeoff" class="page">
<h2>3. Overlap, time and quality</h2>
<figure id="fig-overlap-time">${a.svg}<figcaption>${esc(a.caption)}</figcaption></figure>
<figure id="fig-dice-time">${b.svg}<figcaption>${esc(b.caption)}</figcaption></figure>
${blendComparison(data)}
<div class="keep"><h3>Predicted against measured time</h3>
${tm ? `<p id="time-model-error">${esc(tm)}</p>` : ''}
${pred}</div>
</section>`;
}

/** Does the measured map, used as weights, beat gaussian blending at equal time (same windows)? Only beyond the noise. */
function blendComparison(data: ReportData): string {
  const rows = compareWeightedWithGaussian(data.configs, data.cases);
  if (rows.length === 0) return '';
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  const verdict = `performance-weighted blending is better than gaussian in ${count('better')} of ${rows.length} setting(s), worse in ${count('worse')}, and shows no difference in ${count('no difference')}`;
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.setting)}</td><td class="n">${r.gaussian.dice.toFixed(4)}</td><td class="n">${r.weighted.dice.toFixed(4)}</td><td class="n">${esc(signedFixed(r.diceChange, 4))}</td><td class="n">${esc(sig(r.weighted.timeMs / 1000, 3))} s / ${esc(sig(r.gaussian.timeMs / 1000, 3))} s<br><span class="note">${esc(describeTime(r.time))}</span></td><td>${esc(r.verdict)}<br><span class="note">${esc(describeDice(r.dice))}</span></td></tr>`,
    )
    .join('');
  return `<div class="keep"><h3 id="weighted-vs-gaussian">Performance-weighted against gaussian blending at equal time</h3>
<p>The measured patch performance map of the calibration run, turned into a weight map (lower error, higher weight), used for blending: a mode none of MONAI, nnU-Net or TorchIO has. Same windows as gaussian, so the same time up to noise. On this sweep, ${esc(verdict)}. A Dice difference counts only when it is at least ${DICE_MIN_DIFFERENCE} and, over several cases, its 95 % interval excludes 0.</p>
<table class="compact blend"><thead><tr><th>setting</th><th class="n">Dice gaussian</th><th class="n">Dice weighted</th><th class="n">change</th><th class="n">time weighted / gaussian</th><th>verdict</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Per-class Dice columns fit beside the other columns up to this many classes; more go to their own table. */
const INLINE_CLASSES = 3;

function perClassTables(rows: { id: string; perClass: ReportClassDice[] }[], classes: ReportClassDice[], rowHeader: string): string {
  const chunks: ReportClassDice[][] = [];
  for (let i = 0; i < classes.length; i += 8) chunks.push(classes.slice(i, i + 8));
  return chunks
    .map(
      (chunk) =>
        `<table class="perclass"><thead><tr><th>${esc(rowHeader)}</th>${chunk.map((k) => `<th class="n">${esc(classHeader(k))}</th>`).join('')}</tr></thead>${tbodyGroups(
          rows.map((r) => `<tr><td class="id">${esc(r.id)}</td>${chunk.map((k) => `<td class="n">${esc(diceText(r.perClass.find((x) => x.label === k.label)?.dice))}</td>`).join('')}</tr>`),
        )}</table>`,
    )
    .join('');
}

function configTable(data: ReportData): string {
  const classes = classesOf(data.configs.map((c) => c.dice));
  const inline = classes.length <= INLINE_CLASSES ? classes : [];
  const head = `<tr><th>configuration</th><th class="n">patch</th><th class="n">over&shy;lap</th><th>place&shy;ment</th><th>blend</th><th>mir&shy;ror</th><th class="n">win&shy;dows</th><th class="n">time (s) median<br>min–max</th><th class="n">pre&shy;dicted (s)<br>error</th>${inline.map((k) => `<th class="n">Dice ${esc(classHeader(k))}</th>`).join('')}<th class="n">mean Dice</th><th class="n">Dice/s</th><th>Pa&shy;reto front</th></tr>`;
  const sorted = [...data.configs].sort((a, b) => a.time.medianMs - b.time.medianMs);
  const rows = sorted
    .map((c) => {
      const isRec = c.id === data.recommendation?.configId;
      const cls = [isRec ? 'rec' : '', c.onParetoFront ? 'front' : ''].filter(Boolean).join(' ');
      const range = c.time.minMs !== null && c.time.maxMs !== null ? `<br><span class="note">${esc(secs(c.time.minMs))}–${esc(secs(c.time.maxMs))}</span>` : '';
      const pred = c.predictedMs !== null ? `${esc(secs(c.predictedMs))}${c.predictionErrorPct !== null ? `<br><span class="note">${esc(signed(c.predictionErrorPct, pct(Math.abs(c.predictionErrorPct))))}</span>` : ''}` : '—';
      const per = inline.map((k) => `<td class="n">${esc(diceText(c.dice.perClass.find((x) => x.label === k.label)?.dice))}</td>`).join('');
      const flags = [isRec ? '★ recommended' : '', c.calibration ? 'calibration' : '', c.complete ? '' : `incomplete (${c.cases ?? 0} case${c.cases === 1 ? '' : 's'})`].filter(Boolean).join(', ');
      return `<tr class="${cls}"><td class="id">${esc(c.id)}${flags ? `<br><span class="flag">${esc(flags)}</span>` : ''}</td><td class="n">${esc(patchText(c.patchSize))}</td><td class="n">${esc(perAxisText(c.overlap, short))}</td><td>${esc(c.placement)}</td><td>${esc(c.blend)}</td><td>${c.mirror ? 'yes' : 'no'}</td><td class="n">${esc(short(c.windows))}</td><td class="n">${esc(secs(c.time.medianMs))}${range}</td><td class="n">${pred}</td>${per}<td class="n"><b>${esc(diceText(c.dice.mean))}</b></td><td class="n">${esc(sig(c.efficiency, 3))}</td><td>${c.onParetoFront ? 'yes' : ''}</td></tr>`;
    });
  const separate = inline.length < classes.length ? `<h3>Dice per class</h3>${perClassTables(sorted.map((c) => ({ id: c.id, perClass: c.dice.perClass })), classes, 'configuration')}` : '';
  return `<section id="configurations" class="page">
<h2>4. Configurations</h2>
<p class="note">All ${data.configs.length} configurations, fastest first. Times are per case: the mean over cases of the median of repeated runs, with the fastest and slowest single run below; the predicted time comes from the sweep's time model, with its error against the measured fastest run. Dice/s is the efficiency (mean Dice divided by the time in seconds). Shaded row: the recommendation; black bar on the left: on the Pareto front.${data.summary.diceMode ? ` Dice mode: ${esc(data.summary.diceMode)}.` : ''}</p>
<table class="configs" id="config-table"><thead>${head}</thead>
${tbodyGroups(rows)}
</table>
${separate}
</section>`;
}

function caseTable(data: ReportData, byId: Map<string, ReportConfig>): string {
  if (data.cases.length === 0) return `<section id="cases" class="page"><h2>5. Per-case results</h2>${missing('No per-case results in this sweep folder.')}</section>`;
  const classes = classesOf(data.cases);
  const inline = classes.length <= INLINE_CLASSES ? classes : [];
  const caseIds = [...new Set(data.cases.map((c) => c.caseId))];
  const order = new Map([...byId.values()].sort((a, b) => a.time.medianMs - b.time.medianMs).map((c, i) => [c.id, i]));
  const sorted = caseIds.flatMap((caseId) => data.cases.filter((r) => r.caseId === caseId).sort((a, b) => (order.get(a.configId) ?? 1e9) - (order.get(b.configId) ?? 1e9)));
  const rows = sorted
    .map((r, i) => {
      const range = r.minMs !== null && r.maxMs !== null ? `<br><span class="note">${esc(secs(r.minMs))}–${esc(secs(r.maxMs))}</span>` : '';
      const per = inline.map((k) => `<td class="n">${esc(diceText(r.perClass.find((x) => x.label === k.label)?.dice))}</td>`).join('');
      const cls = [r.configId === data.recommendation?.configId ? 'rec' : '', i > 0 && sorted[i - 1].caseId !== r.caseId ? 'first' : ''].filter(Boolean).join(' ');
      return `<tr class="${cls}"><td class="case">${esc(r.caseId)}</td><td class="id">${esc(r.configId)}</td><td class="n">${r.windows !== null ? esc(short(r.windows)) : '—'}</td><td class="n">${esc(secs(r.timeMs))}${range}</td>${per}<td class="n"><b>${esc(diceText(r.dice))}</b></td><td class="id">${esc(r.machine ?? '—')}</td></tr>`;
    });
  const separate = inline.length < classes.length ? `<h3>Dice per class</h3>${perClassTables(sorted.map((r) => ({ id: `${r.caseId} · ${r.configId}`, perClass: r.perClass })), classes, 'case · configuration')}` : '';
  return `<section id="cases" class="page">
<h2>5. Per-case results</h2>
<p class="note">One row per case and configuration: the median time of the repeated runs (fastest–slowest below) and Dice against the reference labels. Shaded rows: the recommendation.</p>
<table class="cases" id="case-table"><thead><tr><th>case</th><th>configuration</th><th class="n">win&shy;dows</th><th class="n">time (s) median<br>min–max</th>${inline.map((k) => `<th class="n">Dice ${esc(classHeader(k))}</th>`).join('')}<th class="n">mean Dice</th><th>machine</th></tr></thead>
${tbodyPerGroup(caseIds.map((id) => rows.filter((_, i) => sorted[i].caseId === id)))}
</table>
${separate}
</section>`;
}

/** A value in one readable line: arrays as [a, b], objects as "key value · key value". */
function plain(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => plain(x, depth + 1)).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${plain(x, depth + 1)}`);
    return depth === 0 ? entries.join(' · ') : `{${entries.join(', ')}}`;
  }
  return String(v);
}

function optionValue(v: unknown): string {
  return typeof v === 'object' && v !== null ? `<span class="opt">${esc(plain(v))}</span>` : esc(plain(v));
}

function provenanceSection(data: ReportData, number: number): string {
  const p = data.provenance;
  const kv = (rows: [string, string][]) => `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
  const notRecorded = '<span class="note">not recorded</span>';
  const main = kv([
    ['application', p.app ? esc(`${p.app.name} ${p.app.version}`) : notRecorded],
    ['TensorFlow.js', p.tfjsVersion ? esc(p.tfjsVersion) : notRecorded],
    ['backend', p.backend ? esc(p.backend) : notRecorded],
    ['GPU renderer', p.gpuRenderer ? esc(p.gpuRenderer) : notRecorded],
    ['model', p.model ? esc(p.model.name) : notRecorded],
    ['model SHA-256', p.model?.sha256 ? `<span class="mono">${esc(p.model.sha256)}</span>` : notRecorded],
    ['model path', p.model?.path ? `<span class="mono">${esc(p.model.path)}</span>` : notRecorded],
    ['sweep date', p.date ? esc(p.date) : notRecorded],
    ['sweep folder', p.sweepDir ? `<span class="mono">${esc(p.sweepDir)}</span>` : notRecorded],
    ['report generated', esc(`${p.reportGeneratedAt}${p.reportGenerator ? ` by ${p.reportGenerator.name} ${p.reportGenerator.version}` : ''}`)],
  ]);
  const inputs = p.inputs.length
    ? `<table class="inputs"><thead><tr><th>case</th><th>role</th><th>file<br>SHA-256</th></tr></thead>${tbodyGroups(p.inputs.map((i) => `<tr><td class="case">${esc(i.caseId)}</td><td>${esc(i.role)}</td><td><span class="mono">${esc(i.path)}</span><br><span class="mono sha">${i.sha256 ? esc(i.sha256) : 'SHA-256 not recorded'}</span></td></tr>`))}</table>`
    : missing('The input files were not recorded.');
  const machines = p.machines.length
    ? `<table class="machines"><thead><tr><th>machine</th><th>description</th></tr></thead><tbody>${p.machines.map((m) => `<tr><td class="mono">${esc(m.id)}</td><td>${esc(m.description ?? '—')}</td></tr>`).join('')}</tbody></table>`
    : missing('The machines were not recorded.');
  const options = Object.keys(p.options).length ? kv(Object.entries(p.options).map(([k, v]) => [k, optionValue(v)])) : missing('No options recorded.');
  return `<section id="provenance" class="page">
<h2>${number}. Provenance</h2>
<p class="note">Everything needed to trace these numbers back to the software, the model and the input files.</p>
${main}
<div class="keep"><h3>Input files</h3>
${inputs}</div>
<div class="keep"><h3>Machines</h3>
${machines}</div>
<h3>Options</h3>
${options}
</section>`;
}

function warningsSection(data: ReportData, number: number): string {
  const items: string[] = [];
  if (!data.recommendation) items.push(`<li class="norec"><b>No recommendation.</b> ${esc(asSentence(data.noRecommendation ?? 'No configuration has a result.'))}</li>`);
  const findings = data.findings.length
    ? `<h3>Not findings: differences within the measured noise</h3>
<p class="note">These comparisons are not stated as results: the timed runs overlap (or differ by less than the threshold), or the Dice difference is below the threshold or its 95 % interval over the cases includes 0.</p>
<ul class="warnings findings">${data.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`
    : '';
  items.push(...data.warnings.map((w) => `<li>${esc(w)}</li>`));
  const body = items.length ? `<ul class="warnings">${items.join('')}</ul>` : findings ? '' : '<p>None.</p>';
  return `<section id="warnings">
<h2>${number}. Warnings</h2>
${body}
${findings}
</section>`;
}

/**
 * Renders the report as one self-contained HTML file: inline CSS, charts as inline SVG drawn
 * server-side with Observable Plot (vector in the PDF), no external address anywhere (no
 * scripts, fonts or images by URL). Sections: summary and recommendation; patch performance
 * (heatmap with colour bar, border profile); overlap/Dice against time with the Pareto front,
 * predicted against measured time; configurations; per-case results; the user's findings (with
 * a findings file: table and thumbnails); provenance; warnings.
 */
export function renderHtml(data: ReportData, options: RenderHtmlOptions = {}): string {
  const doc = new JSDOM('<!doctype html><html><body></body></html>').window.document;
  const byId = new Map(data.configs.map((c) => [c.id, c]));
  const s = data.summary;
  const subtitle = [
    s.modelName ? `model ${s.modelName}` : null,
    s.sweepName ? `sweep ${s.sweepName}` : null,
    s.caseIds.length ? `${s.caseIds.length} case${s.caseIds.length === 1 ? '' : 's'}` : null,
    `${s.configCount} configuration${s.configCount === 1 ? '' : 's'}`,
    s.measure ? `measure ${s.measure}` : null,
    data.provenance.date ? `run ${data.provenance.date.slice(0, 10)}` : null,
  ].filter((x): x is string => x !== null);
  const generator = data.provenance.reportGenerator ?? data.provenance.app;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(generator ? `${generator.name} ${generator.version}` : 'PatchLens')}">
<title>${esc(s.title)}</title>
<style>${REPORT_CSS}${options.css ?? ''}</style>
</head>
<body>
<main>
<header>
<h1>${esc(s.title)}</h1>
<p class="subtitle">${esc(subtitle.join(' · '))}</p>
</header>
${patientSection(data)}
${summarySection(data, byId)}
${mapSection(data, doc)}
${tradeoffSection(data, doc)}
${configTable(data)}
${caseTable(data, byId)}
${userFindingsSection(data, 6)}
${provenanceSection(data, data.userFindings ? 7 : 6)}
${warningsSection(data, data.userFindings ? 8 : 7)}
</main>
</body>
</html>
`;
}

