/**
 * The report's "Findings" section data: the user's findings (shared/findings, marked in the app)
 * as table rows, each with a thumbnail of its slice (the image, the label overlay and the
 * finding drawn) encoded as PNG. Not the sweep's findings sentences (reportFindings.ts).
 */
import { anchorVoxel, describeFindingPatch, type Finding, type FindingsDocument } from '../../shared/findings';
import type { Volume } from '../../shared/io/volume';
import type { LabelTableJSON } from '../../shared/annotation/labelTable';
import { encodePng } from './encodePng';
import { blendOverGrey, labelColourOf, type LabelColourOf } from './labelColours';
import type { ReportFindingThumbnail, ReportUserFinding, ReportUserFindings } from './reportTypes';

/** Longest side a thumbnail is scaled up towards (whole pixels per voxel, at least 1). */
const THUMBNAIL_SIDE = 240;
/** The colour a finding's point, outline or voxels are drawn in (pure cyan: neither grey nor a label colour). */
export const FINDING_MARK: readonly [number, number, number] = [0, 255, 255];
export { LABEL_COLOURS, OVERLAY_ALPHA } from './labelColours';

/** Names of the severities 1–3. */
export const SEVERITY_NAMES: Record<number, string> = { 1: 'minor', 2: 'notable', 3: 'severe' };

/** The volumes thumbnails are drawn from (on the findings' image grid). */
export interface FindingVolumes {
  image: Volume;
  labels: Volume | null;
  /**
   * The annotation's label table the labels are drawn with (each label's colour, hidden labels
   * left out, as the viewer shows them); absent or null: the report's palette (`LABEL_COLOURS`).
   */
  table?: LabelTableJSON | null;
}

/** Where a finding is, in words. */
function whereText(f: Finding): string {
  const s = f.shape;
  if (s.kind === 'point') return `point at voxel [${s.voxel.join(', ')}]`;
  if (s.kind === 'polygon') return `polygon of ${s.points.length} points on slice ${s.slice} of axis ${s.axis}`;
  return `${s.voxels.length} voxel${s.voxels.length === 1 ? '' : 's'}`;
}

/** The slice a finding's thumbnail shows: a polygon's own; otherwise axis 0 through the finding's anchor voxel. */
export function thumbnailSlice(f: Finding, shape: readonly number[]): { axis: 0 | 1 | 2; slice: number } {
  if (f.shape.kind === 'polygon') return { axis: f.shape.axis, slice: f.shape.slice };
  return { axis: 0, slice: anchorVoxel(f.shape, shape)[0] };
}

/**
 * A finding's thumbnail: the image slice (grey, its own min–max), the labels blended over it (in
 * the label table's colours when `volumes.table` is given, hidden labels not drawn) and the
 * finding drawn in {@link FINDING_MARK} (a point: its voxel and a ring one voxel around it;
 * a polygon: its outline; voxels: those on the slice). Rows run along the first of the two other
 * axes and columns along the second (the polygon's `[u, v]`), top row u = 0, no reorientation.
 */
