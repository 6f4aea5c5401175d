/**
 * A fake main for the annotation store's tests: its own copy of the label map behind a fake
 * `Api` (test/src-renderer/fakeApi.ts), answering like src-node/app/annotationState.ts.
 */
import { AnnotationStore } from '../../../src-renderer/annotation/annotationStore.svelte';
import { ApiError } from '../../../shared/api/transport';
import { LabelStats } from '../../../shared/annotation/labelStats';
import { LabelTable } from '../../../shared/annotation/labelTable';
import { valueAt, type VoxelDiff } from '../../../shared/annotation/voxelDiff';
import type { AnnotationDiff, AnnotationInfo, AnnotationRecoverable, AnnotationStart, FindingsDocument, LabelTableJSON } from '../../../shared/api/contract';
import { fakeApi, type Handlers } from '../fakeApi';

/** The grid of these tests: 5×5×5, 1 mm voxels; flat index of [a0, a1, a2] = (a0·5 + a1)·5 + a2. */
export const grid = { shape: [5, 5, 5], spacing: [1, 1, 1] };
/** Its voxel count. */
export const N = 125;
const findings: FindingsDocument = { format: 'patchlens.findings', version: 1, image: { name: 'img.nii.gz', shape: [5, 5, 5] }, findings: [] };
/** Labels 1 Liver and 2 Tumour (uint8), `locked` locked. */
export const table = (locked: number[] = []): LabelTableJSON => {
  const t = new LabelTable('uint8', [
    { value: 1, name: 'Liver' },
    { value: 2, name: 'Tumour' },
  ]);
  for (const v of locked) t.setLocked(v, true);
  return t.toJSON();
};

const sideValues = (side: AnnotationDiff['before'], n: number) => Array.from({ length: n }, (_, k) => valueAt(side, k));
/** A diff as plain numbers (one value per index), to compare what was sent with what changed. */
export const plain = (d: VoxelDiff | AnnotationDiff) => ({ indices: [...d.indices], before: sideValues(d.before, d.indices.length), after: sideValues(d.after, d.indices.length) });

/**
 * Main's side, as the service keeps it (src-node/app/annotationState.ts): its own copy of the map,
 * an edit whose `before` differs from that copy answers `conflict`, `open` hands out a copy.
 */
export class FakeMain {
  /** Main's working copy of the map. */
  labels = new Uint8Array(N);
  table = table();
  edits = 0;
  recoverable: AnnotationRecoverable | null = null;
  saveAnswer: 'ok' | 'conflict' = 'ok';
  editFailure: ApiError | null = null;
  readonly api = fakeApi(this.handlers());

  private info(start: AnnotationStart): AnnotationInfo {
    const labels = this.labels.slice();
    return { imageKey: 'k1', labels: { shape: [5, 5, 5], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], data: labels }, table: this.table, findings, start, savedAt: null, edits: this.edits, recoverable: this.recoverable, stats: new LabelStats(grid, labels).rows() };
  }

  private handlers(): Handlers {
    return {
      'annotation:open': ({ start }) => this.info(start),
      'annotation:edit': ({ diff }) => {
        if (this.editFailure) throw this.editFailure;
        const d = plain(diff);
        d.indices.forEach((v, k) => {
          if (this.labels[v] !== d.before[k]) throw new ApiError('annotation:edit', { code: 'conflict', message: `voxel ${v} holds ${this.labels[v]} in main's copy, but the edit says ${d.before[k]} was there; reopen the annotation` });
        });
        d.indices.forEach((v, k) => (this.labels[v] = d.after[k]));
        this.edits++;
        return { edits: this.edits, stats: new LabelStats(grid, this.labels).rows() };
      },
      'annotation:save': () => {
        if (this.saveAnswer === 'conflict') throw new ApiError('annotation:save', { code: 'conflict', message: 'labels.nii.gz changed on disk since it was opened' });
        return { savedAt: '2026-01-02T10:00:00.000Z', labelsPath: '/p/annotations/k1/labels.nii.gz', findingsPath: '/p/annotations/k1/findings.json' };
      },
      'annotation:discardRecovery': () => {
        this.recoverable = null;
        return {};
      },
    };
  }

  /** The `annotation:edit` calls, in order, as plain diffs with their step names. */
  sent() {
    return this.api.calls.filter((c) => c.channel === 'annotation:edit').map((c) => {
      const args = c.args as { diff: AnnotationDiff; step: string; imageKey: string };
      return { ...plain(args.diff), step: args.step, imageKey: args.imageKey };
    });
  }

  /** The channels called, in order. */
  channels() {
    return this.api.calls.map((c) => c.channel);
  }
}

/** A store opened (`saved`) on a fresh {@link FakeMain} after `setup`, and the voxel changes its listener was told. */
export async function opened(setup: (main: FakeMain) => void = () => {}) {
  const main = new FakeMain();
  setup(main);
  const store = new AnnotationStore(main.api);
  const seen: (VoxelDiff | null)[] = [];
  store.onVoxels((d) => seen.push(d));
  await store.open('saved');
  return { main, store, seen };
}
