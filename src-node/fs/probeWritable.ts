/**
 * Is an output folder writable? Asked before any work (issue 12, item 8), so that an `--out` in
 * a read-only place, under a regular file or inside `/proc` is refused in a second instead of
 * after the whole run. Only non-recursive calls are made: Node's recursive `mkdir` never returns
 * under `/proc` (it spins at 100 % CPU), which is how such an `--out` used to hang.
 */
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { tempPathBeside } from './atomicWrite';

/** How long the probe may take before the folder counts as not answering (a hung network mount). */
export const PROBE_TIMEOUT_MS = 5000;

/** An output folder that cannot be written: the message names the option and the path. */
export class NotWritableError extends Error {
  override name = 'NotWritableError';
}

/** Options of {@link probeWritable}. */
export interface ProbeOptions {
  /** How the caller names the folder in the message (default `--out`). */
  option?: string;
  /**
   * Where the writes go: `inside` the folder (a sweep, a report: files written into it), or
   * `beside` it (infer's folder write: a temp folder in the parent, renamed onto the target).
   * Default `inside`.
   */
  where?: 'inside' | 'beside';
  /** Time limit in ms (default {@link PROBE_TIMEOUT_MS}). */
  timeoutMs?: number;
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // `EACCES: permission denied, open '/x/.patchlens-tmp-…'` → `EACCES: permission denied`
  return err.code ? `${err.message.split(',')[0]}` : String(err.message ?? e);
}

/** The nearest folder that exists at or above `abs`; a regular file on the way is an error. */
async function nearestFolder(abs: string, option: string): Promise<string> {
  for (let head = abs; ; head = dirname(head)) {
    try {
      const s = await stat(head);
      if (s.isDirectory()) return head;
      throw new NotWritableError(head === abs ? `${option} ${abs} is a file, not a folder` : `${option} ${abs} is not writable: ${head} is a file, not a folder`);
    } catch (e) {
      if (e instanceof NotWritableError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new NotWritableError(`${option} ${abs} is not writable: ${head}: ${reason(e)}`);
      if (dirname(head) === head) throw new NotWritableError(`${option} ${abs} is not writable: no part of it exists`);
    }
  }
}

async function probe(abs: string, option: string, where: 'inside' | 'beside'): Promise<void> {
  const nearest = await nearestFolder(abs, option);
  // Beside: an existing folder is replaced by a temp folder made in its parent.
  const folder = where === 'beside' && nearest === abs ? dirname(abs) : nearest;
  // A temp name of the one writer (hidden, skipped by every listing), created exclusively.
  const file = tempPathBeside(join(folder, 'write-probe'));
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (e) {
    throw new NotWritableError(`${option} ${abs} is not writable: a file cannot be created in ${folder} (${reason(e)})`);
  }
  try {
    await handle.close();
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * Checks that the files of an output folder can be written: creates and removes a probe file in
 * the folder (or, when it does not exist yet, in the nearest folder above it that does), with a
 * time limit. Creates nothing that stays.
 * @param path the output folder as the user gave it
 * @throws NotWritableError of one line naming the option and the path, e.g.
 *   `--out /proc/x is not writable: a file cannot be created in /proc (ENOENT: no such file or directory)`
 */
export async function probeWritable(path: string, options: ProbeOptions = {}): Promise<void> {
  const option = options.option ?? '--out';
  const abs = resolve(path);
  const ms = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotWritableError(`${option} ${abs} is not writable: the file system did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  try {
    await Promise.race([probe(abs, option, options.where ?? 'inside'), late]);
  } finally {
    clearTimeout(timer);
  }
}
