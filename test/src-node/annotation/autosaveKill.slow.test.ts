/**
 * A process killed (SIGKILL) in the middle of editing: between edits (two edits after the last
 * autosave), halfway through writing an autosave's labels, and in the rename of its manifest.
 * Each time, recovery returns the last completed autosave (3 edits) intact — every file whole and
 * matching the manifest — and a new Autosaver goes on from it. Slow: child processes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Autosaver } from '../../../src-node/annotation/autosave';
import { annotationPaths, imageKeyOf } from '../../../src-node/annotation/annotationFolder';
import { findRecoverable, recover } from '../../../src-node/annotation/recovery';
import { isTempName } from '../../../src-node/fs/atomicWrite';
import { repoRoot } from '../../helpers/sharedData';
import { findingsAfter, labelsAfter, writeImage } from './autosaveFixture';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-autosave-kill-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs autosaveChild.ts, waits for `line`, SIGKILLs it; resolves with what it printed. */
function killAt(projectDir: string, mode: string, line: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/src-node/annotation/autosaveChild.ts'), projectDir, mode], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.split('\n').includes(line)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done(said) : fail(new Error(`autosaveChild exited with ${code} before "${line}": ${said}${err}`))));
  });
}

describe('an editing process killed with SIGKILL', () => {
  for (const [mode, line, what] of [
    ['between', 'editing', 'between edits, two edits after the last autosave'],
    ['writing', 'blocked', "halfway through writing autosave 4's labels"],
    ['manifest', 'blocked', "in the rename of autosave 4's autosave.json"],
  ] as const) {
    it(`${what}: recovery returns autosave 3 intact, and a new session goes on from it`, async () => {
      const projectDir = join(tmp, mode);
      mkdirSync(projectDir);
      const said = await killAt(projectDir, mode, line);
      expect(said).toBe(`saved 1\nsaved 2\nsaved 3\n${line}\n`);

      const image = writeImage(join(projectDir, 'image.nii.gz'));
      const key = imageKeyOf(image.sha256);
      const paths = annotationPaths(projectDir, key);
      const leftovers = readdirSync(paths.autosaveDir).filter(isTempName);
      // the kill really came in the middle of a write (a temp file of the writer is left) or between edits (none)
      expect(leftovers.length).toBe(mode === 'between' ? 0 : 1);

      const { recoverable, unreadable } = findRecoverable(projectDir);
      expect(unreadable).toEqual([]);
      expect(recoverable).toMatchObject([{ imageKey: key, imagePath: image.path, edits: 3, reason: 'idle', labels: true, findings: true }]);
      const back = recover(projectDir, key, image.header); // every file checked against the manifest's SHA-256
      expect(back.manifest).toMatchObject({ edits: 3, sequence: 3 });
      expect(back.labels).toEqual(labelsAfter(3));
      expect(back.findings).toEqual(findingsAfter(3));

      // The next session continues: autosave 4 replaces 3, whatever the killed one left.
      let edits = 3;
      const next = new Autosaver({ projectDir, image, snapshot: () => ({ labels: labelsAfter(edits), findings: findingsAfter(edits), edits }) });
      edits = 4;
      next.markDirty();
      expect(await next.flush()).toMatchObject({ edits: 4, sequence: 4, reason: 'close' });
      expect(recover(projectDir, key, image.header).labels).toEqual(labelsAfter(4));
      expect(readdirSync(paths.autosaveDir).filter((n) => !isTempName(n)).sort()).toEqual(['autosave.json', 'findings-4.json', 'labels-4.nii.gz']);
    });
  }
});
