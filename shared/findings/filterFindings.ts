import type { Finding, FindingCategory, FindingSeverity } from './types';

/** What the findings panel filters on; an absent or empty list lets everything through. */
export interface FindingFilter {
  categories?: readonly FindingCategory[];
  severities?: readonly FindingSeverity[];
  /** Only findings at least this severe. */
  minSeverity?: FindingSeverity;
}

/** The findings that pass the filter, in list order. */
export function filterFindings(list: readonly Finding[], filter: FindingFilter): Finding[] {
  return list.filter(
    (f) =>
      (!filter.categories?.length || filter.categories.includes(f.category)) &&
      (!filter.severities?.length || filter.severities.includes(f.severity)) &&
      (filter.minSeverity === undefined || f.severity >= filter.minSeverity),
  );
}
