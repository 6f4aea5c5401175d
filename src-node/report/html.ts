/**
 * Escapes text for HTML (element content and quoted attributes). A `://` in text is written as
 * `&#58;//`: it reads the same, and the file never holds anything that looks like an address.
 */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/:\/\//g, '&#58;//');
}

/** Rows kept together at a table's start and end, so no page holds a single row of it. */
export const KEPT_ROWS = 2;

/**
 * A table's rows as `<tbody>` groups: the first {@link KEPT_ROWS} and the last
 * {@link KEPT_ROWS} rows each in a group of their own (`lead`, `tail`: the stylesheet forbids a
 * page break inside them), the rest between. A printed table then never leaves one orphan row
 * at the bottom of a page nor carries one over to the next. Up to 2·KEPT_ROWS + 1 rows: one group.
 */
export function tbodyGroups(rows: readonly string[]): string {
  if (rows.length <= 2 * KEPT_ROWS + 1) return `<tbody class="lead tail">${rows.join('\n')}</tbody>`;
  const lead = rows.slice(0, KEPT_ROWS);
  const mid = rows.slice(KEPT_ROWS, rows.length - KEPT_ROWS);
  const tail = rows.slice(rows.length - KEPT_ROWS);
  return `<tbody class="lead">${lead.join('\n')}</tbody><tbody>${mid.join('\n')}</tbody><tbody class="tail">${tail.join('\n')}</tbody>`;
}

/** A case's rows in the per-case table are kept on one page up to this many (a page holds ~24). */
export const GROUP_MAX_ROWS = 16;

/**
 * Rows in groups (e.g. one per case), each group kept on one page when it has at most
 * {@link GROUP_MAX_ROWS} rows (`<tbody class="group">`), else split by {@link tbodyGroups}.
 */
export function tbodyPerGroup(groups: readonly (readonly string[])[]): string {
  return groups.map((g) => (g.length <= GROUP_MAX_ROWS ? `<tbody class="group">${g.join('\n')}</tbody>` : tbodyGroups(g))).join('\n');
}
