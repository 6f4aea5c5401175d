// @vitest-environment jsdom
/**
 * Issue 12, item 6: runs belong to an image, by content. The runs list names each run's image
 * (a file name shared by two different files is told apart by its hash), dims the runs of other
 * images and shows a run's warnings with it (item 2); the viewer's run (`findRun`, what it draws
 * the layers of) is never a run of another image. Before, the list had no image column, the
 * warnings were not shown, and `findRun` answered the selected run whatever image was open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import type { RunRecord, VolumeInfo } from '../../../shared/api/contract';
import RunList from '../../../src-renderer/jobs/RunList.svelte';
import { isRunOfImage, runImageLabels } from '../../../src-renderer/jobs/runImages';
import { findRun, volumeKey } from '../../../src-renderer/viewer/loadViewerData';

afterEach(cleanup);

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
const C = 'c3'.repeat(32);

function run(id: string, imageName: string, imageSha256: string | null, warnings: string[] = []): RunRecord {
  return {
    id, createdAt: '2026-11-27T00:00:00Z', imageName, imageSha256, labelName: null, modelName: 'm',
    settings: { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' },
    windows: 8, dice: 0.9, timing: { totalMs: 1000, preprocessMs: 0, modelMs: 1, stitchMs: 0, postprocessMs: 0 },
    backend: { name: 'wasm', reason: '' }, layers: ['labels', 'tiledPerformance'], hasPerformance: true, hasConsistency: false, warnings, dir: '/p/runs/' + id,
  };
}

function image(name: string, sha256: string): VolumeInfo {
  return { name, path: `/data/${name}`, shape: [91, 109, 91], spacing: [2, 2, 2], dtype: 'uint8', range: [0, 255], percentiles: [0, 250], modality: 'MR', sha256 };
}

const REF = 'the reference has 312 distinct values (int16): this looks like an image, not labels';
const runs = [run('r4', 'ch2.nii.gz', C), run('r3', 'aal.nii.gz', B, [REF]), run('r2', 'ch2.nii.gz', A), run('r1', 'ch2.nii.gz', null)];

describe('runs and their images', () => {
  it('a run is of the open image only when both hashes are known and equal', () => {
    expect(isRunOfImage(runs[2], image('ch2.nii.gz', A))).toBe(true);
    expect(isRunOfImage(runs[0], image('ch2.nii.gz', A))).toBe(false); // same name, other bytes
    expect(isRunOfImage(runs[3], image('ch2.nii.gz', A))).toBe(false); // image not recorded
    expect(isRunOfImage(runs[2], null)).toBe(false);
  });

  it('names each run\'s image; a name shared by different files gets its hash', () => {
    expect([...runImageLabels(runs)]).toEqual([
      ['r4', 'ch2.nii.gz · c3c3c3c3'],
      ['r3', 'aal.nii.gz'],
      ['r2', 'ch2.nii.gz · a1a1a1a1'],
      ['r1', 'ch2.nii.gz (image unknown)'],
    ]);
  });

  it('the viewer draws the selected run only over its own image', () => {
    const session = { runs, image: image('aal.nii.gz', B) };
    expect(findRun(session, 'r2')).toBeNull(); // the ch2 run is not drawn over aal
    expect(findRun(session, 'r3')?.id).toBe('r3');
    expect(findRun({ runs, image: image('ch2.nii.gz', A) }, 'r2')?.id).toBe('r2');
    // Another file of the same name and shape is another image for the viewer's reload too.
    expect(volumeKey(image('ch2.nii.gz', A))).not.toBe(volumeKey(image('ch2.nii.gz', C)));
  });

  it('the runs list shows the image of each run, dims the others, and the selected run\'s warnings', () => {
    render(RunList, { runs, image: image('aal.nii.gz', B), selected: 'r3', onSelect: () => {} });
    // One heading per image (the open one says so), and every row says its image.
    expect(screen.getAllByTestId('run-image-name').map((e) => e.textContent)).toEqual(['ch2.nii.gz · c3c3c3c3', 'aal.nii.gz', 'ch2.nii.gz · a1a1a1a1', 'ch2.nii.gz (image unknown)']);
    expect(screen.getAllByTestId('run-image').map((e) => e.textContent)).toEqual(['ch2.nii.gz · c3c3c3c3', 'aal.nii.gzopen', 'ch2.nii.gz · a1a1a1a1', 'ch2.nii.gz (image unknown)']);
    expect(screen.getAllByTestId('run-row').map((e) => e.getAttribute('data-image'))).toEqual(['ch2.nii.gz · c3c3c3c3', 'aal.nii.gz', 'ch2.nii.gz · a1a1a1a1', 'ch2.nii.gz (image unknown)']);
    expect(screen.getAllByTestId('run-row').map((e) => e.getAttribute('data-of-open-image'))).toEqual(['false', 'true', 'false', 'false']);
    expect(screen.getByTestId('run-warning-badge').textContent).toBe('⚠ 1');
    expect(screen.getByTestId('run-warnings').textContent).toBe(REF);
  });
});
