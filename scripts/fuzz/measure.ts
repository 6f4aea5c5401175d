/** Memory figures of a case (the fixed bomb cases must stay small). */
import type { Verdict } from './types';

/**
 * Runs `f` and adds to its verdict the process's peak RSS growth during it (`peakRssGrowthMb`:
 * how far the case pushed the high-water mark), its peak RSS and its RSS after, in MiB.
 */
export async function measured(f: () => Promise<Verdict>): Promise<Verdict> {
  const peakBefore = process.resourceUsage().maxRSS;
  const v = await f();
  const peak = process.resourceUsage().maxRSS;
  const stats = { peakRssGrowthMb: Math.round((peak - peakBefore) / 1024), peakRssMb: Math.round(peak / 1024), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
  return { ...v, stats: { ...v.stats, ...stats } };
}
