/**
 * A sweep is a record (issue 12, item 5): the bundled demo cases run with the bundled demo model
 * whatever model is open, the form is told which model and cases a sweep will use before it runs,
 * and a sweep's case opens as the sweep ran it (its image, labels and model).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState, SweepPlanInfo } from '../../../shared/api/contract';
import type { SweepFile } from '../../../shared/sweep/types';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { repoRoot } from '../../helpers/sharedData';
import { errorOf, jobEnd, openUpload, result } from '../../helpers/hostEnvelopes';

const demoModel = join(repoRoot, 'demo', 'model');

/** The demo model's files under another name and with one weight a hair off (another SHA-256): "another model". */
function otherModelFiles(): { name: string; bytes: Uint8Array }[] {
  return readdirSync(demoModel)
    .filter((n) => ['model.json', 'patchlens.json'].includes(n) || n.endsWith('.bin'))
    .map((n) => {
      let bytes: Uint8Array = readFileSync(join(demoModel, n));
      if (n === 'patchlens.json') {
        const sidecar = JSON.parse(Buffer.from(bytes).toString('utf8')) as { name: string; sha256?: string };
        sidecar.name = 'Another brain model';
        delete sidecar.sha256;
        bytes = new TextEncoder().encode(JSON.stringify(sidecar));
      } else if (n.endsWith('.bin')) {
        // The SHA-256 covers model.json and the weights: one low mantissa byte of the first weight differs.
        bytes = Uint8Array.from(bytes);
        bytes[0] ^= 1;
      }
      return { name: `other/${n}`, bytes };
    });
}

describe('sweep jobs: a sweep is a record', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-sweep-record-'));
  let host: ServiceHost;
  let conn: ServiceConnection;
  let demo: SessionState['model'] = null;

  beforeAll(async () => {
    host = await createServiceHost({ projectDir, transport: 'http', downloadBase: '/files', log: () => undefined });
    conn = host.connect({ role: 'ui' });
    demo = result<SessionState>(await conn.handle('session:openDemo', {})).model;
    const opened = result<SessionState>(await openUpload(conn, 'model', otherModelFiles()));
    expect(opened.model?.name).toBe('Another brain model');
    expect(opened.model?.sha256).not.toBe(demo?.sha256);
  }, 60_000);
  afterAll(async () => {
    await host?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('sweep:plan names the model and the cases a sweep will use, before it runs', async () => {
    const plan = result<SweepPlanInfo>(await conn.handle('sweep:plan', { cases: 'demo' }));
    expect(plan.model?.name).toBe(demo!.name);
    expect(plan.model?.sha256).toBe(demo!.sha256);
    expect(plan.model?.receptiveField).toEqual([21, 21, 21]);
    expect(plan.cases).toEqual([
      { id: 'ch2-2mm', image: 'ch2-2mm_t1.nii.gz', label: 'ch2-2mm_brain.nii.gz' },
      { id: 'ch2-2mm-mirrored', image: 'ch2-2mm-mirrored_t1.nii.gz', label: 'ch2-2mm-mirrored_brain.nii.gz' },
    ]);
    expect(plan.grid?.length).toBe(3);
    const current = result<SweepPlanInfo>(await conn.handle('sweep:plan', { cases: 'current' }));
    expect(current.model?.name).toBe('Another brain model');
    expect(current.cases).toEqual([{ id: 'ch2-2mm_t1', image: 'ch2-2mm_t1.nii.gz', label: 'ch2-2mm_brain.nii.gz' }]);
  }, 60_000);

  let sweepId = '';
  it('runs the demo cases with the demo model, not the open one, and the job says so', async () => {
    const request = { patchSizes: [24], overlaps: [0], blends: ['constant'], placements: ['stride'], repeats: 1, cases: 'demo' };
    const { jobId } = result<{ jobId: string }>(await conn.handle('sweep:start', { request }));
    const job = await jobEnd(conn, jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect(job.label).toContain('on 2 demo case(s) with the bundled demo model');
    const s = result<SessionState>(await conn.handle('session:get', {}));
    sweepId = s.sweeps[0].id;
    const sweep = JSON.parse(readFileSync(join(s.sweeps[0].dir, 'sweep.json'), 'utf8')) as SweepFile;
    expect(sweep.model).toMatchObject({ name: demo!.name, sha256: demo!.sha256, path: demoModel });
    expect(sweep.cases.map((c) => c.id)).toEqual(['ch2-2mm', 'ch2-2mm-mirrored']);
    // The open model stays open: the sweep did not swap it.
    expect(s.model?.name).toBe('Another brain model');
  }, 180_000);

  it('opens a case of the sweep with its image, labels and model (sweep:openCase)', async () => {
    const s = result<SessionState>(await conn.handle('sweep:openCase', { sweepId, caseId: 'ch2-2mm-mirrored' }));
    expect(s.image?.name).toBe('ch2-2mm-mirrored_t1.nii.gz');
    expect(s.label?.name).toBe('ch2-2mm-mirrored_brain.nii.gz');
    expect(s.model).toMatchObject({ name: demo!.name, sha256: demo!.sha256 });
    expect(errorOf(await conn.handle('sweep:openCase', { sweepId, caseId: 'nope' }))).toEqual({ code: 'not-found', message: `sweep:openCase: sweep ${sweepId} has no case nope (cases: ch2-2mm, ch2-2mm-mirrored)` });
    expect(errorOf(await conn.handle('sweep:openCase', { sweepId: 's999', caseId: 'ch2-2mm' })).code).toBe('not-found');
  }, 60_000);
});
