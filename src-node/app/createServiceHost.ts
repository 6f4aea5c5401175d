import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type {
  ComputeTaskInput,
  EventName,
  Events,
  FileKind,
  JobInfo,
  ModelInfo,
  OpenSource,
  ReportExport,
  RequestArgs,
  RequestChannel,
  RequestResult,
  RunRecord,
  SessionState,
  SweepRecord,
  VolumeInfo,
} from '../../shared/api/contract';
import { validateArgs } from '../../shared/api/validateArgs';
import type { BackendProbe } from '../../shared/engine/backend/selectBackend';
import { utf8Bytes } from '../../shared/engine/model/utf8';
import type { NiftiVolume } from '../../shared/io/nifti';
import { planSweep } from '../../shared/sweep/grid';
import type { SweepCase, SweepGrid } from '../../shared/sweep/types';
import { readRunLayer, readRunMaps, readRunRecord, readTrainingMap } from '../compute/index';
import { fileProbeCache } from '../probeCache';
import { readImageFile } from '../readInputFile';
import { readModelFolder } from '../readModelFolder';
import { REPORT_FILES, writeReport } from '../report/writeReport';
import { writeJsonAtomic } from '../sweep/sweepFolder';
import { appPackage, appRoot } from './appPackage';
import { ComputeClient } from './computeClient';
import { JobQueue } from './jobQueue';
import { loadModelInfo } from './modelInfo';
import { PAGE_COMPUTE_LIMITS, PageCompute, routeToPage, type PageAgent } from './pageCompute';
import { PARTIAL_PREFIX, PROJECT_LAYOUT, ProjectStore } from './projectStore';
import { fail, ServiceError, toErrorPayload } from './serviceError';
import type { ServiceHost, ServiceHostOptions } from './serviceHost';
import { countResults, readSweepMap, readSweepRecord, sweepSummary } from './sweepRecords';
import { volumeData, volumeInfo } from './volumeInfo';
import type { ModelRef } from './workerProtocol';

/** The file beside a run's own files that says which inputs made it (for the patch inspector after the session moved on). */
export const RUN_INPUTS_FILE = 'app-inputs.json';

/** The bundled demo: `demo/data/cases.json` and `demo/model`. */
export function defaultDemoDir(): string {
  return join(appRoot(), 'demo');
}

interface OpenVolume {
  info: VolumeInfo;
  volume: NiftiVolume;
  path: string;
}

interface RunInputs {
  imagePath: string;
  labelPath: string | null;
  model: ModelRef;
}

type Handlers = { [K in RequestChannel]: (args: RequestArgs<K>) => Promise<RequestResult<K>> };

