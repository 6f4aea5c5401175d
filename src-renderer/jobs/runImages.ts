import type { RunRecord, VolumeInfo } from '../../shared/api/contract';

/**
 * Whether a run was made of the open image: both SHA-256s known and equal (by content, never by
 * name or shape: two files called `ch2.nii.gz`, or two images on the same grid, are different
 * images). The viewer draws a run's layers only over its own image.
 */
export function isRunOfImage(run: Pick<RunRecord, 'imageSha256'>, image: Pick<VolumeInfo, 'sha256'> | null): boolean {
  return !!image?.sha256 && !!run.imageSha256 && run.imageSha256 === image.sha256;
}

/**
 * The image each run is of, as the runs list names it: the file name, followed by the first
 * 8 hex digits of its SHA-256 where runs of different files share that name
 * (`ch2.nii.gz · 1a2b3c4d`), or by "(image unknown)" where the run did not record its image.
 * @returns run id → label
 */
export function runImageLabels(runs: readonly Pick<RunRecord, 'id' | 'imageName' | 'imageSha256'>[]): Map<string, string> {
  const hashesByName = new Map<string, Set<string>>();
  for (const r of runs) {
    const set = hashesByName.get(r.imageName) ?? new Set<string>();
    set.add(r.imageSha256 ?? '');
    hashesByName.set(r.imageName, set);
  }
  const labels = new Map<string, string>();
  for (const r of runs) {
    const ambiguous = (hashesByName.get(r.imageName)?.size ?? 0) > 1;
    labels.set(r.id, !ambiguous ? r.imageName : r.imageSha256 ? `${r.imageName} · ${r.imageSha256.slice(0, 8)}` : `${r.imageName} (image unknown)`);
  }
  return labels;
}
