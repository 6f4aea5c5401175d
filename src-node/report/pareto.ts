/**
 * Which points are on the Pareto front of (time ↓, quality ↑): no other point is at least as
 * fast and at least as good and strictly better in one of the two.
 * @returns one boolean per point, in input order
 */
export function paretoFront(points: readonly { timeMs: number; dice: number }[]): boolean[] {
  return points.map((p, i) =>
    !points.some((q, j) => j !== i && q.timeMs <= p.timeMs && q.dice >= p.dice && (q.timeMs < p.timeMs || q.dice > p.dice)),
  );
}