/** A demo case: the file names in cases.json, resolved. */
function demoCases(demoDir: string): { name: string; image: string; label: string }[] {
  const file = join(demoDir, 'data', 'cases.json');
  let parsed: { cases?: { name: string; image: string; label: string }[] };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (e) {
    throw fail('not-found', `the bundled demo is missing or unreadable (${file}): ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed.cases) || parsed.cases.length === 0) throw fail('not-found', `the bundled demo lists no cases (${file})`);
  return parsed.cases.map((c) => ({ name: c.name, image: join(demoDir, 'data', c.image), label: join(demoDir, 'data', c.label) }));
}

/** A sweep case id from a file name (letters, digits, `.`, `_`, `-`; no `__`). */
export function caseIdOf(fileName: string): string {
  const stem = fileName.replace(/\.nii(\.gz)?$/i, '');
  const id = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/_{2,}/g, '_').replace(/^[-.]+/, '');
  return id || 'case';
}

/**
 * Creates the main-side services behind the contract (shared by Electron IPC and the HTTP +
 * WebSocket transport): opens (or creates) the project folder, lists its finished runs and
 * sweeps, restores the files that were open, and answers requests. Inference runs, sweeps and the
 * patch inspector run in a compute worker thread; one job at a time, first in first out.
 * Inference runs may instead go to a page compute context (tfjs WebGL in the UI page or Electron's
 * compute window, see `pageCompute.ts` and `options.compute`); main then writes the run folder
 * from the page's result exactly as the worker writes its own.
 */
export async function createServiceHost(options: ServiceHostOptions): Promise<ServiceHost> {
  const store = new ProjectStore(options.projectDir);
  const demoDir = resolve(options.demoDir ?? defaultDemoDir());
  const log = options.log ?? ((m: string) => console.warn(`patchlens: ${m}`));
  const compute = new ComputeClient(options.workerUrl);
  const computeMode = options.compute ?? 'auto';
  const listeners = new Set<<E extends EventName>(event: E, payload: Events[E]) => void>();
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const l of [...listeners]) {
      try {
        l(event, payload);
      } catch (e) {
        log(`an event listener failed on ${event}: ${(e as Error).message}`);
      }
    }
  };

  /**
   * Loads a just-opened model in the compute worker in the background (reading it, choosing the
   * backend, compiling its kernels), so the first run starts at once instead of competing with
   * the UI for the CPU while it warms up. A failure here is reported by the run itself.
   */
  const warmModel = (ref: ModelRef) => {
    if (closed) return;
    compute.run('warm', { model: { ...ref } }).result.then(
      (warm) => {
        if (warm.probes.length > 0) nodeProbes = warm.probes;
      },
      () => undefined,
    );
  };
  /** The compute worker's backend probes (from its last warm-up; null until one finished). */
  let nodeProbes: BackendProbe[] | null = null;
  const pageCompute = new PageCompute(emit, PAGE_COMPUTE_LIMITS);

  let image: OpenVolume | null = null;
  let label: OpenVolume | null = null;
  let model: { info: ModelInfo; ref: ModelRef } | null = null;
  const runs = new Map<string, RunRecord>();
  const sweeps = new Map<string, SweepRecord>();
  let closed = false;

  const state = (): SessionState => ({
    project: { dir: store.dir, name: store.name },
    image: image ? { ...image.info } : null,
    label: label ? { ...label.info } : null,
    model: model ? { ...model.info } : null,
    runs: [...runs.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
    sweeps: [...sweeps.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
    jobs: queue.list(),
    recent: store.recent,
  });
  const changed = () => {
    if (!closed) emit('session:changed', state());
  };
  const queue = new JobQueue(changed, (job) => emit('job:progress', job));

  // Finished results survive closing the app.
  for (const id of store.ids('runs')) {
    const dir = join(store.runsDir, id);
    const record = readRunRecord(dir);
    if (record && record.id === id) runs.set(id, { ...record, dir });
  }
  for (const id of store.ids('sweeps')) {
    const record = readSweepRecord(id, join(store.sweepsDir, id));
    if (record) sweeps.set(id, record);
  }

  // ---- files ----

  function readVolume(kind: 'image' | 'label', path: string): OpenVolume {
    if (!existsSync(path)) throw fail('not-found', `${kind} ${basename(path)}: no such file (${path})`);
    let volume: NiftiVolume;
    try {
      volume = readImageFile(kind, path).volume;
    } catch (e) {
      throw fail('bad-input', `${kind} ${basename(path)}: ${(e as Error).message.replace(`${kind} ${path}: `, '')}`);
    }
    if (volume.shape.length !== 3) throw fail('bad-input', `${kind} ${basename(path)}: expected a 3-D ${kind === 'image' ? 'image' : 'label map'}, got shape [${volume.shape}]`);
    return { info: volumeInfo(volume, kind, path), volume, path };
  }

  /** Opens a file of a trusted path (dialog, drop, recent, upload, command line, demo); the state changes only when it succeeded. */
  async function openPath(kind: FileKind, path: string): Promise<void> {
    if (kind === 'model') {
      model = await loadModelInfo(path);
      warmModel(model.ref);
      store.addRecent('model', model.ref.path, basename(model.ref.path));
      store.setCurrent({ model: model.ref.path });
      return;
    }
    if (kind === 'label') {
      if (!image) throw fail('precondition', `label ${basename(path)}: open an image first (a label map must match the image's grid)`);
      const next = readVolume('label', path);
      if (next.volume.shape.join() !== image.volume.shape.join()) {
        throw fail('bad-input', `label ${next.info.name} has shape [${next.volume.shape}] but the image ${image.info.name} has shape [${image.volume.shape}]`);
      }
      label = next;
      store.addRecent('label', path);
      store.setCurrent({ label: path });
      return;
    }
    const next = readVolume('image', path);
    image = next;
    if (label && label.volume.shape.join() !== next.volume.shape.join()) label = null;
    store.addRecent('image', path);
    store.setCurrent({ image: path, label: label?.path ?? null });
  }

  /** The path a source names (null: a dialog was cancelled). */
  async function sourcePath(kind: FileKind, source: OpenSource): Promise<string | null> {
    switch (source.from) {
      case 'dialog':
        if (!options.dialogs) throw fail('unsupported', `file:open: there are no native dialogs over the ${options.transport} transport; upload the file instead`);
        return options.dialogs.open(kind);
      case 'recent':
        if (!store.isRecent(kind, source.path)) throw fail('forbidden', `file:open: ${source.path} is not in the project's recent ${kind} files`);
        return source.path;
      case 'drop': {
        if (!isAbsolute(source.path)) throw fail('bad-request', `file:open: a dropped path must be absolute, got ${JSON.stringify(source.path)}`);
        let isDir: boolean;
        try {
          isDir = statSync(source.path).isDirectory();
        } catch {
          throw fail('not-found', `file:open: ${source.path}: no such file or folder`);
        }
        if (kind === 'model' && !isDir) throw fail('bad-input', `file:open: model ${basename(source.path)}: drop the model's folder (model.json, weight shards, patchlens.json), not a file`);
        if (kind !== 'model' && (isDir || !statSync(source.path).isFile())) throw fail('bad-input', `file:open: ${kind} ${basename(source.path)}: not a file`);
        return resolve(source.path);
      }
      case 'upload': {
        const folder = store.writeUpload(source.files);
        return kind === 'model' ? folder : join(folder, source.files[0].name);
      }
    }
  }

  async function openDemo(): Promise<void> {
    const [first] = demoCases(demoDir);
    await openPath('image', first.image);
    await openPath('label', first.label);
    await openPath('model', join(demoDir, 'model'));
  }

  // One file operation at a time (opening reads and parses; two at once could interleave).
  let fileLock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(f: () => Promise<T>): Promise<T> => {
    const next = fileLock.then(f, f);
    fileLock = next.catch(() => undefined);
    return next;
  };

  // ---- runs ----

  function runOf(ch: string, runId: string): RunRecord {
    const run = runs.get(runId);
    if (!run) throw fail('not-found', `${ch}: no run ${runId}`);
    return run;
  }

  function runInputs(run: RunRecord): RunInputs | null {
    try {
      return JSON.parse(readFileSync(join(run.dir, RUN_INPUTS_FILE), 'utf8')) as RunInputs;
    } catch {
      return null;
    }
  }

  function startRun(settings: RequestArgs<'run:start'>['settings']): JobInfo {
    if (!image) throw fail('precondition', 'run:start: open an image first');
    if (!model) throw fail('precondition', 'run:start: open a model first');
    if (settings.patchSize.length === 1) settings = { ...settings, patchSize: [settings.patchSize[0], settings.patchSize[0], settings.patchSize[0]] };
    if (settings.patchSize.length !== 3) throw fail('bad-request', `run:start: settings.patchSize must have 1 or 3 entries for a 3-D image, got [${settings.patchSize}]`);
    const inputs: RunInputs = { imagePath: image.path, labelPath: label?.path ?? null, model: { ...model.ref } };
    const p = settings.patchSize;
    const patch = p.every((x) => x === p[0]) ? `p${p[0]}` : `p${p.join('x')}`;
    const jobLabel = `Inference ${patch} ov${settings.overlap} ${settings.blend} on ${image.info.name}`;
    return queue.add({
      kind: 'inference',
      label: jobLabel,
      run: async ({ signal, progress, relabel }) => {
        const runId = store.nextId('runs', runs.keys());
        const partial = join(store.runsDir, `${PARTIAL_PREFIX}${runId}`);
        const dir = join(store.runsDir, runId);
        const keep = (record: Omit<RunRecord, 'dir'>) => {
          if (signal.aborted) throw fail('cancelled', `${jobLabel}: cancelled`);
          writeJsonAtomic(join(partial, RUN_INPUTS_FILE), inputs);
          renameSync(partial, dir);
          runs.set(runId, { ...record, id: runId, dir });
          return runId;
        };
        try {
          const agent = await pageAgentFor(signal);
          if (agent) {
            const label = `${jobLabel} on the page (${agent.offer.choice})`;
            relabel(label);
            return await pageCompute.run(
              agent,
              {
                label,
                input: () => pageTaskInput(inputs, settings),
                finish: async (result) => keep(await compute.run('finishPage', { result, imagePath: inputs.imagePath, labelPath: inputs.labelPath, model: inputs.model, settings, outDir: partial, runId }).result),
              },
              { signal, progress },
            );
          }
          const task = compute.run('infer', { ...inputs, settings, outDir: partial, runId }, progress);
          const onAbort = () => compute.cancel(task.id);
          signal.addEventListener('abort', onAbort, { once: true });
          try {
            return keep(await task.result);
          } finally {
            signal.removeEventListener('abort', onAbort);
          }
        } finally {
          if (existsSync(partial)) rmSync(partial, { recursive: true, force: true });
        }
      },
    });
  }

  /**
   * Where an inference job runs (decided when it starts): a page compute agent, or null for the
   * compute worker. Sweeps and the patch inspector always run in the worker (a sweep times many
   * runs of one backend; splitting it over two would mix their timings).
   */
  async function pageAgentFor(signal: AbortSignal): Promise<PageAgent | null> {
    if (computeMode === 'node') return null;
    if (computeMode === 'page') {
      const agent = await pageCompute.waitForAgent(PAGE_COMPUTE_LIMITS.attachWaitMs, signal);
      if (!agent) {
        throw fail(
          'precondition',
          `run:start: no page compute context is attached (waited ${Math.round(PAGE_COMPUTE_LIMITS.attachWaitMs / 1000)} s): this app runs inference in the page's WebGL (--compute page); open or reload the app's page, or start it with --compute auto or --compute node`,
        );
      }
      return agent;
    }
    const agent = pageCompute.latest();
    if (!agent) return null;
    let probes = nodeProbes;
    if (!probes) {
      const cached = await fileProbeCache().load();
      probes = cached && cached.probes.length > 0 ? cached.probes : null;
    }
    return routeToPage('auto', agent, probes).page ? agent : null;
  }

  /** A page compute task's inputs: the files as they are on disk (the model folder's by their manifest paths). */
  async function pageTaskInput(inputs: RunInputs, settings: RequestArgs<'run:start'>['settings']): Promise<ComputeTaskInput> {
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
      backend: options.pageBackend ?? 'auto',
    };
  }

  // ---- sweeps ----

  function startSweep(request: RequestArgs<'sweep:start'>['request']): JobInfo {
    if (!model) throw fail('precondition', 'sweep:start: open a model first');
    let cases: SweepCase[];
    if (request.cases === 'current') {
      if (!image || !label) throw fail('precondition', 'sweep:start: a sweep of the current image needs the image and its label map open');
      cases = [{ id: caseIdOf(image.info.name), image: image.path, label: label.path }];
    } else {
      cases = demoCases(demoDir).map((c) => ({ id: caseIdOf(c.name), image: c.image, label: c.label }));
    }
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
    const modelRef = { ...model.ref };
    const jobLabel = `Sweep ${request.patchSizes.map((p) => `p${p}`).join('/')} × ${request.overlaps.length} overlap(s) × ${request.blends.length} blend(s): ${configs} configuration(s) on ${cases.length} case(s)`;
    return queue.add({
      kind: 'sweep',
      label: jobLabel,
      run: async ({ signal, progress }) => {
        const sweepId = store.nextId('sweeps', sweeps.keys());
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
          if (existsSync(dir) && countResults(dir) === 0 && (signal.aborted || !existsSync(join(dir, 'summary.json')))) rmSync(dir, { recursive: true, force: true });
          const record = existsSync(dir) ? readSweepRecord(sweepId, dir) : null;
          if (record) sweeps.set(sweepId, record);
        }
      },
    });
  }

  function sweepOf(ch: string, sweepId: string): SweepRecord {
    const s = sweeps.get(sweepId);
    if (!s) throw fail('not-found', `${ch}: no sweep ${sweepId}`);
    return s;
  }

  // ---- report ----

  async function exportReport(sweepId: string): Promise<ReportExport | null> {
    const sweep = sweepOf('report:export', sweepId);
    let target: string | null = null;
    if (options.dialogs) {
      target = await options.dialogs.saveReport(`patchlens-report-${sweepId}.pdf`);
      if (target === null) return null;
    }
    let written: ReportExport | null = null;
    const job = queue.add({
      kind: 'report',
      label: `Report of sweep ${sweepId}`,
      run: async ({ progress }) => {
        progress({ fraction: 0.05, phase: 'report', etaMs: null, message: 'summarizing' });
        sweepSummary(sweep.dir);
        const report = await writeReport(sweep.dir, {
          printToPdf: options.printToPdf,
          onProgress: (m) => progress({ fraction: m.startsWith('printing') ? 0.5 : 0.2, phase: 'report', etaMs: null, message: m }),
        });
        const pdf = report.pdf!;
        if (target) {
          const base = target.replace(/\.pdf$/i, '');
          const out = { pdf: `${base}.pdf`, html: `${base}.html`, json: `${base}.json` };
          for (const k of ['pdf', 'html', 'json'] as const) {
            const from = k === 'pdf' ? pdf : report[k];
            const tmp = `${out[k]}.tmp-${process.pid}`;
            copyFileSync(from, tmp);
            renameSync(tmp, out[k]);
          }
          written = { ...out, pdfUrl: null };
        } else {
          const rel = [PROJECT_LAYOUT.sweeps, sweepId, REPORT_FILES.pdf].join('/');
          written = { html: report.html, pdf, json: report.json, pdfUrl: options.downloadBase !== undefined ? `${options.downloadBase.replace(/\/+$/, '')}/${rel}` : null };
        }
        return sweepId;
      },
    });
    const done = await queue.settled(job.id);
    if (done.state === 'cancelled') throw fail('cancelled', `report:export: cancelled`);
    if (done.state === 'failed') throw new ServiceError(done.error?.code ?? 'internal', done.error?.message ?? 'report:export failed');
    return written;
  }

  // ---- requests ----

  const handlers: Handlers = {
    'app:info': async () => ({ name: 'PatchLens', version: appPackage().version, platform: process.platform, transport: options.transport, nativeDialogs: !!options.dialogs }),
    'session:get': async () => state(),
    'session:openDemo': () =>
      exclusive(async () => {
        await openDemo();
        changed();
        return state();
      }),
    'file:open': ({ kind, source }) =>
      exclusive(async () => {
        const path = await sourcePath(kind, source);
        if (path === null) return null;
        await openPath(kind, path);
        changed();
        return state();
      }),
    'file:close': ({ kind }) =>
      exclusive(async () => {
        if (kind === 'label') label = null;
        else model = null;
        store.setCurrent({ [kind]: null });
        changed();
        return state();
      }),
    'volume:get': async ({ kind }) => {
      const v = kind === 'image' ? image : label;
      if (!v) throw fail('precondition', `volume:get: no ${kind === 'image' ? 'image' : 'label map'} is open`);
      return volumeData(v.volume);
    },
    'model:trainingMap': async () => {
      if (!model) throw fail('precondition', 'model:trainingMap: no model is open');
      return readTrainingMap(model.ref.path);
    },
    'run:start': async ({ settings }) => {
      const job = startRun(settings);
      return { jobId: job.id };
    },
    'run:layer': async ({ runId, layer }) => {
      const run = runOf('run:layer', runId);
      if (!run.layers.includes(layer)) throw fail('not-found', `run:layer: run ${runId} has no ${layer} layer (it has ${run.layers.join(', ')})`);
      return volumeData(readRunLayer(run.dir, layer) as Parameters<typeof volumeData>[0]);
    },
    'run:maps': async ({ runId }) => readRunMaps(runOf('run:maps', runId).dir, runId),
    'run:inspect': async ({ runId, voxel }) => {
      const run = runOf('run:inspect', runId);
      const saved = runInputs(run);
      const inputs = saved ?? (image && model ? { imagePath: image.path, labelPath: label?.path ?? null, model: model.ref } : null);
      if (!inputs) throw fail('precondition', `run:inspect: the inputs of run ${runId} are unknown; open its image and model`);
      return compute.run('inspect', { runDir: run.dir, voxel, ...inputs }).result;
    },
    'run:delete': async ({ runId }) => {
      const run = runOf('run:delete', runId);
      rmSync(run.dir, { recursive: true, force: true });
      runs.delete(runId);
      changed();
      return state();
    },
    'sweep:start': async ({ request }) => ({ jobId: startSweep(request).id }),
    'sweep:summary': async ({ sweepId }) => sweepSummary(sweepOf('sweep:summary', sweepId).dir),
    'sweep:map': async ({ sweepId, calibrationId }) => readSweepMap(sweepId, sweepOf('sweep:map', sweepId).dir, calibrationId),
    'job:cancel': async ({ jobId }) => queue.cancel(jobId),
    'report:export': async ({ sweepId }) => exportReport(sweepId),
    'compute:attach': async ({ offer }) => pageCompute.attach(offer),
    'compute:input': ({ agentId, taskId }) => pageCompute.input(agentId, taskId),
    'compute:progress': async ({ agentId, taskId, progress }) => pageCompute.progress(agentId, taskId, progress),
    'compute:done': ({ agentId, taskId, result }) => pageCompute.done(agentId, taskId, result),
    'compute:failed': async ({ agentId, taskId, error }) => pageCompute.failed(agentId, taskId, error),
  };

  // Reopening the project restores the files that were open (each one that still opens).
  const current = store.current;
  for (const kind of ['image', 'label', 'model'] as const) {
    const path = current[kind];
    if (!path) continue;
    try {
      await openPath(kind, path);
    } catch (e) {
      log(`could not reopen the ${kind} ${path}: ${toErrorPayload(e).message}`);
      store.setCurrent({ [kind]: null });
    }
  }

  return {
    async handle(channel, args) {
      try {
        if (closed) throw fail('internal', `${channel}: the service host is closed`);
        const checked = validateArgs(channel, args);
        const result = await (handlers[channel as RequestChannel] as (a: unknown) => Promise<unknown>)(checked);
        return { result };
      } catch (e) {
        return { error: toErrorPayload(e) };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    command(command) {
      emit('app:command', { command });
    },
    async openInitial(paths) {
      await exclusive(async () => {
        if (paths.length === 0) {
          if (!image) {
            try {
              await openDemo();
            } catch (e) {
              log(`could not open the bundled demo: ${toErrorPayload(e).message}`);
            }
          }
        } else {
          let sawImage = false;
          for (const p of paths) {
            const path = resolve(p);
            let kind: FileKind;
            try {
              kind = statSync(path).isDirectory() ? 'model' : sawImage ? 'label' : 'image';
            } catch {
              log(`${p}: no such file or folder`);
              continue;
            }
            try {
              await openPath(kind, path);
              if (kind === 'image') sawImage = true;
            } catch (e) {
              log(`could not open ${p} as the ${kind}: ${toErrorPayload(e).message}`);
            }
          }
        }
        changed();
      });
    },
    resolveDownload(path) {
      if (typeof path !== 'string') return null;
      const base = (options.downloadBase ?? '').replace(/\/+$/, '');
      let rel: string;
      if (base && path.startsWith(`${base}/`)) rel = path.slice(base.length + 1);
      else if (path.startsWith('/')) return null;
      else rel = path;
      return store.resolveRelative(rel);
    },
    async close() {
      if (closed) return;
      pageCompute.close();
      await queue.close();
      closed = true;
      await compute.close();
      listeners.clear();
    },
  };
}

// Re-exported for the transports.
export { computeWorkerUrl } from './computeWorkerUrl';
