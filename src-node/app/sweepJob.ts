/**
 * Sweeps as jobs of a session: what one would run, queueing one (in the compute worker; a sweep is
 * resumable, so what finished is kept), and opening one of its cases as the sweep ran it.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JobInfo, SessionState, SweepPlanInfo, SweepRequest } from '../../shared/api/contract';
import { planSweep } from '../../shared/sweep/grid';
import type { SweepCase, SweepGrid } from '../../shared/sweep/types';
import { readSweepFile } from '../sweep/sweepFolder';
import { demoCases, demoModelDir } from './bundledDemo';
import type { HostContext } from './hostContext';
import { fail } from './serviceError';
import type { Session } from './session';
import { countResults, readSweepRecord } from './sweepRecords';

/** A sweep case id from a file name (letters, digits, `.`, `_`, `-`; no `__`). */
export function caseIdOf(fileName: string): string {
  const stem = fileName.replace(/\.nii(\.gz)?$/i, '');
  const id = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/_{2,}/g, '_').replace(/^[-.]+/, '');
  return id || 'case';
}

/** The cases a sweep request names: the open image and labels, or the bundled demo's. */
function sweepCases(ctx: HostContext, session: Session, which: SweepRequest['cases'], ch: string): SweepCase[] {
  if (which === 'current') {
    const { image, label } = session;
    if (!image || !label) throw fail('precondition', `${ch}: a sweep of the current image needs the image and its label map open`);
    return [{ id: caseIdOf(image.info.name), image: image.path, label: label.path }];
  }
  return demoCases(ctx.demoDir).map((c) => ({ id: caseIdOf(c.name), image: c.image, label: c.label }));
}

/**
 * What a sweep of `which` cases would run, before it runs (the sweep form shows it): the model
 * (the open one for the current case; the bundled demo model for the demo cases, whatever model
 * is open), the cases' files, and the grid inference runs over for the first case (what
 * `patchAdvice` takes as `gridShape`; null when it cannot be worked out).
 */
export async function sweepPlan(ctx: HostContext, session: Session, which: SweepRequest['cases']): Promise<SweepPlanInfo> {
  const ch = 'sweep:plan';
  if (which === 'current') {
    const cases = session.image && session.label ? sweepCases(ctx, session, which, ch) : [];
    const named = cases.map((c) => ({ id: c.id, image: basename(c.image), label: basename(c.label) }));
    return { which, model: session.model ? { ...session.model.info } : null, cases: named, grid: session.state().inferenceGrid ?? (session.image ? [...session.image.info.shape] : null) };
  }
  const cases = sweepCases(ctx, session, which, ch);
  const model = await ctx.files.openModel(demoModelDir(ctx.demoDir));
  let grid: number[] | null = null;
  try {
    grid = (await ctx.compute.run('grid', { imagePath: cases[0].image, model: { ...model.ref } }).result).shape;
  } catch {
    grid = null; // the form then says it cannot tell; the sweep itself reports what is wrong
  }
  return { which, model: { ...model.info }, cases: cases.map((c) => ({ id: c.id, image: basename(c.image), label: basename(c.label) })), grid };
}

/**
 * Queues a sweep of the session's image and labels with the open model, or of the bundled demo's
 * cases with the bundled demo model (a sweep is a record: the demo cases are never run with a
 * model they were not made for, and `sweep.json` names the model that ran).
 */
