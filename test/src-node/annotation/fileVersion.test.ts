/**
 * Conflict detection: a file changed by someone else since it was opened is refused before
 * saving with a FileConflictError that names it and both times, and each of the three
 * resolutions (keep theirs, save as, overwrite) does what it says.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertUnchanged,
  CONFLICT_RESOLUTIONS,
  FileConflictError,
  keepTheirs,
  overwrite,
  readFileVersion,
  readVersioned,
  saveAs,
  saveChecked,
} from '../../../src-node/annotation/fileVersion';
import { OutputRefusedError } from '../../../src-node/fs/outputGuard';
import { sha256Hex } from '../../../src-node/fs/sha256';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-version-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const bytes = (s: string) => new TextEncoder().encode(s);
/** A fresh folder with `findings.json` = "ours v1", opened (its version read) at a fixed mtime. */
function opened() {
  const dir = join(tmp, `case-${n++}`);
  mkdirSync(dir);
  const file = join(dir, 'findings.json');
  writeFileSync(file, 'ours v1');
  utimesSync(file, new Date('2026-01-02T03:04:05.000Z'), new Date('2026-01-02T03:04:05.000Z'));
  return { dir, file, version: readVersioned(file).version };
}
/** Someone else writes the file, with a later mtime. */
function theirEdit(file: string, text = 'their edit'): void {
  writeFileSync(file, text);
  utimesSync(file, new Date('2026-01-02T04:00:00.000Z'), new Date('2026-01-02T04:00:00.000Z'));
}
function conflictOf(f: () => unknown): FileConflictError {
  try {
    f();
  } catch (e) {
    if (e instanceof FileConflictError) return e;
    throw e;
  }
  throw new Error('expected a FileConflictError');
}

describe('readVersioned / readFileVersion', () => {
  it('reads the bytes and their version together; a missing file is a missing version', () => {
    const { file, version } = opened();
    expect(version).toEqual({ path: resolve(file), exists: true, size: 7, mtimeMs: Date.parse('2026-01-02T03:04:05.000Z'), sha256: sha256Hex('ours v1') });
    expect(readVersioned(join(tmp, 'none.json'))).toEqual({ bytes: null, version: { path: resolve(tmp, 'none.json'), exists: false } });
  });
});

describe('saveChecked', () => {
  it('saves over an unchanged file and returns the new version', () => {
    const { file, version } = opened();
    const next = saveChecked(file, bytes('ours v2'), version);
    expect(readFileSync(file, 'utf8')).toBe('ours v2');
    expect(next).toEqual(readFileVersion(file));
    // the returned version is the one to check the next save against
    saveChecked(file, bytes('ours v3'), next);
    expect(readFileSync(file, 'utf8')).toBe('ours v3');
  });

  it('a touch (same bytes, new mtime) is no conflict', () => {
    const { file, version } = opened();
    utimesSync(file, new Date('2026-02-01T00:00:00.000Z'), new Date('2026-02-01T00:00:00.000Z'));
    saveChecked(file, bytes('ours v2'), version);
    expect(readFileSync(file, 'utf8')).toBe('ours v2');
  });

  it('refuses when someone else changed the file: the error names the file and both times, and nothing is written', () => {
    const { file, version } = opened();
    theirEdit(file);
    const conflict = conflictOf(() => saveChecked(file, bytes('ours v2'), version));
    expect(conflict.code).toBe('FILE_CONFLICT');
    expect(conflict.path).toBe(resolve(file));
    expect(conflict.message).toBe(
      `saveChecked: ${resolve(file)} was changed by someone else since it was opened: opened as modified 2026-01-02T03:04:05.000Z, ` +
        'now modified 2026-01-02T04:00:00.000Z, 7 → 10 bytes; keep theirs (reload), save as another file, or overwrite',
    );
    expect(conflict.opened).toEqual(version);
    expect(conflict.current).toMatchObject({ exists: true, size: 10, sha256: sha256Hex('their edit') });
    expect(readFileSync(file, 'utf8')).toBe('their edit');
  });

  it('same size and mtime but other bytes is a conflict (the content decides, not the clock)', () => {
    const { file, version } = opened();
    writeFileSync(file, 'THEIRS!');
    utimesSync(file, new Date('2026-01-02T03:04:05.000Z'), new Date('2026-01-02T03:04:05.000Z'));
    expect(readFileVersion(file)).toMatchObject({ size: version.exists ? version.size : -1, mtimeMs: version.exists ? version.mtimeMs : -1 });
    expect(() => assertUnchanged('save', version)).toThrow(FileConflictError);
  });

  it('a file removed since it was opened, or created since it was opened as missing, is a conflict', () => {
    const { file, version } = opened();
    unlinkSync(file);
    expect(conflictOf(() => saveChecked(file, bytes('x'), version)).message).toMatch(/opened as modified 2026-01-02T03:04:05\.000Z, now removed; keep theirs/);
    const fresh = readFileVersion(file); // missing
    theirEdit(file);
    expect(conflictOf(() => saveChecked(file, bytes('x'), fresh)).message).toMatch(/opened as modified not yet existing, now modified 2026-01-02T04:00:00\.000Z; keep theirs/);
  });

  it('refuses a version of another file', () => {
    const { file, version } = opened();
    expect(() => saveChecked(`${file}.other`, bytes('x'), version)).toThrow(`saveChecked: the version given is of ${resolve(file)}, not of ${resolve(file)}.other`);
  });
});

