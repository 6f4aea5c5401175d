/** What a finding says is wrong, in the order the findings panel lists them. */
export const FINDING_CATEGORIES = ['border artefact', 'missed structure', 'false positive', 'reference error', 'other'] as const;

/** One of {@link FINDING_CATEGORIES}. */
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

/** 1 minor, 2 notable, 3 severe. */
export const FINDING_SEVERITIES = [1, 2, 3] as const;

/** One of {@link FINDING_SEVERITIES}. */
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** A finding at one voxel, `[i0, i1, i2]` in the image's array-axis order (slowest first, as its shape). */
export interface PointShape {
  kind: 'point';
  voxel: number[];
}

/**
 * A region drawn on one slice: `axis` is the array axis the slice is normal to, `slice` its
 * index on that axis, `points` the polygon's vertices `[u, v]` in voxel coordinates of the two
 * other axes in increasing axis order (voxel centres at integers, so a vertex lies in
 * [−0.5, size − 0.5] on its axis).
 */
export interface PolygonShape {
  kind: 'polygon';
  axis: 0 | 1 | 2;
  slice: number;
  points: number[][];
}

/** A region as a set of voxels: flat row-major indices into the image shape, unique, ascending. */
export interface VoxelsShape {
  kind: 'voxels';
  voxels: number[];
}

/** Where a finding is. */
export type FindingShape = PointShape | PolygonShape | VoxelsShape;

/** One window of the run's patch grid over a finding's anchor voxel. */
export interface FindingWindow {
  /** Window index in plan order. */
  index: number;
  /** Window start in the plan's padded frame. */
  start: number[];
  /** The anchor voxel's position inside the patch. */
  positionInPatch: number[];
  /** Voxels from the anchor to the nearest patch face (0 = on the border). */
  borderDistance: number;
}

/** A finding in patch terms: the windows of the run's grid over its anchor voxel. */
export interface FindingPatch {
  /** The run whose grid this is, when known. */
  run?: string;
  /** The voxel the windows are looked up at: the point, or the region's voxel nearest its centroid. */
  anchor: number[];
  /** Every window covering the anchor, in plan order (at least one). */
  windows: FindingWindow[];
}

/** One finding. */
export interface Finding {
  /** Unique within its list. */
  id: string;
  shape: FindingShape;
  category: FindingCategory;
  severity: FindingSeverity;
  /** Free text (may be empty). */
  note: string;
  /** Who wrote it (non-empty). */
  author: string;
  /** When it was created, ISO 8601 with a time zone (`2026-12-07T14:30:00.000Z`). */
  time: string;
  /** When it was last edited, when it was. */
  edited?: string;
  /** The run's windows under it; null when no run's grid was at hand. */
  patch: FindingPatch | null;
}

/** The image a findings file belongs to. */
export interface FindingsImage {
  /** File name of the image. */
  name: string;
  /** SHA-256 of the image file (64 lowercase hex digits), when known. */
  sha256?: string;
  /** Image shape (3 positive integers, array-axis order). */
  shape: number[];
}

/** A findings file: `{ format, version, image, findings }`. */
export interface FindingsDocument {
  format: 'patchlens.findings';
  version: 1;
  image: FindingsImage;
  findings: Finding[];
}