export function startSweep(ctx: HostContext, session: Session, request: SweepRequest): JobInfo {
  session.assertWritable('sweep:start');
  const { model } = session;
  if (request.cases === 'current' && !model) throw fail('precondition', 'sweep:start: open a model first');
  const cases = sweepCases(ctx, session, request.cases, 'sweep:start');
  const grid: SweepGrid = {
    patchSizes: request.patchSizes.map((p) => [p, p, p]),
    overlaps: request.overlaps.map((o) => [o, o, o]),
    placements: [...request.placements],
    blends: [...request.blends],
    mirror: [false],
  };
  let configs: number;
  try {
    configs = planSweep(grid).configs.length;
  } catch (e) {
    throw fail('bad-request', `sweep:start: ${(e as Error).message}`);
  }
  const openRef = request.cases === 'current' && model ? { ...model.ref } : null;
  const { store, records, compute } = ctx;
  const modelText = openRef ? `model ${openRef.name}` : 'the bundled demo model';
  const jobLabel = `Sweep ${request.patchSizes.map((p) => `p${p}`).join('/')} × ${request.overlaps.length} overlap(s) × ${request.blends.length} blend(s): ${configs} configuration(s) on ${cases.length} ${request.cases === 'demo' ? 'demo ' : ''}case(s) with ${modelText}`;
  return ctx.queue.add({
    kind: 'sweep',
    label: jobLabel,
    owner: session.id,
    run: async ({ signal, progress }) => {
      const modelRef = openRef ?? { ...(await ctx.files.openModel(demoModelDir(ctx.demoDir))).ref };
      const sweepId = store.reserveId('sweeps');
      const dir = join(store.sweepsDir, sweepId);
      const task = compute.run('sweep', { dir, grid, cases, model: modelRef, repeats: request.repeats }, progress);
      const onAbort = () => compute.cancel(task.id);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await task.result;
        return sweepId;
      } finally {
        signal.removeEventListener('abort', onAbort);
        // A sweep is resumable: keep what finished; a folder without any result is dropped.
        if (existsSync(dir) && countResults(dir) === 0 && (signal.aborted || !existsSync(join(dir, 'summary.json')))) store.removeOwnFolder('sweeps', sweepId);
        const record = existsSync(dir) ? readSweepRecord(sweepId, dir) : null;
        if (record) {
          records.sweeps.set(sweepId, record);
          session.sweepIds.add(sweepId);
        }
        store.releaseId('sweeps', sweepId);
      }
    },
  });
}

/**
 * Opens a case of a sweep as the sweep ran it: the case's image and labels and the sweep's model
 * (by the folder `sweep.json` names, which must still hold the same model: SHA-256). A sweep keeps
 * no segmentation, so showing one of its configurations on the case means running it again there
 * (the explorer says so); this makes sure that run is of the sweep's case with the sweep's model.
 * @throws ServiceError `not-found` (no such sweep or case, or a file is gone), `bad-input` (the
 * model or a case file changed since the sweep)
 */
export function openSweepCase(ctx: HostContext, session: Session, sweepId: string, caseId: string): Promise<SessionState> {
  const ch = 'sweep:openCase';
  const record = session.sweepIds.has(sweepId) ? ctx.records.sweeps.get(sweepId) : undefined;
  if (!record) throw fail('not-found', `${ch}: no sweep ${sweepId}`);
  return session.exclusive(async () => {
    let sweep;
    try {
      sweep = readSweepFile(record.dir);
    } catch (e) {
      throw fail('bad-input', `${ch}: sweep ${sweepId}: ${(e as Error).message}`);
    }
    if (!sweep) throw fail('not-found', `${ch}: sweep ${sweepId} has no sweep.json`);
    const c = sweep.cases.find((x) => x.id === caseId);
    if (!c) throw fail('not-found', `${ch}: sweep ${sweepId} has no case ${caseId} (cases: ${sweep.cases.map((x) => x.id).join(', ')})`);
    if (!sweep.model.path) throw fail('not-found', `${ch}: sweep ${sweepId} does not record where its model ${sweep.model.name} is; open it yourself`);
    const wanted = sweep.model.sha256;
    if (session.model?.ref.sha256 !== wanted) {
      const found = await ctx.files.openModel(sweep.model.path);
      if (found.ref.sha256 !== wanted) throw fail('bad-input', `${ch}: the model folder ${sweep.model.path} changed since sweep ${sweepId} ran (SHA-256 ${found.ref.sha256.slice(0, 12)}…, the sweep's ${wanted.slice(0, 12)}…)`);
    }
    // The case's files must be the ones the sweep ran (sweeps record their SHA-256 since issue 12).
    const recorded = c as SweepCase & { imageSha256?: string };
    if (recorded.imageSha256 && ctx.files.readVolume('image', c.image).identity !== recorded.imageSha256) {
      throw fail('bad-input', `${ch}: the image ${basename(c.image)} of case ${caseId} changed since sweep ${sweepId} ran (its SHA-256 differs from the sweep's)`);
    }
    await session.openPath('image', c.image);
    await session.openPath('label', c.label);
    if (session.model?.ref.sha256 !== wanted) await session.openPath('model', sweep.model.path);
    session.changed();
    return session.state();
  });
}