describe('the three resolutions', () => {
  it('are offered in the order keep theirs, save as, overwrite', () => {
    expect(CONFLICT_RESOLUTIONS).toEqual(['keep-theirs', 'save-as', 'overwrite']);
  });

  it('keep theirs: reloads their bytes with their version, and a save against it then succeeds', () => {
    const { file, version } = opened();
    theirEdit(file);
    const conflict = conflictOf(() => saveChecked(file, bytes('ours v2'), version));
    const theirs = keepTheirs(conflict);
    expect(new TextDecoder().decode(theirs.bytes ?? new Uint8Array())).toBe('their edit');
    expect(theirs.version).toEqual(conflict.current);
    saveChecked(file, bytes('ours on top of theirs'), theirs.version);
    expect(readFileSync(file, 'utf8')).toBe('ours on top of theirs');
  });

  it('save as: writes ours to a new path and leaves theirs alone', () => {
    const { dir, file, version } = opened();
    theirEdit(file);
    conflictOf(() => saveChecked(file, bytes('ours v2'), version));
    const other = join(dir, 'findings-mine.json');
    const v = saveAs(other, bytes('ours v2'));
    expect(readFileSync(other, 'utf8')).toBe('ours v2');
    expect(readFileSync(file, 'utf8')).toBe('their edit');
    expect(v).toEqual(readFileVersion(other));
  });

  it('save as: refused when the new path exists or is an input, and nothing is written', () => {
    const { dir, file } = opened();
    expect(() => saveAs(file, bytes('ours'))).toThrow(OutputRefusedError);
    expect(() => saveAs(file, bytes('ours'))).toThrow(`saveAs: ${resolve(file)} exists; choose a new name (nothing was written)`);
    const image = join(dir, 'image.nii.gz');
    writeFileSync(image, 'image bytes');
    expect(() => saveAs(image, bytes('ours'), { inputs: [{ what: 'image', path: image }] })).toThrow(/saveAs: path .*image\.nii\.gz is the image file; choose another path/);
    expect(readFileSync(file, 'utf8')).toBe('ours v1');
    expect(readFileSync(image, 'utf8')).toBe('image bytes');
  });

  it('overwrite: replaces their file with ours, and returns the version to save against next', () => {
    const { file, version } = opened();
    theirEdit(file);
    const conflict = conflictOf(() => saveChecked(file, bytes('ours v2'), version));
    const v = overwrite(conflict, bytes('ours v2'));
    expect(readFileSync(file, 'utf8')).toBe('ours v2');
    expect(v).toEqual(readFileVersion(file));
    saveChecked(file, bytes('ours v3'), v);
    expect(readFileSync(file, 'utf8')).toBe('ours v3');
  });
});
