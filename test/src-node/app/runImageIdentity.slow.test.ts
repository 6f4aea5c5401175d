/**
 * Issue 12 in the services (items 1, 6, 9): the open image carries the SHA-256 of its file, every
 * run records the SHA-256 of the image it was made of (in its record and its run.json, kept
 * across a restart), the session states the inference grid the run form's patch advice is about,
 * and rejected uploads leave nothing in the project's uploads/ folder. Before: no `sha256` on the
 * image, no `imageSha256` on runs, no `inferenceGrid` (the first three tests fail on that code;
 * the uploads test passed there too: it guards the four kinds of refusal).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord, SessionState } from '../../../shared/api/contract';
import { writeNifti } from '../../../shared/io/nifti';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { repoRoot } from '../../helpers/sharedData';
import { errorOf, jobEnd, openUpload, result } from '../../helpers/hostEnvelopes';

const demoData = join(repoRoot, 'demo', 'data');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;

/** The session state once `pred` holds (from session:changed, or now). */
function stateWhen(conn: ServiceConnection, pred: (s: SessionState) => boolean): Promise<SessionState> {
  return new Promise((resolve) => {
    const off = conn.subscribe((event, payload) => {
      if (event === 'session:changed' && pred(payload as SessionState)) {
        off();
        resolve(payload as SessionState);
      }
    });
    void conn.handle('session:get', {}).then((e) => {
      if ('result' in e && pred(e.result as SessionState)) {
        off();
        resolve(e.result as SessionState);
      }
    });
  });
}

describe('runs belong to an image (services)', { timeout: 180_000 }, () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-identity-'));
  let host: ServiceHost;
  let conn: ServiceConnection;

  beforeAll(async () => {
    host = await createServiceHost({ projectDir, transport: 'http', downloadBase: '/files', log: () => undefined });
    conn = host.connect({ role: 'ui' });
  });
  afterAll(async () => {
    await host?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('the image has its SHA-256 and the session states the inference grid', async () => {
    const s = result<SessionState>(await conn.handle('session:openDemo', {}));
    expect(s.image?.sha256).toBe(sha(join(demoData, 'ch2-2mm_t1.nii.gz')));
    // The demo model reorients the 2 mm image (no resampling, no crop): the grid holds the image's voxels, in the model's axis order.
    const withGrid = await stateWhen(conn, (x) => !!x.inferenceGrid);
    expect(withGrid.inferenceGrid).toHaveLength(3);
    expect(withGrid.inferenceGrid!.reduce((a, b) => a * b, 1)).toBe(91 * 109 * 91);
  });

  it('a run records the SHA-256 of its image, in its record and its run.json', async () => {
    const { jobId } = result<{ jobId: string }>(await conn.handle('run:start', { settings }));
    const job = await jobEnd(conn, jobId);
    expect(job.state).toBe('done');
    const s = result<SessionState>(await conn.handle('session:get', {}));
    const run = s.runs.find((r) => r.id === job.resultId) as RunRecord;
    expect(run.imageSha256).toBe(s.image!.sha256);
    expect(JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8')).imageSha256).toBe(s.image!.sha256);
    // The run's windows are those of the grid the session stated.
    expect(run.windows).toBe(s.inferenceGrid!.map((n) => Math.ceil(n / 24)).reduce((a, b) => a * b, 1));
  });

  it('keeps the record across a restart', async () => {
    await host.close();
    host = await createServiceHost({ projectDir, transport: 'http', downloadBase: '/files', log: () => undefined });
    conn = host.connect({ role: 'ui' });
    const s = result<SessionState>(await conn.handle('session:get', {}));
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0].imageSha256).toBe(sha(join(demoData, 'ch2-2mm_t1.nii.gz')));
  });

  it('rejected uploads are deleted from uploads/ (not a NIfTI, a label map that does not fit)', async () => {
    result(await conn.handle('session:openDemo', {}));
    const text = new TextEncoder().encode('ch2 notes\n'.repeat(60));
    expect(errorOf(await openUpload(conn, 'image', [{ name: 'ch2.txt', bytes: text }])).code).toBe('bad-input');
    const small = writeNifti({ data: new Uint8Array(8 * 9 * 10), shape: [8, 9, 10], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
    expect(errorOf(await openUpload(conn, 'label', [{ name: 'small.nii.gz', bytes: small }])).code).toBe('bad-input');
    const intensity = writeNifti({ data: Float32Array.from({ length: 8 * 9 * 10 }, (_, i) => i / 7), shape: [8, 9, 10], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
    expect(errorOf(await openUpload(conn, 'label', [{ name: 'float.nii.gz', bytes: intensity }])).code).toBe('bad-input');
    expect(errorOf(await openUpload(conn, 'model', [{ name: 'weights.bin', bytes: text }])).code).toBe('bad-input');
    expect(readdirSync(join(projectDir, 'uploads'))).toEqual([]);
  });
});
