/**
 * The jobs a session queues: an inference run (in the compute worker or on the session's own
 * page compute agent), a sweep, a report export. Each writes its folder whole (a temp folder
 * beside it, renamed into place when everything is written), so a crash, a cancel or a second
 * PatchLens never leaves a half-written run that looks complete.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ComputeTaskInput, JobInfo, ReportExport, RequestArgs, SessionState, SweepPlanInfo, SweepRequest } from '../../shared/api/contract';
import { utf8Bytes } from '../../shared/engine/model/utf8';
import { planSweep } from '../../shared/sweep/grid';
import type { SweepCase, SweepGrid } from '../../shared/sweep/types';
import { beginFolder, writeJsonAtomic } from '../fs/atomicWrite';
import { fileProbeCache } from '../probeCache';
import { readModelFolder } from '../readModelFolder';
import { REPORT_FILES, reportTargetsFor, writeReport } from '../report/writeReport';
import { readSweepFile } from '../sweep/sweepFolder';
import { demoCases, demoModelDir } from './bundledDemo';
import type { HostContext } from './hostContext';
import { PAGE_COMPUTE_LIMITS, routeToPage, type PageAgent } from './pageCompute';
import { PROJECT_LAYOUT, RUN_INPUTS_FILE } from './projectStore';
import { fail, ServiceError } from './serviceError';
import type { Session } from './session';
import { countResults, readSweepRecord, sweepSummary } from './sweepRecords';
import type { ModelRef } from './workerProtocol';

export { RUN_INPUTS_FILE };

/** What a run was made of (`app-inputs.json`). */
export interface RunInputs {
  imagePath: string;
  labelPath: string | null;
  model: ModelRef;
}

/** A sweep case id from a file name (letters, digits, `.`, `_`, `-`; no `__`). */
export function caseIdOf(fileName: string): string {
  const stem = fileName.replace(/\.nii(\.gz)?$/i, '');
  const id = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/_{2,}/g, '_').replace(/^[-.]+/, '');
  return id || 'case';
}

/** The inputs a run of a finished run folder was made of (null when unknown). */
export function readRunInputs(dir: string): RunInputs | null {
  try {
    return JSON.parse(readFileSync(join(dir, RUN_INPUTS_FILE), 'utf8')) as RunInputs;
  } catch {
    return null;
  }
}

/** Bytes a page's `compute:done` may need for an image of `voxels` voxels and `classes` classes (labels, probabilities, coverage, maps) plus slack for the frame. */
export function pageResultBytes(voxels: number, classes: number, patchVoxels: number): number {
  return voxels * (1 + 4 * classes + 4 + 4) + 2 * patchVoxels * 2 * 8 + 16 * 1024 * 1024;
}

/** Queues an inference run of the session's image (and labels) with its model. */
export function startRun(ctx: HostContext, session: Session, settings: RequestArgs<'run:start'>['settings']): JobInfo {
  session.assertWritable('run:start');
  const { image, label, model } = session;
  if (!image) throw fail('precondition', 'run:start: open an image first');
  if (!model) throw fail('precondition', 'run:start: open a model first');
  if (settings.patchSize.length === 1) settings = { ...settings, patchSize: [settings.patchSize[0], settings.patchSize[0], settings.patchSize[0]] };
  if (settings.patchSize.length !== 3) throw fail('bad-request', `run:start: settings.patchSize must have 1 or 3 entries for a 3-D image, got [${settings.patchSize}]`);
  const inputs: RunInputs = { imagePath: image.path, labelPath: label?.path ?? null, model: { ...model.ref } };
  const p = settings.patchSize;
  const patch = p.every((x) => x === p[0]) ? `p${p[0]}` : `p${p.join('x')}`;
  const jobLabel = `Inference ${patch} ov${settings.overlap} ${settings.blend} on ${image.info.name}`;
  const voxels = image.volume.shape.reduce((a, b) => a * b, 1);
  const resultBytes = pageResultBytes(voxels, Math.max(2, model.info.classes.length), p[0] * p[1] * p[2]);
  const { store, records, compute, pageCompute } = ctx;
  return ctx.queue.add({
    kind: 'inference',
    label: jobLabel,
    owner: session.id,
    run: async ({ signal, progress, relabel }) => {
      const runId = store.reserveId('runs');
      const folder = beginFolder(join(store.runsDir, runId));
      const keep = (record: { id: string }) => {
        if (signal.aborted) throw fail('cancelled', `${jobLabel}: cancelled`);
        writeJsonAtomic(join(folder.dir, RUN_INPUTS_FILE), inputs);
        folder.commit();
        store.releaseId('runs', runId);
        const dir = folder.target;
        const finished = { ...(record as Parameters<typeof records.runs.set>[1]), id: runId, dir };
        records.runs.set(runId, finished);
        session.runIds.add(runId);
        return runId;
      };
      try {
        const agent = await pageAgentFor(ctx, session, signal);
        if (agent) {
          const where = `${jobLabel} on the page (${agent.offer.choice})`;
          relabel(where);
          return await pageCompute.run(
            agent,
            {
              label: where,
              resultBytes,
              input: () => pageTaskInput(ctx, inputs, settings),
              finish: async (result) => keep(await compute.run('finishPage', { result, imagePath: inputs.imagePath, labelPath: inputs.labelPath, model: inputs.model, settings, outDir: folder.dir, runId }).result),
            },
            { signal, progress },
          );
        }
        const task = compute.run('infer', { ...inputs, settings, outDir: folder.dir, runId }, progress);
        const onAbort = () => compute.cancel(task.id);
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          return keep(await task.result);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      } finally {
        folder.abort();
        store.releaseId('runs', runId);
      }
    },
  });
}

