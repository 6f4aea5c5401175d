/**
 * Every page is its own session (issue 11, "Two tabs, one session"): two connections to one
 * service host keep their own files, runs view, jobs and page compute agents; a different image
 * closes the label map even when its shape is the same; bad label maps are refused naming why;
 * a page that went away can get its session back for a while, then its jobs are cancelled; the
 * number of connections is capped; uploads are deleted when they fail, are cancelled or are
 * abandoned; a second PatchLens on the same project folder is read-only.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputeAgentOffer, JobInfo, SessionState } from '../../../shared/api/contract';
import { readNifti, writeNifti } from '../../../shared/io/nifti';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { repoRoot } from '../../helpers/sharedData';
import { errorOf, jobEnd, openUpload, recorder, result, uploadBytes } from '../../helpers/hostEnvelopes';

const demoData = join(repoRoot, 'demo', 'data');
const demoImage = join(demoData, 'ch2-2mm_t1.nii.gz');
const demoLabel = join(demoData, 'ch2-2mm_brain.nii.gz');
const mirroredImage = join(demoData, 'ch2-2mm-mirrored_t1.nii.gz');
const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;
const OFFER: ComputeAgentOffer = { probes: [{ name: 'wasm', ms: 5 }], choice: 'wasm', host: 'ui-page' };

const state = async (c: ServiceConnection) => result<SessionState>(await c.handle('session:get', {}));
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

describe('sessions: one per page', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-sessions-'));
  let host: ServiceHost;
  let a: ServiceConnection;
  let b: ServiceConnection;

  beforeAll(async () => {
    host = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, sessionGraceMs: 300, maxConnections: 4, compute: 'node' });
    a = host.connect({ role: 'ui' });
    b = host.connect({ role: 'ui' });
    result(await a.handle('session:openDemo', {}));
  }, 60_000);
  afterAll(async () => {
    await host?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('a second page opening an image changes nothing of the first page, and sends it no event', async () => {
    expect(a.session.id).not.toBe(b.session.id);
    const before = await state(a);
    const seenByA = recorder(a);
    const s = result<SessionState>(await openUpload(b, 'image', [{ name: 'mirrored.nii.gz', bytes: bytesOf(mirroredImage) }]));
    seenByA.off();
    expect(s.image?.name).toBe('mirrored.nii.gz');
    expect(s.label).toBeNull();
    const after = await state(a);
    expect(after.image).toEqual(before.image);
    expect(after.label).toEqual(before.label);
    expect(after.model).toEqual(before.model);
    expect(seenByA.events).toEqual([]);
    // The first page's volume is still the demo image.
    const vol = result<{ data: ArrayLike<number> }>(await a.handle('volume:get', { kind: 'image' }));
    expect(Array.from(vol.data).slice(0, 4096)).toEqual(Array.from(readNifti(bytesOf(demoImage)).data).slice(0, 4096));
  });

  it("a page cannot see or cancel another page's job, and does not list its run", async () => {
    const { jobId } = result<{ jobId: string }>(await a.handle('run:start', { settings }));
    const e = errorOf(await b.handle('job:cancel', { jobId }));
    expect(e).toEqual({ code: 'not-found', message: `job:cancel: no job ${jobId} in this window` });
    expect((await state(b)).jobs).toEqual([]);
    const job = await jobEnd(a, jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    expect((await state(a)).runs.map((r) => r.id)).toEqual([job.resultId]);
    expect((await state(b)).runs).toEqual([]);
    expect(errorOf(await b.handle('run:layer', { runId: job.resultId!, layer: 'labels' })).code).toBe('not-found');
    // A page that connects later lists the project's runs.
    const c = host.connect({ role: 'ui' });
    expect((await state(c)).runs.map((r) => r.id)).toEqual([job.resultId]);
    c.close('closed');
  }, 120_000);

  it('a different image of the same shape closes the label map; the same image again keeps it', async () => {
    const demo = await state(a);
    expect(demo.label?.name).toBe('ch2-2mm_brain.nii.gz');
    // The same file again (from the recent list): same content, the labels stay.
    const same = result<SessionState>(await a.handle('file:open', { kind: 'image', source: { from: 'recent', path: demoImage } }));
    expect(same.label?.name).toBe('ch2-2mm_brain.nii.gz');
    // The mirrored image has the demo's shape (91×109×91) but is another image: its labels are not these.
    expect(readNifti(bytesOf(mirroredImage)).shape).toEqual(readNifti(bytesOf(demoImage)).shape);
    const other = result<SessionState>(await openUpload(a, 'image', [{ name: 'mirrored.nii.gz', bytes: bytesOf(mirroredImage) }]));
    expect(other.image?.name).toBe('mirrored.nii.gz');
    expect(other.label).toBeNull();
    result(await a.handle('session:openDemo', {}));
  });

  it('refuses label maps that cannot be a reference, naming why, and keeps the one it had', async () => {
    const uploadsBefore = readdirSync(join(projectDir, 'uploads')).length;
    const ref = readNifti(bytesOf(demoLabel));
    const make = (data: Float32Array | Int16Array, affine = ref.affine) => writeNifti({ data, shape: ref.shape, spacing: ref.spacing, affine });
    const n = ref.data.length;
    const withValue = (v: number) => {
      const d = Float32Array.from(ref.data);
      d[1234] = v;
      return d;
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['nan.nii.gz', make(withValue(NaN)), /NaN/],
      ['half.nii.gz', make(withValue(0.5)), /0\.5/],
      ['negative.nii.gz', make(Int16Array.from(ref.data, (v, i) => (i === 1234 ? -1 : v))), /-1/],
      ['shifted.nii.gz', make(new Float32Array(n), ref.affine.map((row, r) => row.map((v, c) => (c === 3 && r === 0 ? v + 10 : v)))), /affine differs/],
    ];
    for (const [name, bytes, why] of cases) {
      const e = errorOf(await openUpload(a, 'label', [{ name, bytes }]));
      expect(e.code, name).toBe('bad-input');
      expect(e.message, name).toContain(`label ${name}`);
      expect(e.message, name).toMatch(why);
    }
    expect((await state(a)).label?.name).toBe('ch2-2mm_brain.nii.gz');
    // None of the refused uploads stays in the project folder.
    expect(readdirSync(join(projectDir, 'uploads')).length).toBe(uploadsBefore);
  });

  it('caps the connections with a clear refusal', async () => {
    const extra: ServiceConnection[] = [];
    while (host.connections() < 4) extra.push(host.connect({ role: 'ui' }));
    expect(() => host.connect({ role: 'ui' })).toThrow(/PatchLens serves at most 4 windows or tabs at once \(4 are open\): close one, then reload this page/);
    extra.pop()!.close('closed');
    extra.push(host.connect({ role: 'ui' }));
    for (const c of extra) c.close('closed');
    expect(host.connections()).toBe(2);
  });

  it('a page that went away gets its session back with its key; after the grace time the session is gone and its jobs cancelled', async () => {
    const c = host.connect({ role: 'ui' });
    result(await openUpload(c, 'image', [{ name: 'mirrored.nii.gz', bytes: bytesOf(mirroredImage) }]));
    const { id, key } = c.session;
    c.close('lost');
    // A wrong key gets a fresh session.
    const wrong = host.connect({ role: 'ui', resume: { sessionId: id, key: key.replace(/^./, (ch) => (ch === '0' ? '1' : '0')) } });
    expect(wrong.session.id).not.toBe(id);
    expect(wrong.session.resumed).toBe(false);
    wrong.close('closed');
    const back = host.connect({ role: 'ui', resume: { sessionId: id, key } });
    expect(back.session).toEqual({ id, key, resumed: true });
    expect((await state(back)).image?.name).toBe('mirrored.nii.gz');
    // A second page naming a session that a page serves now (a duplicated tab) gets its own.
    const twin = host.connect({ role: 'ui', resume: { sessionId: id, key } });
    expect(twin.session.id).not.toBe(id);
    twin.close('closed');
    // Queue a job behind a long one, then go away: after the grace time it is cancelled.
    result(await back.handle('session:openDemo', {}));
    const first = result<{ jobId: string }>(await a.handle('run:start', { settings: { ...settings, overlap: 0.5 } }));
    const queued = result<{ jobId: string }>(await back.handle('run:start', { settings }));
    const waiting = (await state(back)).jobs.find((j) => j.id === queued.jobId) as JobInfo;
    expect(waiting.state).toBe('queued');
    expect(waiting.progress.message).toBe('waiting for 1 job(s) of other windows');
    back.close('lost');
    await new Promise((r) => setTimeout(r, 600));
    const gone = host.connect({ role: 'ui', resume: { sessionId: id, key } });
    expect(gone.session.resumed).toBe(false);
    gone.close('closed');
    // The gone session's queued job never starts: once the first job ends nothing runs (no run
    // reserved or being written in runs/).
    expect(result<JobInfo>(await a.handle('job:cancel', { jobId: first.jobId })).state).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 1500));
    expect(readdirSync(join(projectDir, 'runs')).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  it("a page's compute agent serves only its own session and goes away with its page at once", async () => {
    const { agentId } = result<{ agentId: string }>(await b.handle('compute:attach', { offer: OFFER }));
    // The other page cannot act for this agent.
    const e = errorOf(await a.handle('compute:progress', { agentId, taskId: 't1', progress: { fraction: 0, phase: 'x', etaMs: null, message: '' } }));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain(`no page compute agent ${agentId} is attached on this connection`);
    expect(a.messageAllowance('compute:done')).toBeNull();
  });

  it('deletes an upload that is cancelled, abandoned with its page, or over the limit', async () => {
    const uploads = () => readdirSync(join(projectDir, 'uploads')).length;
    const before = uploads();
    const c = host.connect({ role: 'ui' });
    const { uploadId } = result<{ uploadId: string }>(await c.handle('upload:begin', { files: [{ name: 'x.nii.gz', size: 10 }] }));
    result(await c.handle('upload:chunk', { uploadId, file: 0, offset: 0, bytes: new Uint8Array(4) }));
    expect(uploads()).toBe(before + 1);
    expect(errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'upload', uploadId } })).message).toContain('is not complete (x.nii.gz: 4 of 10 bytes)');
    expect(errorOf(await c.handle('upload:chunk', { uploadId, file: 0, offset: 6, bytes: new Uint8Array(2) })).message).toContain('expected the bytes from offset 4');
    result(await c.handle('upload:cancel', { uploadId }));
    expect(uploads()).toBe(before);
    // Longer than announced: dropped.
    const id2 = result<{ uploadId: string }>(await c.handle('upload:begin', { files: [{ name: 'y.nii.gz', size: 3 }] })).uploadId;
    expect(errorOf(await c.handle('upload:chunk', { uploadId: id2, file: 0, offset: 0, bytes: new Uint8Array(5) })).message).toContain('longer than the 3 bytes announced');
    expect(uploads()).toBe(before);
    // Abandoned: the page goes for good.
    await uploadBytes(c, [{ name: 'z.nii.gz', bytes: new Uint8Array(8) }]);
    expect(uploads()).toBe(before + 1);
    c.close('closed');
    await new Promise((r) => setTimeout(r, 50));
    expect(uploads()).toBe(before);
  });

  it('refuses an upload over the size limit before writing anything', async () => {
    const small = await createServiceHost({ projectDir: mkdtempSync(join(tmpdir(), 'patchlens-up-')), transport: 'http', log: () => undefined, maxUploadBytes: 1000 });
    try {
      const c = small.connect({ role: 'ui' });
      const e = errorOf(await c.handle('upload:begin', { files: [{ name: 'big.nii.gz', size: 600 }, { name: 'b.bin', size: 600 }] }));
      expect(e.code).toBe('bad-input');
      expect(e.message).toMatch(/^upload:begin: 2 files are 0\.000 GiB, more than an upload may hold/);
    } finally {
      await small.close();
    }
  });
});

describe('a second PatchLens on the same project folder', () => {
  it('opens it read-only with the holder named; it can look, not run, upload or delete', async () => {
    const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-twice-'));
    const first = await createServiceHost({ projectDir, transport: 'http', log: () => undefined });
    try {
      const owner = first.connect({ role: 'ui' });
      result(await owner.handle('session:openDemo', {}));
      expect((await state(owner)).project.readOnly).toBe(false);
      const second = await createServiceHost({ projectDir, transport: 'http', log: () => undefined });
      try {
        const c = second.connect({ role: 'ui' });
        const s = await state(c);
        expect(s.project.readOnly).toBe(true);
        expect(s.project.lockedBy).toContain(`pid ${process.pid}`);
        // It can open files (the project's recent list is readable) …
        const opened = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'recent', path: demoImage } }));
        expect(opened.image?.name).toBe('ch2-2mm_t1.nii.gz');
        result(await c.handle('file:open', { kind: 'model', source: { from: 'recent', path: join(repoRoot, 'demo', 'model') } }));
        // … but not write into the project.
        for (const [ch, args] of [
          ['run:start', { settings }],
          ['upload:begin', { files: [{ name: 'a.nii', size: 1 }] }],
        ] as const) {
          const e = errorOf(await c.handle(ch, args));
          expect(e.code, ch).toBe('forbidden');
          expect(e.message, ch).toContain('this window is read-only');
        }
        expect(JSON.parse(readFileSync(join(projectDir, 'project.json'), 'utf8')).recent.length).toBeGreaterThan(0);
      } finally {
        await second.close();
      }
      // Closing the read-only one leaves the owner's lock alone.
      expect(existsSync(join(projectDir, 'project.lock'))).toBe(true);
    } finally {
      await first.close();
      rmSync(projectDir, { recursive: true, force: true });
    }
  }, 60_000);
});
