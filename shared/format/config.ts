import { short } from './number';

/** The parts of a configuration its label needs (a `SweepConfig` or a report's configuration). */
export interface ConfigParts {
  patchSize: readonly number[];
  overlap: readonly number[];
  placement: string;
  blend: string;
  mirror: boolean;
}

/** Per-axis values: one value when all are equal, else "a × b × c". */
export function perAxisText(values: readonly number[], fmt: (x: number) => string = (x) => String(x)): string {
  if (values.length === 0) return '—';
  return values.every((v) => v === values[0]) ? fmt(values[0]) : values.map(fmt).join(' × ');
}

/** The patch size in a few characters: "64³", "64×64×32". */
export function patchText(patch: readonly number[]): string {
  if (patch.length === 0) return '?';
  if (patch.every((p) => p === patch[0]) && patch.length <= 3) return `${patch[0]}${['', '', '²', '³'][patch.length]}`;
  return patch.join('×');
}

/** The mean overlap of a configuration over its axes (what the charts plot); NaN without axes. */
export function meanOverlap(c: Pick<ConfigParts, 'overlap'>): number {
  return c.overlap.length ? c.overlap.reduce((a, b) => a + b, 0) / c.overlap.length : NaN;
}

/** A configuration in a few words: "patch 64³ · overlap 0.5 · stride · gaussian · mirrored". */
export function configLabel(c: ConfigParts): string {
  return `patch ${patchText(c.patchSize)} · overlap ${perAxisText(c.overlap, short)} · ${c.placement} · ${c.blend}${c.mirror ? ' · mirrored' : ''}`;
}

/** The chart series of a configuration: blend and patch size, placement when not `stride`, mirroring: "gaussian p24", "crop p24x24x16 even mirrored". */
export function seriesLabel(c: ConfigParts): string {
  const p = c.patchSize;
  const patch = p.every((s) => s === p[0]) ? String(p[0]) : p.join('x');
  return `${c.blend} p${patch}${c.placement === 'stride' ? '' : ` ${c.placement}`}${c.mirror ? ' mirrored' : ''}`;
}
