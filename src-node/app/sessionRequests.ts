/**
 * The request handlers of one connection: every channel of the contract, answered for the
 * connection's session (its files, runs, jobs, uploads, page compute agent).
 */
import { statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { FileKind, OpenSource, RequestArgs, RequestChannel, RequestResult } from '../../shared/api/contract';
import { readRunLayer, readRunMaps, readTrainingMap } from '../compute/index';
import { appPackage } from './appPackage';
import type { HostContext } from './hostContext';
import { demoCases, exportReport, openSweepCase, readRunInputs, startRun, startSweep, sweepPlan } from './runJobs';
import { fail } from './serviceError';
import type { Session } from './session';
import { readSweepMap, sweepSummary } from './sweepRecords';
import { volumeData } from './volumeInfo';

type Handlers = { [K in RequestChannel]: (args: RequestArgs<K>) => Promise<RequestResult<K>> };

/** Who is asking: the connection's id and role. */
export interface Caller {
  connectionId: string;
  role: 'ui' | 'compute';
}

/** Opens the bundled demo's first case and model in a session. */
export async function openDemo(ctx: HostContext, session: Session): Promise<void> {
  const [first] = demoCases(ctx.demoDir);
  await session.openPath('image', first.image);
  await session.openPath('label', first.label);
  await session.openPath('model', join(ctx.demoDir, 'model'));
}

/** The path a source names (null: a dialog was cancelled); the folder of an upload to delete if the file does not open. */
async function sourcePath(ctx: HostContext, session: Session, kind: FileKind, source: OpenSource): Promise<{ path: string | null; upload: string | null }> {
  const { options, store } = ctx;
  switch (source.from) {
    case 'dialog':
      if (!options.dialogs) throw fail('unsupported', `file:open: there are no native dialogs over the ${options.transport} transport; upload the file instead`);
      return { path: await options.dialogs.open(kind), upload: null };
    case 'recent':
      if (!store.isRecent(kind, source.path)) throw fail('forbidden', `file:open: ${source.path} is not in the project's recent ${kind} files`);
      return { path: source.path, upload: null };
    case 'drop': {
      // Only Electron's preload sends dropped paths (page script cannot: see src-main/preloadApi.ts);
      // over the browser transport a path from the page is never trusted: the page uploads the bytes.
      if (options.transport !== 'electron') throw fail('forbidden', 'file:open: the browser transport opens no path the page names; upload the file instead');
      if (!isAbsolute(source.path)) throw fail('bad-request', `file:open: a dropped path must be absolute, got ${JSON.stringify(source.path)}`);
      let isDir: boolean;
      try {
        isDir = statSync(source.path).isDirectory();
      } catch {
        throw fail('not-found', `file:open: ${source.path}: no such file or folder`);
      }
      if (kind === 'model' && !isDir) throw fail('bad-input', `file:open: model ${basename(source.path)}: drop the model's folder (model.json, weight shards, patchlens.json), not a file`);
      if (kind !== 'model' && (isDir || !statSync(source.path).isFile())) throw fail('bad-input', `file:open: ${kind} ${basename(source.path)}: not a file`);
      return { path: resolve(source.path), upload: null };
    }
    case 'upload': {
      session.assertWritable('file:open');
      const { folder, files } = session.uploads.take(source.uploadId);
      if (kind === 'model') {
        // A picked folder arrives as `<folder>/model.json`, …: the model is the folder holding model.json.
        const json = files.find((f) => f === 'model.json' || f.endsWith('/model.json'));
        if (!json) {
          session.uploads.discard(folder);
          throw fail('bad-input', `file:open: the uploaded model has no model.json (got ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''})`);
        }
        return { path: join(folder, json.slice(0, -'model.json'.length)), upload: folder };
      }
      if (files.length !== 1) {
        session.uploads.discard(folder);
        throw fail('bad-input', `file:open: an ${kind} upload is one file, got ${files.length}`);
      }
      return { path: join(folder, files[0]), upload: folder };
    }
  }
}

/** The handlers of one connection. */
export function sessionHandlers(ctx: HostContext, session: Session, caller: Caller): Handlers {
  const { options, store, records, queue, compute, pageCompute } = ctx;
  const runOf = (ch: string, runId: string) => {
    const run = session.runIds.has(runId) ? records.runs.get(runId) : undefined;
    if (!run) throw fail('not-found', `${ch}: no run ${runId}`);
    return run;
  };
  const sweepOf = (ch: string, sweepId: string) => {
    const s = session.sweepIds.has(sweepId) ? records.sweeps.get(sweepId) : undefined;
    if (!s) throw fail('not-found', `${ch}: no sweep ${sweepId}`);
    return s;
  };
  const owner = { sessionId: session.id, connectionId: caller.connectionId };
  return {
    'app:info': async () => ({ name: 'PatchLens', version: appPackage().version, platform: process.platform, transport: options.transport, nativeDialogs: !!options.dialogs }),
    'session:get': async () => session.state(),
    'session:openDemo': () =>
      session.exclusive(async () => {
        await openDemo(ctx, session);
        session.changed();
        return session.state();
      }),
    'upload:begin': async ({ files }) => {
      session.assertWritable('upload:begin');
      return session.uploads.begin(files);
    },
    'upload:chunk': async ({ uploadId, file, offset, bytes }) => session.uploads.chunk(uploadId, file, offset, bytes),
    'upload:cancel': async ({ uploadId }) => session.uploads.cancel(uploadId),
    'file:open': ({ kind, source }) =>
      session.exclusive(async () => {
        const { path, upload } = await sourcePath(ctx, session, kind, source);
        if (path === null) return null;
        try {
          await session.openPath(kind, path);
        } catch (e) {
          // A file that does not open is not kept: an upload is deleted again.
          if (upload) session.uploads.discard(upload);
          throw e;
        }
        session.changed();
        return session.state();
      }),
    'file:close': ({ kind }) =>
      session.exclusive(async () => {
        session.closeFile(kind);
        session.changed();
        return session.state();
      }),
    'volume:get': async ({ kind }) => {
      const v = kind === 'image' ? session.image : session.label;
      if (!v) throw fail('precondition', `volume:get: no ${kind === 'image' ? 'image' : 'label map'} is open`);
      return volumeData(v.volume);
    },
    'model:trainingMap': async () => {
      if (!session.model) throw fail('precondition', 'model:trainingMap: no model is open');
      return readTrainingMap(session.model.ref.path);
    },
    'run:start': async ({ settings }) => ({ jobId: startRun(ctx, session, settings).id }),
    'run:layer': async ({ runId, layer }) => {
      const run = runOf('run:layer', runId);
      if (!run.layers.includes(layer)) throw fail('not-found', `run:layer: run ${runId} has no ${layer} layer (it has ${run.layers.join(', ')})`);
      return volumeData(readRunLayer(run.dir, layer) as Parameters<typeof volumeData>[0]);
    },
    'run:maps': async ({ runId }) => readRunMaps(runOf('run:maps', runId).dir, runId),
    'run:inspect': async ({ runId, voxel }) => {
      const run = runOf('run:inspect', runId);
      const saved = readRunInputs(run.dir);
      const { image, label, model } = session;
      const inputs = saved ?? (image && model ? { imagePath: image.path, labelPath: label?.path ?? null, model: model.ref } : null);
      if (!inputs) throw fail('precondition', `run:inspect: the inputs of run ${runId} are unknown; open its image and model`);
      return compute.run('inspect', { runDir: run.dir, voxel, ...inputs }).result;
    },
    'run:delete': async ({ runId }) => {
      session.assertWritable('run:delete');
      runOf('run:delete', runId);
      store.removeOwnFolder('runs', runId);
      records.runs.delete(runId);
      session.runIds.delete(runId);
      session.changed();
      return session.state();
    },
    'sweep:start': async ({ request }) => ({ jobId: startSweep(ctx, session, request).id }),
    'sweep:plan': ({ cases }) => sweepPlan(ctx, session, cases),
    'sweep:openCase': ({ sweepId, caseId }) => openSweepCase(ctx, session, sweepId, caseId),
    'sweep:summary': async ({ sweepId }) => sweepSummary(sweepOf('sweep:summary', sweepId).dir),
    'sweep:map': async ({ sweepId, calibrationId }) => readSweepMap(sweepId, sweepOf('sweep:map', sweepId).dir, calibrationId),
    'job:cancel': async ({ jobId }) => queue.cancel(jobId, session.id),
    'report:export': async ({ sweepId, replace }) => exportReport(ctx, session, sweepId, replace === true),
    'compute:attach': async ({ offer }) => pageCompute.attach(offer, owner),
    'compute:input': ({ agentId, taskId }) => pageCompute.input(caller.connectionId, agentId, taskId),
    'compute:progress': async ({ agentId, taskId, progress }) => pageCompute.progress(caller.connectionId, agentId, taskId, progress),
    'compute:done': ({ agentId, taskId, result }) => pageCompute.done(caller.connectionId, agentId, taskId, result),
    'compute:failed': async ({ agentId, taskId, error }) => pageCompute.failed(caller.connectionId, agentId, taskId, error),
  };
}
