/**
 * Shared by the autosave and recovery tests and their child process: a small anisotropic image
 * (header and SHA-256, its file written on demand), deterministic label states and hand-driven timers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti, writeNifti, type NiftiHeaderInfo } from '../../../shared/io/nifti';
import { sha256Hex } from '../../../src-node/fs/sha256';
import type { AutosaveTimers } from '../../../src-node/annotation/autosave';

/** The image's grid: `[nk, nj, ni]`. */
export const SHAPE = [3, 4, 5] as const;
export const VOXELS = SHAPE[0] * SHAPE[1] * SHAPE[2];

/** The image file's bytes (uint8, 2.5 × 1.3 × 0.7 mm), the same on every call. */
export function imageBytes(): Uint8Array {
  const data = new Uint8Array(VOXELS).map((_, i) => (i * 37) % 251);
  const affine = [
    [0, 0, -0.7, 10],
    [0, 1.3, 0, -20],
    [2.5, 0, 0, 5],
    [0, 0, 0, 1],
  ];
  return writeNifti({ data, shape: [...SHAPE], spacing: [2.5, 1.3, 0.7], affine }, { description: 'autosave fixture' });
}

/** Writes the image to `path` and returns what the autosaver needs of it. */
export function writeImage(path: string): { path: string; header: NiftiHeaderInfo; sha256: string } {
  const bytes = imageBytes();
  writeFileSync(path, bytes);
  return { path, header: readNifti(bytes).header, sha256: sha256Hex(bytes) };
}

/**
 * Fresh project folders under one temp folder, each with the image written into it:
 * `project()` makes the next one, `remove()` (in afterAll) removes them all.
 */
export function tempProjects(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    project() {
      const projectDir = join(root, `project-${n++}`);
      mkdirSync(projectDir);
      return { projectDir, image: writeImage(join(projectDir, 'image.nii.gz')) };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The labels after `edits` edits: edit k (1-based) paints voxel k − 1 with label k (uint16 past 255). */
export function labelsAfter(edits: number): Uint8Array | Uint16Array {
  const out = edits > 255 ? new Uint16Array(VOXELS) : new Uint8Array(VOXELS);
  for (let k = 1; k <= edits; k++) out[(k - 1) % VOXELS] = k;
  return out;
}

/** The findings after `edits` edits (opaque JSON to the autosaver). */
export function findingsAfter(edits: number): unknown {
  return { format: 'test.findings', findings: Array.from({ length: edits }, (_, k) => ({ id: `f${k + 1}` })) };
}

/** Timers driven by hand: `fire()` runs the pending ones; `cleared` counts cancellations. */
export class ManualTimers implements AutosaveTimers {
  private next = 1;
  readonly pending = new Map<number, { run: () => void; ms: number }>();
  cleared = 0;
  set(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { run, ms });
    return id;
  }
  clear(handle: unknown): void {
    if (this.pending.delete(handle as number)) this.cleared++;
  }
  /** Runs every pending timer (as if the idle interval passed). */
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.run();
  }
}
