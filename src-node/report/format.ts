import type { ReportConfig } from './reportData';

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

/** `x` with `digits` significant digits (no exponent for ordinary sizes). */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, Math.min(6, digits - 1 - mag));
  return x.toFixed(decimals);
}

/** `x` rounded to 3 significant digits, trailing zeros dropped: 0.5, 0.125, 12.3. */
export function short(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : '—';
}

/** A duration in seconds: "12.3 s", "0.482 s". */
export function seconds(ms: number | null | undefined, digits = 3): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '—' : `${sig(ms / 1000, digits)} s`;
}

/** A Dice value with 4 decimals. */
export function dice(d: number | null | undefined): string {
  return d === null || d === undefined || !Number.isFinite(d) ? '—' : d.toFixed(4);
}

/** A signed number with a leading + or − (minus sign, not hyphen). */
export function signed(x: number, text: string): string {
  return x > 0 ? `+${text}` : x < 0 ? `−${text.replace(/^-/, '')}` : text;
}

/** A percentage: "12.5 %". */
export function pct(p: number | null | undefined, decimals = 1): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${p.toFixed(decimals)} %`;
}

/** Per-axis values: one value when all are equal, else "a × b × c". */
export function perAxisText(values: readonly number[], fmt: (x: number) => string = (x) => String(x)): string {
  if (values.length === 0) return '—';
  return values.every((v) => v === values[0]) ? fmt(values[0]) : values.map(fmt).join(' × ');
}

/** The patch size in a few characters: "64³", "64×64×32". */
export function patchText(patch: readonly number[]): string {
  if (patch.length === 0) return '?';
  if (patch.every((p) => p === patch[0]) && patch.length <= 3) return `${patch[0]}${['', '', '²', '³'][patch.length]}`;
  return patch.join('×');
}

/** The mean overlap of a configuration over its axes (what the charts plot). */
export function meanOverlap(c: Pick<ReportConfig, 'overlap'>): number {
  return c.overlap.length ? c.overlap.reduce((a, b) => a + b, 0) / c.overlap.length : NaN;
}

/** A configuration in a few words: "patch 64³ · overlap 0.5 · stride · gaussian · mirrored". */
export function configLabel(c: Pick<ReportConfig, 'patchSize' | 'overlap' | 'placement' | 'blend' | 'mirror'>): string {
  return `patch ${patchText(c.patchSize)} · overlap ${perAxisText(c.overlap, short)} · ${c.placement} · ${c.blend}${c.mirror ? ' · mirrored' : ''}`;
}

/**
 * A selection rule in words. Knows the sweep's rule syntax (`fastest-within:<x>%`,
 * `fastest-within-abs:<dice>`, `fastest-above:<dice>`, `max-efficiency`, `max-dice`) and keeps
 * the syntax in parentheses; any other text is returned as it is.
 */
export function describeRule(rule: string): string {
  const r = rule.trim();
  let m: RegExpExecArray | null;
  let words: string | null = null;
  if ((m = /^fastest-within:([\d.]+)%$/.exec(r))) words = `the fastest configuration whose mean Dice is within ${m[1]} % of the best`;
  else if ((m = /^fastest-within-abs:([\d.]+)$/.exec(r))) words = `the fastest configuration whose mean Dice is within ${m[1]} of the best`;
  else if ((m = /^fastest-above:([\d.]+)$/.exec(r))) words = `the fastest configuration with a mean Dice of at least ${m[1]}`;
  else if (r === 'max-efficiency') words = 'the configuration with the most Dice per second';
  else if (r === 'max-dice') words = 'the configuration with the highest mean Dice';
  return words ? `${words} (${r})` : r;
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

/** A signed number with `decimals` decimals; a value that rounds to zero has no sign ("0.0000", not "−0.0000"). */
export function signedFixed(x: number, decimals: number): string {
  const t = Math.abs(x).toFixed(decimals);
  return Number(t) === 0 ? t : signed(x, t);
}

/** Text as a sentence: the first letter upper-case, a full stop at the end unless it has one. */
export function asSentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return `${t[0].toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}
