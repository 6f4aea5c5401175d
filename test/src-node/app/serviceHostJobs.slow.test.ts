/**
 * The service host's jobs on the bundled demo: an inference run in the compute worker (a real
 * worker thread, tsx bootstrap), its layers, maps and inspector, cancelling, persistence across a
 * restart, a small sweep and its report (with and without native dialogs). Slow: whole demo-model
 * runs and a sweep. No test depends on another having passed: each block makes the run or sweep
 * its tests read in its own `beforeAll` (test/helpers/serviceHostFixture.ts), with a hook limit
 * long enough for a busy machine (a run took over 30 s beside two busy loops).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobInfo, SessionState } from '../../../shared/api/contract';
import type { SweepSummary } from '../../../shared/sweep/types';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import { repoRoot } from '../../helpers/sharedData';
import { errorOf, jobEnd, recorder, result } from '../../helpers/hostEnvelopes';
import { JOB_LIMIT_MS, useHost } from '../../helpers/serviceHostFixture';

const demoData = join(repoRoot, 'demo', 'data');
const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;

describe('createServiceHost: runs', () => {
  let runId = '';
  let runJobId = '';
  let runJob: JobInfo;
  let runEvents: { event: string; payload: unknown; at: number }[] = [];
  let maxLag = 0;
  const ctx = useHost({ openDemo: true }, async ({ conn }) => {
    // The run the tests below read, with what was seen while it ran.
    const rec = recorder(conn);
    const { jobId } = result<{ jobId: string }>(await conn.handle('run:start', { settings }));
    runJobId = jobId;
    const ended = jobEnd(conn, jobId);
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      maxLag = Math.max(maxLag, t - last - 10);
      last = t;
    }, 10);
    runJob = await ended;
    clearInterval(timer);
    rec.off();
    runEvents = rec.events;
    const s = result<SessionState>(await conn.handle('session:get', {}));
    runId = s.runs[0]?.id ?? '';
  });

  it('runs an inference job in the worker', async () => {
    const job = runJob;
    const jobId = runJobId;
    const rec = { events: runEvents };
    // The lag is a speed number (printed, not judged: the machine may be busy).
    console.log(`event-loop lag during the inference job: max ${maxLag.toFixed(1)} ms`);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const states = rec.events.filter((e) => e.event === 'session:changed').map((e) => (e.payload as SessionState).jobs.find((j) => j.id === jobId)?.state);
    expect(states).toContain('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('done');
    const progress = rec.events.filter((e) => e.event === 'job:progress' && (e.payload as JobInfo).id === jobId);
    expect(progress.length).toBeGreaterThan(0);
    // At most ~10 per second: consecutive events of the job at least ~100 ms apart.
    const gaps = progress.slice(1).map((e, i) => e.at - progress[i].at);
    expect(Math.min(...gaps, Infinity)).toBeGreaterThanOrEqual(90);
    const s = result<SessionState>(await ctx.conn.handle('session:get', {}));
    expect(s.runs).toHaveLength(1);
    expect(job.resultId).toBe(s.runs[0].id);
    expect(s.runs[0]).toMatchObject({ imageName: 'ch2-2mm_t1.nii.gz', labelName: 'ch2-2mm_brain.nii.gz', dir: join(ctx.projectDir, 'runs', runId) });
    expect(s.runs[0].dice).toBeGreaterThan(0.5);
  });

  it('answers the run layers on the image grid, its maps and the inspector', async () => {
    const layer = result<{ shape: number[]; data: ArrayLike<number> }>(await ctx.conn.handle('run:layer', { runId, layer: 'labels' }));
    expect(layer.shape).toEqual([91, 109, 91]);
    expect(layer.data.length).toBe(91 * 109 * 91);
    const maps = result<{ performance: { shape: number[] } | null }>(await ctx.conn.handle('run:maps', { runId }));
    expect(maps.performance?.shape).toEqual([24, 24, 24]);
    const inspect = result<{ voxel: number[]; windows: unknown[] }>(await ctx.conn.handle('run:inspect', { runId, voxel: [45, 54, 45] }));
    expect(inspect.voxel).toEqual([45, 54, 45]);
    expect(inspect.windows.length).toBeGreaterThan(0);
    expect(errorOf(await ctx.conn.handle('run:layer', { runId: 'r999', layer: 'labels' })).code).toBe('not-found');
  });

  it('cancels a running job: it ends cancelled and leaves no run behind', async () => {
    const before = result<SessionState>(await ctx.conn.handle('session:get', {}));
    const { jobId } = result<{ jobId: string }>(await ctx.conn.handle('run:start', { settings: { ...settings, overlap: 0.5, blend: 'gaussian' } }));
    // A second job queued behind it is cancelled before it starts.
    const queued = result<{ jobId: string }>(await ctx.conn.handle('run:start', { settings }));
    await new Promise<void>((resolve) => {
      const off = ctx.conn.subscribe((event, payload) => {
        if (event === 'job:progress' && (payload as JobInfo).id === jobId && (payload as JobInfo).progress.phase === 'model') {
          off();
          resolve();
        }
      });
    });
    const cancelledQueued = result<JobInfo>(await ctx.conn.handle('job:cancel', { jobId: queued.jobId }));
    expect(cancelledQueued.state).toBe('cancelled');
    const cancelled = result<JobInfo>(await ctx.conn.handle('job:cancel', { jobId }));
    expect(cancelled.state).toBe('cancelled');
    const after = result<SessionState>(await ctx.conn.handle('session:get', {}));
    expect(after.runs.map((r) => r.id)).toEqual(before.runs.map((r) => r.id));
    expect(readdirSync(join(ctx.projectDir, 'runs')).filter((n) => n !== runId)).toEqual([]);
    expect(errorOf(await ctx.conn.handle('job:cancel', { jobId: 'j999' })).code).toBe('not-found');
  }, JOB_LIMIT_MS);

  it('deletes a run with its folder', async () => {
    const s = result<SessionState>(await ctx.conn.handle('run:delete', { runId }));
    expect(s.runs).toEqual([]);
    expect(existsSync(join(ctx.projectDir, 'runs', runId))).toBe(false);
    expect(errorOf(await ctx.conn.handle('run:delete', { runId })).code).toBe('not-found');
  });

  it('keeps finished runs across a restart of the service host (persistence)', async () => {
    // A restart keeps what a new run leaves: this test makes its own run first.
    const { jobId } = result<{ jobId: string }>(await ctx.conn.handle('run:start', { settings }));
    const job = await jobEnd(ctx.conn, jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const kept = job.resultId!;
    await ctx.host.close();
    ctx.host = await createServiceHost({ projectDir: ctx.projectDir, transport: 'http', downloadBase: '/files', log: () => undefined });
    ctx.conn = ctx.host.connect({ role: 'ui' });
    const s = result<SessionState>(await ctx.conn.handle('session:get', {}));
    expect(s.runs.map((r) => r.id)).toContain(kept);
    expect(s.image?.name).toBe('ch2-2mm_t1.nii.gz');
    expect(s.label?.name).toBe('ch2-2mm_brain.nii.gz');
    expect(s.model?.classes).toHaveLength(2);
    const layer = result<{ shape: number[] }>(await ctx.conn.handle('run:layer', { runId: kept, layer: 'probability' }));
    expect(layer.shape).toEqual([91, 109, 91]);
  }, JOB_LIMIT_MS);
});

/** A small sweep of the current image: two configurations. */
const SWEEP_REQUEST = { patchSizes: [24], overlaps: [0, 0.5], blends: ['constant'], placements: ['stride'], repeats: 1, cases: 'current' };

