import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNpy, type NpyArray } from '../../shared/index';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared` beside the repository (read-only data, models and reference maps). */
export const sharedDir = resolve(repoRoot, '..', 'shared');

/** Reads a `.npy` from `../shared/reference`. */
export function readReference(name: string): NpyArray {
  const path = resolve(sharedDir, 'reference', name);
  if (!existsSync(path)) throw new Error(`reference map ${path} is missing: the tests need ../shared beside the repository`);
  return parseNpy(readFileSync(path));
}
