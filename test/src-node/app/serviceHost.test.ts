/**
 * The service host on the bundled demo without jobs: a fresh project, opening files (the demo,
 * uploads, the browser transport's path rules, label checks) and the first files of a session.
 * Jobs (runs, cancel, persistence, sweeps, reports) are in serviceHostJobs.slow.test.ts. Each
 * block has its own host and project folder (test/helpers/serviceHostFixture.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../../shared/api/contract';
import { writeNifti } from '../../../shared/io/nifti';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import { repoRoot } from '../../helpers/sharedData';
import { errorOf, openUpload, recorder, result } from '../../helpers/hostEnvelopes';
import { useHost } from '../../helpers/serviceHostFixture';

const demoData = join(repoRoot, 'demo', 'data');
const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;

describe('createServiceHost: a fresh project', () => {
  const ctx = useHost({ openDemo: false });

  it('creates the project folder and answers app:info; unknown channels are bad requests', async () => {
    expect(readdirSync(ctx.projectDir).sort()).toEqual(['project.lock', 'runs', 'sweeps', 'uploads']);
    const info = result<{ transport: string; nativeDialogs: boolean; name: string }>(await ctx.conn.handle('app:info', {}));
    expect(info).toMatchObject({ name: 'PatchLens', transport: 'http', nativeDialogs: false });
    expect(errorOf(await ctx.conn.handle('fs:readFile', { path: '/etc/passwd' })).code).toBe('bad-request');
    expect(errorOf(await ctx.conn.handle('run:start', { settings: { ...settings, overlap: 1.2 } }))).toEqual({ code: 'bad-request', message: 'run:start: settings.overlap must be in [0, 0.9], got 1.2' });
  });

  it('preconditions: no image open', async () => {
    expect(errorOf(await ctx.conn.handle('run:start', { settings })).code).toBe('precondition');
    expect(errorOf(await ctx.conn.handle('volume:get', { kind: 'image' })).code).toBe('precondition');
    expect(errorOf(await ctx.conn.handle('file:open', { kind: 'image', source: { from: 'dialog' } })).code).toBe('unsupported');
  });
});

describe('createServiceHost: files', () => {
  const ctx = useHost({ openDemo: false });

  it('opens the demo: image, label and model with their info', async () => {
    const rec = recorder(ctx.conn);
    const s = result<SessionState>(await ctx.conn.handle('session:openDemo', {}));
    rec.off();
    expect(s.image).toMatchObject({ name: 'ch2-2mm_t1.nii.gz', shape: [91, 109, 91], spacing: [2, 2, 2], modality: 'MR' });
    expect(s.image!.range[0]).toBeLessThanOrEqual(s.image!.percentiles[0]);
    expect(s.image!.percentiles[1]).toBeLessThanOrEqual(s.image!.range[1]);
    expect(s.image!.percentiles[0]).toBeLessThan(s.image!.percentiles[1]);
    expect(s.label).toMatchObject({ name: 'ch2-2mm_brain.nii.gz', shape: [91, 109, 91], range: [0, 1], modality: 'unknown' });
    expect(s.model).toMatchObject({ path: join(repoRoot, 'demo', 'model'), hasTrainingMap: true, translationEquivariant: true });
    expect(s.model!.classes.map((c) => c.name)).toEqual(['background', 'brain']);
    expect(s.recent.map((r) => r.kind)).toEqual(['model', 'label', 'image']);
    expect(rec.events.filter((e) => e.event === 'session:changed')).toHaveLength(1);
    const project = JSON.parse(readFileSync(join(ctx.projectDir, 'project.json'), 'utf8'));
    expect(project.current).toEqual({ image: join(demoData, 'ch2-2mm_t1.nii.gz'), label: join(demoData, 'ch2-2mm_brain.nii.gz'), model: join(repoRoot, 'demo', 'model') });
    const vol = result<{ shape: number[]; data: ArrayLike<number> }>(await ctx.conn.handle('volume:get', { kind: 'image' }));
    expect(vol.shape).toEqual([91, 109, 91]);
    expect(vol.data.length).toBe(91 * 109 * 91);
    const map = result<{ shape: number[]; source: string } | null>(await ctx.conn.handle('model:trainingMap', {}));
    expect(map?.shape).toEqual([24, 24, 24]);
  });

  describe('with the demo open', () => {
    beforeAll(async () => {
      result<SessionState>(await ctx.conn.handle('session:openDemo', {}));
    });

    it('refuses a non-NIfTI upload with bad-input naming the file, keeps the state, and deletes the upload', async () => {
      const before = result<SessionState>(await ctx.conn.handle('session:get', {}));
      const text = new TextEncoder().encode('not an image at all, just some text that is long enough to be read as a header? no.'.repeat(8));
      const e = errorOf(await openUpload(ctx.conn, 'image', [{ name: 'notes.txt', bytes: text }]));
      expect(e.code).toBe('bad-input');
      expect(e.message).toContain('notes.txt');
      const after = result<SessionState>(await ctx.conn.handle('session:get', {}));
      expect(after.image).toEqual(before.image);
      expect(after.recent).toEqual(before.recent);
      // The failed upload is gone from the project folder.
      expect(readdirSync(join(ctx.projectDir, 'uploads'))).toEqual([]);
      expect(errorOf(await ctx.conn.handle('file:open', { kind: 'image', source: { from: 'upload', uploadId: 'u-nope' } })).code).toBe('not-found');
    });

    it('over the browser transport a path from the page is never opened (drop, absolute or relative)', async () => {
      for (const path of [join(demoData, 'ch2-2mm_t1.nii.gz'), '/etc/passwd', 'relative.nii', '../../etc/passwd']) {
        const e = errorOf(await ctx.conn.handle('file:open', { kind: 'image', source: { from: 'drop', path } }));
        expect(e.code, path).toBe('forbidden');
        expect(e.message).toContain('upload the file instead');
      }
    });

    it('refuses a label map whose shape differs from the image, naming both shapes', async () => {
      const small = writeNifti({ data: new Uint8Array(8 * 9 * 10), shape: [8, 9, 10], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
      const e = errorOf(await openUpload(ctx.conn, 'label', [{ name: 'small_label.nii.gz', bytes: small }]));
      expect(e.code).toBe('bad-input');
      expect(e.message).toMatch(/8, ?9, ?10/);
      expect(e.message).toMatch(/91, ?109, ?91/);
      expect(result<SessionState>(await ctx.conn.handle('session:get', {})).label?.name).toBe('ch2-2mm_brain.nii.gz');
    });

    it("accepts 'recent' only for paths in the project's recent list", async () => {
      const e = errorOf(await ctx.conn.handle('file:open', { kind: 'image', source: { from: 'recent', path: '/etc/passwd' } }));
      expect(e.code).toBe('forbidden');
      // In the list, but as another kind: also refused.
      expect(errorOf(await ctx.conn.handle('file:open', { kind: 'label', source: { from: 'recent', path: join(demoData, 'ch2-2mm_t1.nii.gz') } })).code).toBe('forbidden');
      const s = result<SessionState>(await ctx.conn.handle('file:open', { kind: 'image', source: { from: 'recent', path: join(demoData, 'ch2-2mm_t1.nii.gz') } }));
      expect(s.image?.name).toBe('ch2-2mm_t1.nii.gz');
    });

    it('writes an uploaded image into uploads/ and opens it from there', async () => {
      const bytes = new Uint8Array(readFileSync(join(demoData, 'ch2-2mm_brain.nii.gz')));
      const s = result<SessionState>(await openUpload(ctx.conn, 'label', [{ name: 'up_brain.nii.gz', bytes }]));
      expect(s.label?.name).toBe('up_brain.nii.gz');
      expect(s.label?.path?.startsWith(join(ctx.projectDir, 'uploads'))).toBe(true);
      expect(readFileSync(s.label!.path!)).toEqual(Buffer.from(bytes));
      // Back to the demo label for the runs below (from the recent list).
      result(await ctx.conn.handle('file:open', { kind: 'label', source: { from: 'recent', path: join(demoData, 'ch2-2mm_brain.nii.gz') } }));
    });
  });
});

describe('openInitial', () => {
  it('opens the bundled demo in a fresh project, and command-line files otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchlens-project-'));
    const host = await createServiceHost({ projectDir: dir, transport: 'http', log: () => undefined });
    try {
      const conn = host.connect({ role: 'ui' });
      const changes: SessionState[] = [];
      conn.subscribe((event, payload) => event === 'session:changed' && changes.push(payload as SessionState));
      // Nothing asked yet: a fresh project opens nothing by itself.
      expect(result<SessionState>(await conn.handle('session:get', {})).image).toBeNull();
      await host.openInitial([]);
      const s = result<SessionState>(await conn.handle('session:get', {}));
      expect([s.image?.name, s.label?.name, s.model?.path]).toEqual(['ch2-2mm_t1.nii.gz', 'ch2-2mm_brain.nii.gz', join(repoRoot, 'demo', 'model')]);
      expect(changes.length).toBeGreaterThan(0);
      await host.openInitial([join(demoData, 'ch2-2mm-mirrored_t1.nii.gz'), join(demoData, 'ch2-2mm-mirrored_brain.nii.gz'), join(dir, 'missing.nii')]);
      const t = result<SessionState>(await conn.handle('session:get', {}));
      expect([t.image?.name, t.label?.name]).toEqual(['ch2-2mm-mirrored_t1.nii.gz', 'ch2-2mm-mirrored_brain.nii.gz']);
      const closed = result<SessionState>(await conn.handle('file:close', { kind: 'label' }));
      expect(closed.label).toBeNull();
      // A page that connects later opens the command line's files too.
      const later = host.connect({ role: 'ui' });
      const u = result<SessionState>(await later.handle('session:get', {}));
      expect([u.image?.name, u.label?.name]).toEqual(['ch2-2mm-mirrored_t1.nii.gz', 'ch2-2mm-mirrored_brain.nii.gz']);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
