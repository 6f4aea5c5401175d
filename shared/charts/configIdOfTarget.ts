/** An element as far as {@link configIdOfTarget} needs it (shared/ has no DOM types). */
interface ClosestElement {
  closest(selector: string): { querySelector(selector: string): { textContent: string | null } | null } | null;
}

/** The configuration id a click landed on (first line of the nearest mark's `<title>`, see `ConfigPoint.title`), or null. */
export function configIdOfTarget(target: unknown): string | null {
  const el = target as ClosestElement | null;
  if (!el || typeof el.closest !== 'function') return null;
  const mark = el.closest('circle, path, rect');
  const title = mark?.querySelector(':scope > title')?.textContent ?? null;
  return title ? title.split('\n')[0] : null;
}
