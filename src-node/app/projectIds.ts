/**
 * Run and sweep ids (`r7`, `s3`) that cannot collide, even between processes: an id is taken by
 * creating `.reserved-<id>` exclusively (it records its owner, see {@link OwnerInfo}); the owner
 * writes `<id>/` (through `beginFolder`, whose temp folder carries its pid) and then releases the
 * reservation. A number is never handed out while anything on disk names it: a finished folder,
 * a reservation, a temp folder or a legacy `.partial-<id>` folder.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_MARK } from '../fs/atomicWrite';
import { createExclusive, forgetToken, holdToken, ownInfo, readOwnerFile, type OwnerInfo } from './projectOwner';

/** Prefix of an id reservation (`runs/.reserved-r7`). */
export const RESERVED_PREFIX = '.reserved-';

/** Prefix of a run's folder while it was written, in versions before the atomic folder writer (never made now). */
export const PARTIAL_PREFIX = '.partial-';

/** A temp name of the atomic writer (`.patchlens-tmp-<base>-<pid>-<time base 36>-<n>`), parsed. */
export function parseTempName(name: string): { base: string; pid: number; sinceMs: number } | null {
  if (!name.startsWith(TEMP_MARK)) return null;
  const m = /^(.*)-(\d+)-([0-9a-z]+)-(\d+)$/.exec(name.slice(TEMP_MARK.length));
  if (!m) return null;
  return { base: m[1], pid: Number(m[2]), sinceMs: parseInt(m[3], 36) };
}

/** The number of an id that a folder entry names (`r7`, `.reserved-r7`, `.partial-r7`, a temp `r7-…`); null for others. */
export function idNumberOf(name: string, prefix: 'r' | 's'): number | null {
  const base = parseTempName(name)?.base ?? name;
  const m = new RegExp(`^(?:${RESERVED_PREFIX.replace('.', '\\.')}|${PARTIAL_PREFIX.replace('.', '\\.')})?${prefix}(\\d+)(?:\\.replaced)?$`).exec(base);
  return m ? Number(m[1]) : null;
}

/** The largest id number anything in `dir` names (0 when none). */
export function maxIdNumber(dir: string, prefix: 'r' | 's', extra: Iterable<string> = []): number {
  let max = 0;
  for (const name of [...listNames(dir), ...extra]) {
    const n = idNumberOf(name, prefix);
    if (n !== null && n > max) max = n;
  }
  return max;
}

/** The entries of a folder; none when it does not exist. */
export function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** What `.reserved-<id>` holds. */
export interface Reservation extends OwnerInfo {
  id: string;
}

/**
 * Reserves the next free id in `dir` (`runs/` or `sweeps/`): one above every number on disk,
 * taken by an exclusive create, so two processes never get the same one.
 * @returns the id and the reservation's token (for {@link releaseIdIn})
 */
export function reserveIdIn(dir: string, prefix: 'r' | 's'): { id: string; token: string } {
  let n = maxIdNumber(dir, prefix) + 1;
  for (let tries = 0; tries < 10_000; tries++, n++) {
    const id = `${prefix}${n}`;
    const info: Reservation = { id, ...ownInfo() };
    if (!createExclusive(join(dir, `${RESERVED_PREFIX}${id}`), `${JSON.stringify(info, null, 2)}\n`)) continue;
    // A folder of this id made by a writer that did not reserve (an older version): not ours to use.
    if (listNames(dir).includes(id)) {
      rmSync(join(dir, `${RESERVED_PREFIX}${id}`), { force: true });
      continue;
    }
    holdToken(info.token);
    return { id, token: info.token };
  }
  throw new Error(`reserveId: no free ${prefix === 'r' ? 'run' : 'sweep'} id in ${dir} after 10000 tries`);
}

/** Removes the reservation of `id` if it is still the one with `token`. @returns whether it was removed */
export function releaseIdIn(dir: string, id: string, token: string): boolean {
  forgetToken(token);
  const path = join(dir, `${RESERVED_PREFIX}${id}`);
  if (readOwnerFile<Reservation>(path)?.token !== token) return false;
  rmSync(path, { force: true });
  return true;
}
