import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the PatchLens command line asks for. */
export interface CommandLine {
  /** `--project DIR` / `--project=DIR`, absolute (null when not given). */
  projectDir: string | null;
  /** NIfTI files to open (`.nii`, `.nii.gz`), absolute, in command-line order, without duplicates. */
  files: string[];
}

/** Whether a path names a NIfTI file by its extension (`.nii` or `.nii.gz`, any case). */
export function isNiftiPath(path: string): boolean {
  return /\.nii(\.gz)?$/i.test(path);
}

/**
 * Reads the command line of the app (first or second instance). `argv[0]` is the executable
 * and is skipped; in an unpackaged app the app folder that follows it is not a NIfTI file and
 * drops out like any other argument. Electron / Chromium switches (`--foo`, `--foo=bar`, `-x`)
 * are ignored, `--` ends the switches, `--project DIR` (or `--project=DIR`) picks the project
 * folder. File arguments may be paths (relative ones resolve against `cwd`) or `file://` URLs
 * (Linux desktop files pass `%U`); only `.nii` / `.nii.gz` files are kept.
 *
 * @param argv process.argv of the instance (or the `second-instance` event's argv)
 * @param cwd working directory of that instance
 */
export function parseCommandLine(argv: readonly string[], cwd: string): CommandLine {
  if (!Array.isArray(argv)) throw new Error('parseCommandLine: argv must be an array of strings');
  if (typeof cwd !== 'string' || !isAbsolute(cwd)) throw new Error(`parseCommandLine: cwd must be an absolute path, got ${String(cwd)}`);
  let projectDir: string | null = null;
  const files: string[] = [];
  let switches = true;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (typeof arg !== 'string' || arg.length === 0) continue;
    if (switches && arg === '--') {
      switches = false;
      continue;
    }
    if (switches && arg === '--project') {
      const value = argv[i + 1];
      if (typeof value === 'string' && value.length > 0) projectDir = resolve(cwd, value);
      i++;
      continue;
    }
    if (switches && arg.startsWith('--project=')) {
      const value = arg.slice('--project='.length);
      if (value.length > 0) projectDir = resolve(cwd, value);
      continue;
    }
    if (switches && arg.startsWith('-')) continue;
    const path = toPath(arg, cwd);
    if (path !== null && isNiftiPath(path) && !files.includes(path)) files.push(path);
  }
  return { projectDir, files };
}

/** A file argument as an absolute path; null for URLs other than file:// and unparsable ones. */
function toPath(arg: string, cwd: string): string | null {
  if (/^file:/i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return null;
    }
  }
  // Some other URL scheme (http:, patchlens:, ...): not a file. A Windows drive letter is not a scheme.
  if (/^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg)) return null;
  return resolve(cwd, arg);
}
