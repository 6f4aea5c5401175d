/** How windows are placed along an axis. */
export type Placement = 'stride' | 'spread';

/** The placements `patchStarts` understands. */
export const PLACEMENTS: readonly Placement[] = ['stride', 'spread'];
