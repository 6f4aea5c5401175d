/**
 * The output guard: PatchLens never writes over what it reads. Every command checks its output
 * paths against its inputs (image, labels, model folder, sweep folder files) after resolving
 * both (symbolic links followed in the part that exists), and refuses with one line that names
 * both, e.g. `infer: --out /x/y would write /x/y/labels.nii.gz, which is the --label file; choose
 * another --out`.
 *
 * It also holds the helpers the commands use to decide whether an existing output folder may be
 * reused: which entries of it PatchLens did not write, and moving an earlier output aside.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fsyncDir, isTempName } from './atomicWrite';

/** A refusal to write: one line naming the output and what it would overwrite (exit code 1 in the CLI). */
export class OutputRefusedError extends Error {
  override name = 'OutputRefusedError';
}

/** How a refusal names the caller, its output option and its force option (CLI flags or API names). */
export interface GuardWording {
  /** Prefix of the message (`infer`, `sweep`, `report`, or a function name). */
  command: string;
  /** The output option (`--out`, `dir`, `outDir`). */
  out: string;
  /** How to ask for a replacement (`--force`, `force: true`). */
  force: string;
}

/** Something a command reads: it must never be written. */
export interface GuardedInput {
  /** How the user named it (`--label`, `--model`, `case ch2 image`). */
  what: string;
  path: string;
  /** A folder (a model folder): nothing inside it may be written either. */
  folder?: boolean;
}

/** Something a command writes: a file, or a folder it fills. */
export interface GuardedOutput {
  path: string;
  folder?: boolean;
}

/**
 * The real path of `path`: the longest part that exists resolved with `realpath` (symbolic links
 * followed), the rest appended as it is.
 */
export function resolveReal(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let head = abs;
  for (;;) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      rest.push(basename(head));
      head = up;
    }
  }
}

/** Whether `inner` is `outer` or lies inside it (both resolved). */
export function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Refuses when an output would overwrite an input: an output file that resolves to an input
 * file, an output inside an input folder, an input inside an output folder, or the output
 * folder itself being an input file.
 * @param outDir the output option's value as given (named in the message)
 * @throws OutputRefusedError, one line naming the output, the input and what to do
 */
export function assertNoInputOverwrite(wording: GuardWording, outDir: string, outputs: readonly GuardedOutput[], inputs: readonly GuardedInput[]): void {
  const { command, out } = wording;
  const shown = resolve(outDir);
  const realOut = resolveReal(outDir);
  const real = inputs.map((i) => ({ ...i, real: resolveReal(i.path) }));
  for (const i of real) {
    if (!i.folder && i.real === realOut) throw new OutputRefusedError(`${command}: ${out} ${shown} is the ${i.what} file; choose another ${out}`);
    if (i.folder && isInside(realOut, i.real)) throw new OutputRefusedError(`${command}: ${out} ${shown} is inside the ${i.what} folder ${resolve(i.path)}; choose another ${out}`);
  }
  for (const o of outputs) {
    const ro = resolveReal(o.path);
    for (const i of real) {
      const hit = i.folder ? isInside(ro, i.real) : o.folder ? isInside(i.real, ro) : ro === i.real;
      if (!hit) continue;
      const where = i.folder ? `inside the ${i.what} folder ${resolve(i.path)}` : o.folder ? `the folder that holds the ${i.what} file ${resolve(i.path)}` : `which is the ${i.what} file`;
      throw new OutputRefusedError(`${command}: ${out} ${shown} would write ${resolve(o.path)}, ${where}; choose another ${out}`);
    }
  }
}

/** The entries of a folder (temp files of the writer skipped); [] when it does not exist. */
export function folderEntries(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => !isTempName(n))
      .sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new OutputRefusedError(`${dir} is a file, not a folder`);
    throw e;
  }
}

/** A list of names for a message: the first few, then how many more. */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** A folder name for the current time that sorts by date: `replaced-2026-11-27T10-00-00-000Z`. */
export function datedName(prefix: string, now = new Date()): string {
  return `${prefix}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Moves entries of `dir` into a new subfolder `dir/<datedName(prefix)>` (never deletes): the
 * way an earlier output is kept when `--force` replaces it. Entries that do not exist are skipped.
 * @returns the subfolder, or null when nothing was moved
 */
export function moveAside(dir: string, names: readonly string[], prefix = 'replaced', now = new Date()): string | null {
  const present = names.filter((n) => existsSync(join(dir, n)));
  if (present.length === 0) return null;
  let aside = join(dir, datedName(prefix, now));
  for (let k = 2; existsSync(aside); k++) aside = join(dir, `${datedName(prefix, now)}-${k}`);
  mkdirSync(aside);
  for (const n of present) renameSync(join(dir, n), join(aside, n));
  fsyncDir(aside);
  fsyncDir(dir);
  return aside;
}

/**
 * The folder of a model given as a folder or as its model.json (what {@link assertNoInputOverwrite}
 * guards as a whole); the path itself when it does not exist.
 */
export function modelFolderOf(model: string): string {
  try {
    return statSync(model).isDirectory() ? model : dirname(model);
  } catch {
    return model;
  }
}
