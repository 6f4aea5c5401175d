/** What is under the cursor. */
export interface VoxelSample {
  /** `[k, j, i]` on the image grid (null outside the image). */
  voxel: number[] | null;
  /** World position in RAS mm. */
  worldRas: number[];
  intensity: number | null;
  reference: number | null;
  predicted: number | null;
  probability: number | null;
  /** Values of the other shown maps, by label. */
  maps: Record<string, number>;
}

/** One line of the readout. */
export interface ReadoutRow {
  key: string;
  label: string;
  value: string;
}

/** A number for display: integers as they are, others with 4 significant digits (3 decimals at most for |x| ≥ 1). */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1000) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  if (abs === 0) return '0';
  return x.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** The readout's lines for a sample (lines of absent values are left out, except voxel and world). */
export function formatReadout(s: VoxelSample): ReadoutRow[] {
  const rows: ReadoutRow[] = [
    { key: 'voxel', label: 'Voxel [k, j, i]', value: s.voxel ? `[${s.voxel.join(', ')}]` : 'outside' },
    { key: 'world', label: 'World RAS (mm)', value: `(${s.worldRas.map((x) => x.toFixed(1)).join(', ')})` },
  ];
  if (!s.voxel) return rows;
  const add = (key: string, label: string, v: number | null) => {
    if (v !== null) rows.push({ key, label, value: formatNumber(v) });
  };
  add('intensity', 'Intensity', s.intensity);
  add('reference', 'Reference label', s.reference);
  add('predicted', 'Predicted label', s.predicted);
  add('probability', 'Probability', s.probability);
  for (const [label, v] of Object.entries(s.maps)) add(`map-${label}`, label, v);
  return rows;
}
