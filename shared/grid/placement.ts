/** The placements `patchStarts` understands (the one list: {@link Placement} is derived from it). */
export const PLACEMENTS = ['stride', 'spread'] as const;

/** How windows are placed along an axis. */
export type Placement = (typeof PLACEMENTS)[number];
