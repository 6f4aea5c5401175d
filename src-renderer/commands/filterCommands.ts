import type { CommandView } from './commandService.svelte';

/**
 * The palette's list: the enabled commands whose label or id holds every word of `query`
 * (case-insensitive), in registry order.
 */
export function filterCommands(views: readonly CommandView[], query: string): CommandView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return views.filter((v) => v.enabled && words.every((w) => `${v.spec.label} ${v.spec.id}`.toLowerCase().includes(w)));
}
