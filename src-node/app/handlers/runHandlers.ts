import type { RequestChannel, RunRecord } from '../../../shared/api/contract';
import { readRunLayer, readRunMaps } from '../../compute/index';
import type { HostContext } from '../hostContext';
import { readRunInputs, startRun } from '../runJob';
import { fail } from '../serviceError';
import type { Session } from '../session';
import { volumeData } from '../volumeInfo';
import type { HandlerTable } from './callContext';

/** The channels of inference runs: starting one, reading a finished one's layers and maps, the patch inspector, deleting. */
export type RunChannel = Extract<RequestChannel, `run:${string}`>;

/** The handlers of {@link RunChannel}. */
export function runHandlers(host: HostContext): HandlerTable<RunChannel> {
  const { store, records, compute } = host;
  /** A run the session shows. */
  const runOf = (session: Session, ch: RunChannel, runId: string): RunRecord => {
    const run = session.runIds.has(runId) ? records.runs.get(runId) : undefined;
    if (!run) throw fail('not-found', `${ch}: no run ${runId}`);
    return run;
  };
  return {
    'run:start': async ({ session }, { settings }) => ({ jobId: startRun(host, session, settings).id }),
    'run:layer': async ({ session }, { runId, layer }) => {
      const run = runOf(session, 'run:layer', runId);
      if (!run.layers.includes(layer)) throw fail('not-found', `run:layer: run ${runId} has no ${layer} layer (it has ${run.layers.join(', ')})`);
      return volumeData(readRunLayer(run.dir, layer) as Parameters<typeof volumeData>[0]);
    },
    'run:maps': async ({ session }, { runId }) => readRunMaps(runOf(session, 'run:maps', runId).dir, runId),
    'run:inspect': async ({ session }, { runId, voxel }) => {
      const run = runOf(session, 'run:inspect', runId);
      const saved = readRunInputs(run.dir);
      const { image, label, model } = session;
      const inputs = saved ?? (image && model ? { imagePath: image.path, labelPath: label?.path ?? null, model: model.ref } : null);
      if (!inputs) throw fail('precondition', `run:inspect: the inputs of run ${runId} are unknown; open its image and model`);
      return compute.run('inspect', { runDir: run.dir, voxel, ...inputs }).result;
    },
    'run:delete': async ({ session }, { runId }) => {
      session.assertWritable('run:delete');
      runOf(session, 'run:delete', runId);
      store.removeOwnFolder('runs', runId);
      records.runs.delete(runId);
      session.runIds.delete(runId);
      session.changed();
      return session.state();
    },
  };
}