describe('createServiceHost: sweeps and reports', () => {
  let scratch = '';
  let sweepId = '';
  let sweepJob: JobInfo;
  const ctx = useHost({ openDemo: true }, async ({ conn }) => {
    scratch = mkdtempSync(join(tmpdir(), 'patchlens-scratch-'));
    // The sweep the tests below read.
    const { jobId } = result<{ jobId: string }>(await conn.handle('sweep:start', { request: SWEEP_REQUEST }));
    sweepJob = await jobEnd(conn, jobId);
    sweepId = result<SessionState>(await conn.handle('session:get', {})).sweeps[0]?.id ?? '';
  });
  afterAll(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it('runs a small sweep of the current image and summarizes it', async () => {
    const job = sweepJob;
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const s = result<SessionState>(await ctx.conn.handle('session:get', {}));
    expect(s.sweeps).toHaveLength(1);
    expect(s.sweeps[0].id).toBe(sweepId);
    expect(s.sweeps[0]).toMatchObject({ cases: 1, complete: true });
    const summary = result<SweepSummary>(await ctx.conn.handle('sweep:summary', { sweepId }));
    expect(summary.configs.map((c) => c.config.id).sort()).toEqual(['p24-o0-stride-constant-tta0', 'p24-o0.5-stride-constant-tta0']);
    expect(summary.recommendation?.configId).toMatch(/^p24-o0(\.5)?-stride-constant-tta0$/);
    const cal = summary.margins[0].calibrationId;
    const map = result<{ shape: number[]; data: Float32Array; count: number }>(await ctx.conn.handle('sweep:map', { sweepId, calibrationId: cal }));
    expect(map.shape).toEqual([24, 24, 24]);
    expect(map.data.length).toBe(24 ** 3);
    expect(map.count).toBeGreaterThan(0);
    expect(errorOf(await ctx.conn.handle('sweep:map', { sweepId, calibrationId: 'nope' })).code).toBe('not-found');
  });

  it('exports the report without dialogs; resolveDownload round-trips its pdfUrl and refuses escapes', async () => {
    const out = result<{ html: string; pdf: string; json: string; pdfUrl: string; files: string[] }>(await ctx.conn.handle('report:export', { sweepId }));
    expect(out.files.sort()).toEqual([out.html, out.pdf, out.json].sort());
    for (const f of [out.html, out.pdf, out.json]) expect(statSync(f).size).toBeGreaterThan(100);
    expect(readFileSync(out.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(out.pdfUrl).toBe(`/files/sweeps/${sweepId}/report.pdf`);
    expect(ctx.host.resolveDownload(out.pdfUrl)).toBe(out.pdf);
    expect(ctx.host.resolveDownload('../x')).toBeNull();
    expect(ctx.host.resolveDownload('/files/../project.json')).toBeNull();
    expect(ctx.host.resolveDownload('/files/sweeps/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(ctx.host.resolveDownload('/etc/passwd')).toBeNull();
    expect(ctx.host.resolveDownload(`/files/sweeps/${sweepId}/nothing.pdf`)).toBeNull();
    expect(existsSync(join(ctx.projectDir, 'sweeps', sweepId, 'report.json'))).toBe(true);
    // A second export would replace them: main says which files, and writes nothing until told to.
    const pdfBefore = statSync(out.pdf).mtimeMs;
    const conflict = errorOf(await ctx.conn.handle('report:export', { sweepId }));
    expect(conflict.code).toBe('conflict');
    expect(conflict.message).toContain('report.html, report.pdf, report.json');
    expect(conflict.message).toContain('replaces report.html, report.pdf, report.json');
    expect(statSync(out.pdf).mtimeMs).toBe(pdfBefore);
    const again = result<{ pdf: string }>(await ctx.conn.handle('report:export', { sweepId, replace: true }));
    expect(again.pdf).toBe(out.pdf);
  }, JOB_LIMIT_MS);

  it('with native dialogs: opens what the dialog picked and saves the report where the save dialog says', async () => {
    await ctx.host.close();
    const asked: string[] = [];
    const confirms: { writes: string[]; existing: string[] }[] = [];
    const dialogs = {
      open: async (kind: string) => (asked.push(kind), kind === 'label' ? join(demoData, 'ch2-2mm_brain.nii.gz') : null),
      saveReport: async (name: string) => (asked.push(name), join(scratch, 'my-report.pdf')),
      confirmReplace: async (writes: string[], existing: string[]) => (confirms.push({ writes, existing }), false),
    };
    ctx.host = await createServiceHost({ projectDir: ctx.projectDir, transport: 'electron', dialogs, log: () => undefined });
    ctx.conn = ctx.host.connect({ role: 'ui' });
    expect(result<{ nativeDialogs: boolean }>(await ctx.conn.handle('app:info', {})).nativeDialogs).toBe(true);
    expect(result(await ctx.conn.handle('file:open', { kind: 'image', source: { from: 'dialog' } }))).toBeNull();
    expect(result<SessionState>(await ctx.conn.handle('file:open', { kind: 'label', source: { from: 'dialog' } })).label?.name).toBe('ch2-2mm_brain.nii.gz');
    const out = result<{ html: string; pdf: string; json: string; pdfUrl: string | null }>(await ctx.conn.handle('report:export', { sweepId }));
    const files = { pdf: join(scratch, 'my-report.pdf'), html: join(scratch, 'my-report.html'), json: join(scratch, 'my-report.json') };
    expect(out).toEqual({ ...files, files: [files.html, files.pdf, files.json], pdfUrl: null, dicomPdf: null });
    expect(readFileSync(out.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(asked).toEqual(['image', 'label', `patchlens-report-${sweepId}.pdf`]);
    expect(confirms).toEqual([]);
    // Exporting to the same place again: the dialog is asked, lists all three files, and a "no" writes nothing.
    const pdfBefore = statSync(files.pdf).mtimeMs;
    expect(result(await ctx.conn.handle('report:export', { sweepId }))).toBeNull();
    expect(confirms).toEqual([{ writes: [files.html, files.pdf, files.json], existing: [files.html, files.pdf, files.json] }]);
    expect(statSync(files.pdf).mtimeMs).toBe(pdfBefore);
  }, JOB_LIMIT_MS);
});

