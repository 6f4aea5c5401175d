import { esc } from './html';
import type { ReportData } from './reportTypes';
import { SEVERITY_NAMES } from './userFindings';

/**
 * The report's "Findings" section (HTML): the user's findings as a table (category, severity,
 * note, author, time, where, the run's patch sentence) and one thumbnail per finding (its slice
 * with the label overlay and the finding drawn), or the reason there are no thumbnails. Empty
 * when the report has no findings file.
 * @param number the section's number in the report
 */
export function userFindingsSection(data: ReportData, number: number): string {
  const uf = data.userFindings;
  if (!uf) return '';
  const rows = uf.findings.map(
    (f) =>
      `<tr id="finding-${esc(f.id)}"><td class="id">${esc(f.id)}</td><td>${esc(f.category)}</td><td class="n">${f.severity} ${esc(SEVERITY_NAMES[f.severity] ?? '')}</td><td>${f.note ? esc(f.note) : '<span class="note">—</span>'}</td><td>${esc(f.author)}</td><td class="mono">${esc(f.time)}${f.edited ? `<br><span class="note">edited ${esc(f.edited)}</span>` : ''}</td><td>${esc(f.where)}</td><td>${f.patch ? `${esc(f.patch)}${f.patchRun ? ` <span class="note">(run ${esc(f.patchRun)})</span>` : ''}` : '<span class="note">no run\'s patch grid</span>'}</td></tr>`,
  );
  const table = uf.findings.length
    ? `<table class="compact user-findings" id="user-findings-table"><thead><tr><th>id</th><th>category</th><th class="n">severity</th><th>note</th><th>author</th><th>time</th><th>where</th><th>patch</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p class="missing">The findings file lists no findings.</p>';
  const thumbs = uf.findings
    .filter((f) => f.thumbnail)
    .map((f) => {
      const t = f.thumbnail!;
      return `<figure class="finding-thumb keep" id="finding-thumb-${esc(f.id)}"><img src="${t.png}" width="${t.width}" height="${t.height}" alt="finding ${esc(f.id)}: slice ${t.slice} of axis ${t.axis}" style="image-rendering:pixelated"><figcaption>${esc(f.id)}: slice ${t.slice} of axis ${t.axis} (rows axis ${t.rowAxis}, columns axis ${t.colAxis})</figcaption></figure>`;
    })
    .join('');
  const gallery = uf.noThumbnails
    ? `<p class="missing" id="no-thumbnails">No thumbnails: ${esc(uf.noThumbnails)}.</p>`
    : `<p class="note">Each thumbnail is the finding's slice (a polygon's own, else axis 0 through the finding), grey from the slice's minimum to maximum${uf.labelsOverlay ? `, the labels blended over it${uf.labelTable ? " in the annotation's label colours (hidden labels left out, as the viewer shows them)" : ''}` : ''}, and the finding drawn in cyan.</p><div class="finding-thumbs">${thumbs}</div>`;
  return `<section id="user-findings" class="page">
<h2>${number}. Findings</h2>
<p class="note">${uf.findings.length} finding${uf.findings.length === 1 ? '' : 's'} marked on ${esc(uf.image.name)} (${esc(uf.image.shape.join(' × '))})${uf.image.sha256 ? `, SHA-256 <span class="mono">${esc(uf.image.sha256)}</span>` : ''}. Severity: 1 minor, 2 notable, 3 severe.</p>
${table}
${gallery}
</section>`;
}
