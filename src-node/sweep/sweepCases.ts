import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Volume } from '../../shared/io/volume';
import type { SweepCase, SweepSettings } from '../../shared/sweep/types';
import { readImageFile } from '../readInputFile';
import { sha256Hex } from '../fs/sha256';

const FN = 'runSweep';

/** The machine id results carry by default: the host name. */
export function defaultMachineId(): string {
  return hostname() || 'unknown-host';
}

/** Checks case ids: file-name safe, no `__`, unique. */
export function checkCases(cases: readonly SweepCase[]): void {
  if (!Array.isArray(cases) || cases.length === 0) throw new RangeError(`${FN}: cases must be a non-empty array`);
  const seen = new Set<string>();
  cases.forEach((c, i) => {
    if (!c || typeof c.id !== 'string' || !/^[A-Za-z0-9._-]+$/.test(c.id) || c.id.includes('__')) {
      throw new RangeError(`${FN}: cases[${i}].id must use letters, digits, '.', '_' and '-' without '__', got ${JSON.stringify(c?.id)}`);
    }
    if (seen.has(c.id)) throw new RangeError(`${FN}: cases[${i}].id ${JSON.stringify(c.id)} is used twice`);
    seen.add(c.id);
    if (typeof c.image !== 'string' || typeof c.label !== 'string') throw new RangeError(`${FN}: cases[${i}] needs an image and a label file`);
  });
}

/**
 * Every case's fingerprint: the SHA-256 of what decides its results (the model's SHA-256, the
 * image and label files' SHA-256, batch, measure, Dice mode, crop). Sets each case's
 * `imageSha256` and `labelSha256` (the files' SHA-256 as `infer` records them, kept in sweep.json;
 * `hashOf` answers it for DICOM inputs: the series' NIfTI, the SEG file).
 * @throws naming the case and the file when a file cannot be read
 */
export function fingerprintCases(cases: SweepCase[], modelSha256: string, settings: SweepSettings, hashOf?: (path: string) => string | undefined): Record<string, string> {
  const fingerprints: Record<string, string> = {};
  for (const c of cases) {
    const hash = (what: string, path: string) => {
      // A DICOM input (a folder, a SEG) is fingerprinted by what its reader gave (sweep/dicomCases.ts).
      const given = hashOf?.(path);
      if (given) return given;
      try {
        return sha256Hex(readFileSync(path));
      } catch (e) {
        throw new Error(`${FN}: case ${c.id}: cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    };
    c.imageSha256 = hash('image', c.image);
    c.labelSha256 = hash('label', c.label);
    const inputs = { model: modelSha256, image: c.imageSha256, label: c.labelSha256, batchSize: settings.batchSize, measure: settings.measure, diceMode: settings.diceMode, crop: settings.crop };
    fingerprints[c.id] = sha256Hex(JSON.stringify(inputs));
  }
  return fingerprints;
}

/** Reads a case's NIfTI image and labels (3-D; `runSweep` checks the labels with `assertLabelMap`). */
export function loadNiftiCase(c: SweepCase, options: { maxBytes?: number } = {}): { image: Volume; label: Volume } {
  const read = options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes };
  const image = readImageFile(`case ${c.id} image`, c.image, read).volume;
  const label = readImageFile(`case ${c.id} label`, c.label, read).volume;
  if (image.shape.length !== 3) throw new RangeError(`case ${c.id}: the image ${c.image} must be 3-D, got shape [${image.shape}]`);
  if (label.shape.length !== 3) throw new RangeError(`case ${c.id}: the label ${c.label} must be 3-D, got shape [${label.shape}]`);
  return { image, label };
}
