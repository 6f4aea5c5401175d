/**
 * The report's stylesheet (inlined into the HTML; no fonts or images by address). Screen: a
 * centred A4-wide column. Print: A4 with margins (the PDF printer draws the page numbers in
 * the bottom margin), a page break before every major section, figures and table rows never
 * split, table headers repeated on every page.
 */
export const REPORT_CSS = `
:root { --ink: #1d2228; --muted: #5b6570; --line: #d5dae0; --accent: #0b5cad; --good: #1b7f3b; --warn: #a15c00; --rec: #d62728; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #f3f5f7; font: 10.5pt/1.45 "DejaVu Sans", "Liberation Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 210mm; margin: 0 auto; padding: 12mm 14mm; background: white; }
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 2mm; }
h2 { font-size: 14pt; margin: 0 0 3mm; padding-bottom: 1.5mm; border-bottom: 2px solid var(--accent); color: var(--accent); }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; }
p { margin: 0 0 2.5mm; }
.subtitle { color: var(--muted); margin-bottom: 5mm; }
section { margin-top: 9mm; }
section:first-of-type { margin-top: 0; }
.callout { border: 1px solid #b9d3ee; border-left: 5px solid var(--accent); background: #f1f7fd; padding: 3.5mm 4.5mm; margin: 3mm 0 4mm; break-inside: avoid; }
.callout .big { font-size: 13pt; font-weight: bold; margin-bottom: 1.5mm; }
.callout .rule { color: var(--muted); font-size: 9.5pt; }
.facts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; margin: 3mm 0 4mm; }
.fact { border: 1px solid var(--line); border-radius: 2mm; padding: 2mm 3mm; break-inside: avoid; }
.fact .v { font-size: 13pt; font-weight: bold; }
.fact .k { color: var(--muted); font-size: 8.5pt; }
.saving { color: var(--good); font-weight: bold; }
.cost { color: var(--warn); font-weight: bold; }
.note { color: var(--muted); font-size: 9pt; }
.warnbox { border: 1px solid #f0c36d; background: #fff8e6; padding: 2mm 3.5mm; margin: 3mm 0; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 2mm 0 4mm; }
th, td { border-bottom: 1px solid var(--line); padding: 1mm 1.3mm; text-align: left; vertical-align: top; }
th { background: #eef1f4; font-weight: bold; vertical-align: bottom; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.id { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; word-break: break-all; }
table.configs, table.cases { font-size: 7.5pt; }
table.configs th, table.configs td, table.cases th, table.cases td { padding: 0.9mm 0.9mm; }
th { hyphens: manual; }
table.configs td.id { width: 30mm; }
table.cases td.id { width: 52mm; }
table.cases td.case { white-space: nowrap; }
table.cases tr.first td { border-top: 1.5px solid #9aa4ae; }
td .note { font-size: 6.8pt; }
.flag { font-family: "DejaVu Sans", sans-serif; font-size: 7pt; color: var(--muted); word-break: normal; }
tr.rec .flag { color: var(--rec); }
.opt { font-size: 8.5pt; }
tr.rec td { background: #fdecea; font-weight: bold; }
tr.front td:first-child { box-shadow: inset 3px 0 0 #111; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
/* No page holds a single row of a table: its first and last rows stay together (tbodyGroups), its heading stays with it. */
tbody.lead, tbody.tail, tbody.group { break-inside: avoid; page-break-inside: avoid; }
thead { break-after: avoid; page-break-after: avoid; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.callout.norec { border-color: #f0c36d; border-left-color: var(--warn); background: #fff8e6; }
.noise { color: var(--muted); font-weight: bold; }
table.kv th { width: 32%; background: none; color: var(--muted); font-weight: normal; vertical-align: top; }
table.inputs td.case { white-space: nowrap; }
.sha { color: var(--muted); }
table.kv td { word-break: break-word; }
table.side th.n { width: 30%; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
figure { margin: 3mm 0 5mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 9pt; margin-top: 1.5mm; }
.panels { display: flex; gap: 12px; align-items: flex-start; flex-wrap: nowrap; }
.panel { flex: 0 0 auto; max-width: 100%; }
.panel-label { font-size: 8.5pt; color: var(--muted); text-align: center; margin-top: 1mm; }
.colourbar { margin-top: 3mm; }
.colourbar-label { font-size: 9pt; }
.missing { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 3mm; }
ul.warnings li { margin-bottom: 1.5mm; }
.user-findings td.id, .user-findings td.mono { white-space: nowrap; }
.user-findings td:nth-child(4) { min-width: 30mm; }
.finding-thumbs { display: flex; flex-wrap: wrap; gap: 4mm; }
.finding-thumb { margin: 0; }
.finding-thumb img { max-width: 100%; height: auto; display: block; }
a { color: var(--accent); text-decoration: none; }
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
@media print {
  body { background: white; }
  main { max-width: none; margin: 0; padding: 0; }
  section.page { break-before: page; page-break-before: always; margin-top: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
`;
