/**
 * Where a chart puts the "recommended" label: beside its star, on the side where no other
 * marker is, inside the plot (issue 12: a marker covered the label when it sat on top of it).
 */

/** A marker in pixels (its centre) and its radius. */
export interface PixelPoint {
  x: number;
  y: number;
  r: number;
}

/** A label's offset from its anchor point, in pixels, and its text anchor. */
export interface LabelOffset {
  dx: number;
  dy: number;
  textAnchor: 'start' | 'middle' | 'end';
}

/** The candidate places, in order of preference: right, left, above, below, then the diagonals. */
function candidates(gap: number, height: number): LabelOffset[] {
  const v = gap + height / 2;
  return [
    { dx: gap, dy: 0, textAnchor: 'start' },
    { dx: -gap, dy: 0, textAnchor: 'end' },
    { dx: 0, dy: -v, textAnchor: 'middle' },
    { dx: 0, dy: v, textAnchor: 'middle' },
    { dx: gap, dy: -gap, textAnchor: 'start' },
    { dx: gap, dy: gap, textAnchor: 'start' },
    { dx: -gap, dy: -gap, textAnchor: 'end' },
    { dx: -gap, dy: gap, textAnchor: 'end' },
  ];
}

/** The label's box for an offset: [x0, y0, x1, y1] around the text (its middle at anchor + dy). */
export function labelBox(anchor: { x: number; y: number }, o: LabelOffset, width: number, height: number): [number, number, number, number] {
  const x = anchor.x + o.dx;
  const x0 = o.textAnchor === 'start' ? x : o.textAnchor === 'end' ? x - width : x - width / 2;
  const y = anchor.y + o.dy;
  return [x0, y - height / 2, x0 + width, y + height / 2];
}

function overlaps(box: [number, number, number, number], p: PixelPoint): boolean {
  const cx = Math.max(box[0], Math.min(p.x, box[2]));
  const cy = Math.max(box[1], Math.min(p.y, box[3]));
  return (cx - p.x) ** 2 + (cy - p.y) ** 2 < p.r ** 2;
}

/**
 * The offset of a label beside `anchor` (a marker of radius `anchorRadius`) that covers the
 * fewest other markers and stays inside `frame` ([x0, y0, x1, y1], the plot area): the first
 * candidate, in order of preference, with the fewest overlaps; a place outside the frame counts
 * as covering every marker.
 * @param width, height the label's size in pixels (an estimate of the text's extent)
 */
export function placeLabel(anchor: { x: number; y: number }, anchorRadius: number, others: readonly PixelPoint[], frame: [number, number, number, number], width: number, height: number): LabelOffset {
  let best: LabelOffset | null = null;
  let bestScore = Infinity;
  for (const o of candidates(anchorRadius + 3, height)) {
    const box = labelBox(anchor, o, width, height);
    const outside = box[0] < frame[0] || box[1] < frame[1] || box[2] > frame[2] || box[3] > frame[3];
    const score = outside ? others.length + 1 : others.filter((p) => overlaps(box, p)).length;
    if (score < bestScore) {
      best = o;
      bestScore = score;
    }
    if (score === 0) break;
  }
  return best!;
}
