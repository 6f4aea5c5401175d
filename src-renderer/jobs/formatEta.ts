/**
 * A duration for people: "850 ms", "12 s", "3 min 05 s", "1 h 02 min".
 * @throws when `ms` is negative or not finite
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`formatDuration: ms must be a finite number ≥ 0, got ${ms}`);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 60) return `${totalS} s`;
  const h = Math.floor(totalS / 3600);
  const min = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return `${h} h ${String(min).padStart(2, '0')} min`;
  return `${min} min ${String(s).padStart(2, '0')} s`;
}

/** The estimated time left: "12 s left", "3 min 05 s left"; "estimating…" while unknown (null). */
export function formatEta(etaMs: number | null): string {
  if (etaMs === null || !Number.isFinite(etaMs)) return 'estimating…';
  // Below a second "850 ms left" promises a precision the estimate does not have.
  return etaMs < 1000 ? 'less than 1 s left' : `${formatDuration(etaMs)} left`;
}

/** Time between two ISO dates (`end` null: now), formatted; '' when `start` is null or unreadable. */
export function formatElapsed(start: string | null, end: string | null, now: number = Date.now()): string {
  if (start === null) return '';
  const t0 = Date.parse(start);
  const t1 = end === null ? now : Date.parse(end);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) return '';
  return formatDuration(Math.max(0, t1 - t0));
}