export function findingThumbnail(f: Finding, volumes: FindingVolumes, colourOf: LabelColourOf = labelColourOf(volumes.table)): ReportFindingThumbnail {
  const { image, labels } = volumes;
  const shape = image.shape.slice(0, 3);
  const { axis, slice } = thumbnailSlice(f, shape);
  const [ua, va] = [0, 1, 2].filter((a) => a !== axis);
  const rows = shape[ua];
  const cols = shape[va];
  const strides = [shape[1] * shape[2], shape[2], 1];
  const at = (u: number, v: number) => slice * strides[axis] + u * strides[ua] + v * strides[va];
  let lo = Infinity;
  let hi = -Infinity;
  for (let u = 0; u < rows; u++)
    for (let v = 0; v < cols; v++) {
      const x = image.data[at(u, v)];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  const scale = Math.max(1, Math.floor(THUMBNAIL_SIDE / Math.max(rows, cols)));
  const width = cols * scale;
  const height = rows * scale;
  const rgb = new Uint8Array(width * height * 3);
  const paint = (u: number, v: number, c: readonly number[]) => {
    for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) rgb.set(c, ((u * scale + dy) * width + v * scale + dx) * 3);
  };
  for (let u = 0; u < rows; u++)
    for (let v = 0; v < cols; v++) {
      const g = hi > lo ? Math.round((255 * (image.data[at(u, v)] - lo)) / (hi - lo)) : 128;
      paint(u, v, blendOverGrey(g, labels ? colourOf(labels.data[at(u, v)]) : null));
    }
  const s = f.shape;
  if (s.kind === 'point') {
    const [u, v] = [s.voxel[ua], s.voxel[va]];
    for (let du = -2; du <= 2; du++)
      for (let dv = -2; dv <= 2; dv++) {
        const ring = Math.max(Math.abs(du), Math.abs(dv)) === 2;
        if ((ring || (du === 0 && dv === 0)) && u + du >= 0 && u + du < rows && v + dv >= 0 && v + dv < cols) paint(u + du, v + dv, FINDING_MARK);
      }
  } else if (s.kind === 'polygon') {
    // Vertices are in voxel coordinates with centres at integers: pixel = (coordinate + 0.5)·scale.
    const px = s.points.map(([u, v]) => [(u + 0.5) * scale, (v + 0.5) * scale]);
    for (let i = 0; i < px.length; i++) drawLine(rgb, width, height, px[i], px[(i + 1) % px.length]);
  } else {
    for (const flat of s.voxels) {
      const c = [0, 1, 2].map((a) => Math.floor(flat / strides[a]) % shape[a]);
      if (c[axis] === slice) paint(c[ua], c[va], FINDING_MARK);
    }
  }
  const png = encodePng(width, height, rgb);
  return { axis, slice, rowAxis: ua, colAxis: va, width, height, scale, png: `data:image/png;base64,${Buffer.from(png).toString('base64')}` };
}

/** A one-pixel line in {@link FINDING_MARK} from `a` to `b` (`[row, col]` pixel positions), clipped to the image. */
function drawLine(rgb: Uint8Array, width: number, height: number, a: number[], b: number[]): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]))));
  for (let k = 0; k <= steps; k++) {
    const y = Math.floor(a[0] + ((b[0] - a[0]) * k) / steps);
    const x = Math.floor(a[1] + ((b[1] - a[1]) * k) / steps);
    if (y >= 0 && y < height && x >= 0 && x < width) rgb.set(FINDING_MARK, (y * width + x) * 3);
  }
}

/**
 * The "Findings" section's data from a findings file: one row per finding (category, severity,
 * note, author, time, where, the run's patch in words via `describeFindingPatch`) and, with the
 * image, a thumbnail per finding.
 * @param volumes the image (and labels) the findings were marked on, or null: no thumbnails
 * @param noThumbnails why there are none (shown in the report; default: no image was given)
 * @throws RangeError when the image's or labels' shape is not the findings' image shape, or for
 * a label table that does not validate
 */
export function userFindings(doc: FindingsDocument, volumes: FindingVolumes | null, noThumbnails?: string): ReportUserFindings {
  const shape = doc.image.shape;
  if (volumes) {
    const same = (v: Volume) => v.shape.length === 3 && v.shape.every((n, a) => n === shape[a]);
    if (!same(volumes.image)) throw new RangeError(`userFindings: the image has shape [${volumes.image.shape}] but the findings are on ${doc.image.name} of shape [${shape}]`);
    if (volumes.labels && !same(volumes.labels)) throw new RangeError(`userFindings: the labels have shape [${volumes.labels.shape}] but the findings are on ${doc.image.name} of shape [${shape}]`);
  }
  let colourOf: LabelColourOf | null = null;
  try {
    colourOf = volumes ? labelColourOf(volumes.table) : null;
  } catch (e) {
    throw new RangeError(`userFindings: the label table: ${(e as Error).message}`);
  }
  const findings: ReportUserFinding[] = doc.findings.map((f) => ({
    id: f.id,
    category: f.category,
    severity: f.severity,
    note: f.note,
    author: f.author,
    time: f.time,
    edited: f.edited ?? null,
    where: whereText(f),
    patch: f.patch ? describeFindingPatch(f.patch) : null,
    patchRun: f.patch?.run ?? null,
    thumbnail: volumes && colourOf ? findingThumbnail(f, volumes, colourOf) : null,
  }));
  return {
    image: { name: doc.image.name, sha256: doc.image.sha256 ?? null, shape: [...shape] },
    findings,
    noThumbnails: volumes ? null : (noThumbnails ?? 'no image was given for the thumbnails (patchlens report --image <image.nii.gz> [--labels <labels.nii.gz>])'),
    labelsOverlay: volumes ? volumes.labels !== null : false,
    labelTable: volumes !== null && volumes.labels !== null && !!volumes.table,
  };
}
