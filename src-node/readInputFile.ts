import { readFileSync, statSync } from 'node:fs';
import { readNifti, type NiftiVolume } from '../shared/io/nifti';

/** Reads a NIfTI file given on the command line; errors name the option and the file. */
export function readImageFile(option: string, path: string): { volume: NiftiVolume; bytes: Uint8Array } {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${option} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return { volume: readNifti(bytes), bytes };
  } catch (e) {
    throw new Error(`${option} ${path}: ${(e as Error).message}`);
  }
}