/**
 * Where an inference job runs (decided when it starts): the session's own page compute agent, or
 * null for the compute worker. Sweeps and the patch inspector always run in the worker (a sweep
 * times many runs of one backend; splitting it over two would mix their timings).
 */
async function pageAgentFor(ctx: HostContext, session: Session, signal: AbortSignal): Promise<PageAgent | null> {
  const { computeMode, pageCompute } = ctx;
  if (computeMode === 'node') return null;
  if (computeMode === 'page') {
    const agent = await pageCompute.waitForAgent(session.id, PAGE_COMPUTE_LIMITS.attachWaitMs, signal);
    if (!agent) {
      throw fail(
        'precondition',
        `run:start: no page compute context is attached (waited ${Math.round(PAGE_COMPUTE_LIMITS.attachWaitMs / 1000)} s): this app runs inference in the page's WebGL (--compute page); open or reload the app's page, or start it with --compute auto or --compute node`,
      );
    }
    return agent;
  }
  const agent = pageCompute.latest(session.id);
  if (!agent) return null;
  let probes = ctx.nodeProbes;
  if (!probes) {
    const cached = await fileProbeCache().load();
    probes = cached && cached.probes.length > 0 ? cached.probes : null;
  }
  return routeToPage('auto', agent, probes).page ? agent : null;
}

/** A page compute task's inputs: the files as they are on disk (the model folder's by their manifest paths). */
async function pageTaskInput(ctx: HostContext, inputs: RunInputs, settings: RequestArgs<'run:start'>['settings']): Promise<ComputeTaskInput> {
  const read = async (kind: 'image' | 'label', path: string) => {
    try {
      return { name: basename(path), bytes: new Uint8Array(await readFile(path)) };
    } catch (e) {
      throw fail('not-found', `compute:input: the ${kind} ${basename(path)} cannot be read (${path}): ${(e as Error).message}`);
    }
  };
  const [image, label] = await Promise.all([read('image', inputs.imagePath), inputs.labelPath ? read('label', inputs.labelPath) : null]);
  let artifacts;
  try {
    artifacts = await readModelFolder(inputs.model.path);
  } catch (e) {
    throw fail('bad-input', `compute:input: model ${inputs.model.name}: ${(e as Error).message}`);
  }
  const weights: Record<string, Uint8Array> = {};
  for (const [path, bytes] of artifacts.weights) weights[path] = new Uint8Array(bytes);
  return {
    image,
    label,
    model: { name: inputs.model.name, modelJson: artifacts.modelJsonBytes ?? utf8Bytes(JSON.stringify(artifacts.modelJson)), weights, sidecar: artifacts.sidecar ?? null },
    settings: { ...settings, patchSize: [...settings.patchSize] },
    backend: ctx.options.pageBackend ?? 'auto',
  };
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

/**
 * Exports a sweep's report. Electron: a save dialog, then a confirmation listing every file when
 * any would be replaced (null: cancelled or declined). Browser transport: the sweep's own folder;
 * when report files exist there and `replace` is not true, answers `conflict` listing them.
 */
export async function exportReport(ctx: HostContext, session: Session, sweepId: string, replace: boolean): Promise<ReportExport | null> {
  session.assertWritable('report:export');
  const sweep = ctx.records.sweeps.get(sweepId);
  if (!sweep || !session.sweepIds.has(sweepId)) throw fail('not-found', `report:export: no sweep ${sweepId}`);
  const dialogs = ctx.options.dialogs;
  let target: string | null = null;
  if (dialogs) {
    target = await dialogs.saveReport(`patchlens-report-${sweepId}.pdf`);
    if (target === null) return null;
  }
  const out = target ? reportTargetsFor(target) : { pdf: join(sweep.dir, REPORT_FILES.pdf), html: join(sweep.dir, REPORT_FILES.html), json: join(sweep.dir, REPORT_FILES.json) };
  const writes = [out.html, out.pdf, out.json];
  const existing = writes.filter((f) => existsSync(f));
  if (existing.length > 0 && !replace) {
    if (dialogs) {
      if (!(await dialogs.confirmReplace(writes, existing))) return null;
    } else {
      throw fail('conflict', `report:export: the report of sweep ${sweepId} exists: exporting writes ${writes.map((f) => basename(f)).join(', ')} into ${dirname(out.pdf)} and replaces ${existing.map((f) => basename(f)).join(', ')}`);
    }
  }
  let written: ReportExport | null = null;
  const job = ctx.queue.add({
    kind: 'report',
    label: `Report of sweep ${sweepId}`,
    owner: session.id,
    run: async ({ progress }) => {
      progress({ fraction: 0.05, phase: 'report', etaMs: null, message: 'summarizing' });
      sweepSummary(sweep.dir);
      // Nothing is written until the PDF printed; then the three files are renamed into place (report.json last).
      await writeReport(sweep.dir, {
        files: out,
        // The user said yes to replacing (or nothing exists): the report of this sweep, or the files they confirmed.
        force: true,
        printToPdf: ctx.options.printToPdf,
        onProgress: (m) => progress({ fraction: m.startsWith('printing') ? 0.5 : 0.2, phase: 'report', etaMs: null, message: m }),
      });
      const rel = [PROJECT_LAYOUT.sweeps, sweepId, REPORT_FILES.pdf].join('/');
      written = { ...out, files: writes, pdfUrl: !dialogs && ctx.options.downloadBase !== undefined ? `${ctx.options.downloadBase.replace(/\/+$/, '')}/${rel}` : null };
      return sweepId;
    },
  });
  const done = await ctx.queue.settled(job.id);
  if (done.state === 'cancelled') throw fail('cancelled', `report:export: cancelled`);
  if (done.state === 'failed') throw new ServiceError(done.error?.code ?? 'internal', done.error?.message ?? 'report:export failed');
  return written;
}

