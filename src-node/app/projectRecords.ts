import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, SweepRecord } from '../../shared/api/contract';
import { readRunRecord } from '../compute/index';
import { RUN_INPUTS_FILE, type ProjectStore } from './projectStore';
import { readSweepRecord } from './sweepRecords';

/**
 * The project's finished runs and sweeps (read from `runs/<id>/run.json` and
 * `sweeps/<id>/sweep.json` when the services start, kept up to date as jobs finish). Shared by
 * every session: each session shows the ones it can see (see session.ts).
 */
export class ProjectRecords {
  readonly runs = new Map<string, RunRecord>();
  readonly sweeps = new Map<string, SweepRecord>();

  constructor(private readonly store: ProjectStore) {
    this.reload();
  }

  /** Reads every run and sweep folder of the project again (a read-only window picks up what the lock holder wrote). */
  reload(): void {
    for (const id of this.store.ids('runs')) {
      if (this.runs.has(id)) continue;
      const dir = join(this.store.runsDir, id);
      const record = readRunRecord(dir);
      if (record && record.id === id) this.runs.set(id, { ...record, imageSha256: record.imageSha256 ?? legacyImageHash(dir, record.createdAt), dir });
    }
    for (const id of this.store.ids('sweeps')) {
      const record = readSweepRecord(id, join(this.store.sweepsDir, id));
      if (record) this.sweeps.set(id, record);
    }
  }

  /** Run ids, newest first. */
  runIds(): string[] {
    return [...this.runs.values()].sort(newestFirst).map((r) => r.id);
  }

  /** Sweep ids, newest first. */
  sweepIds(): string[] {
    return [...this.sweeps.values()].sort(newestFirst).map((s) => s.id);
  }
}

/** Sorts records by `createdAt`, newest first. */
export function newestFirst(a: { createdAt: string }, b: { createdAt: string }): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0;
}

/**
 * The image SHA-256 of a run recorded before runs recorded it: the hash of the image file its
 * `app-inputs.json` names, when that file has not been modified since the run (else null: the
 * file may no longer be the run's image, and the viewer then draws the run over no image).
 */
export function legacyImageHash(runDir: string, createdAt: string): string | null {
  try {
    const inputs = JSON.parse(readFileSync(join(runDir, RUN_INPUTS_FILE), 'utf8')) as { imagePath?: unknown };
    if (typeof inputs.imagePath !== 'string') return null;
    if (statSync(inputs.imagePath).mtimeMs > Date.parse(createdAt)) return null;
    return createHash('sha256').update(readFileSync(inputs.imagePath)).digest('hex');
  } catch {
    return null;
  }
}
