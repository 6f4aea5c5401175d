// checkModelFolder: reading and building a model in a worker thread with a time limit.
// Before the fix there was no such function (the model was built on the caller's thread, and the
// cycle / dangling cases never returned: see noHang.slow.test.ts); every case here failed.
import { rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { modelHash } from '../../../shared/engine/model/index';
import { checkModelFolder, checkModelFolderIn, ModelCheckError } from '../../../src-node/model/checkModelFolder';
import { startTsWorker } from '../../../src-node/model/modelCheckWorkerUrl';
import { readModelFolder } from '../../../src-node/readModelFolder';
import { DEMO_MODEL, editedFolder, layersOf, rewire } from '../../shared/engine/model/malformedModels';
import { copyModel } from '../../shared/engine/model/modelFixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<ModelCheckError> {
  try {
    await p;
  } catch (e) {
    return e as ModelCheckError;
  }
  throw new Error('expected a rejection');
}

/** A fixture worker of ./fixtures, started as the real one is. */
const fixture = (name: string, silent = false) => {
  const url = new URL(`./fixtures/${name}.ts`, import.meta.url);
  return silent ? new Worker(new URL('../../../src-node/model/tsWorkerBootstrap.mjs', import.meta.url), { workerData: { entry: url.href, silent } }) : startTsWorker(url);
};

describe('checkModelFolder (a worker thread with a time limit)', () => {
  it("returns the demo model's facts, the same as reading it here", async () => {
    const facts = await checkModelFolder(DEMO_MODEL);
    expect(facts).toMatchObject({
      dir: DEMO_MODEL,
      kind: 'layers-model',
      inputShape: { rank: 5, spatialRank: 3, channels: 1 },
      outputClasses: 2,
      translationEquivariant: true,
      files: ['model.json', 'group1-shard1of1.bin', 'patchlens.json'],
    });
    expect(facts.name).toMatch(/^PatchLens demo brain mask/);
    expect(facts.spec.source).toBe('sidecar');
    const here = modelHash(await readModelFolder(DEMO_MODEL));
    expect(facts.sha256).toBe(here.sha256);
    expect(facts.fileHashes).toEqual(here.files);
  });

  it('a cycle and a dangling inbound node are clear errors (stage load), not a hang', async () => {
    const cycle = editedFolder('model5_gw_ae', (j) => rewire(layersOf(j), 1, '23'), cleanups);
    const e = await rejection(checkModelFolder(cycle));
    expect(e).toBeInstanceOf(ModelCheckError);
    expect(e.stage).toBe('load');
    expect(e.message).toMatch(/^model patchlens-malformed-\w+: the model cannot be loaded: loadModel: model.json's layer graph has a cycle: "22" → "23" → "21" → "22"/);
    const dangling = editedFolder('demo', (j) => rewire(layersOf(j), 3, 'conv9'), cleanups);
    const d = await rejection(checkModelFolder(join(dangling, 'model.json')));
    expect(d.stage).toBe('load');
    expect(d.message).toMatch(/: the model cannot be loaded: loadModel: layer "conv3_d4" \(Conv3D\) reads layer "conv9", which is not in the model$/);
  });

  it('a missing shard (stage read) and a short shard (stage load) name the file', async () => {
    const missing = copyModel('model5_gw_ae');
    cleanups.push(missing.cleanup);
    rmSync(join(missing.dir, 'group1-shard1of1.bin'));
    const m = await rejection(checkModelFolder(missing.dir));
    expect(m.stage).toBe('read');
    expect(m.message).toMatch(/^model patchlens-model-\w+: readModelFolder: weight shard "group1-shard1of1.bin" listed in .*model\.json is missing/);
    const short = copyModel('model5_gw_ae');
    cleanups.push(short.cleanup);
    truncateSync(join(short.dir, 'group1-shard1of1.bin'), 22000);
    const s = await rejection(checkModelFolder(short.dir));
    expect(s.stage).toBe('load');
    expect(s.message).toMatch(/the model cannot be loaded: loadModel: weight shard "group1-shard1of1.bin" \(22000 bytes\) holds 22000 bytes, but the 20 weights model.json lists for it need 22392/);
  });

  it('a build that never finishes is cut off by the time limit, and the thread is terminated', async () => {
    // tfjs itself, unvalidated, on a cyclic model: it never returns.
    const cycle = editedFolder('model5_gw_ae', (j) => rewire(layersOf(j), 1, '23'), cleanups);
    const worker = fixture('unvalidatedModelWorker');
    let exited = false;
    worker.on('exit', () => (exited = true));
    const e = await rejection(checkModelFolderIn(worker, cycle, { timeoutMs: 2000 }));
    expect(e.stage).toBe('timeout');
    expect(e.message).toMatch(
      /^model patchlens-malformed-\w+: building the model did not finish within 2 s \(the check was stopped; tfjs can spin forever on a malformed model.json\): the model folder is not usable$/,
    );
    await new Promise((r) => setTimeout(r, 0));
    await worker.terminate(); // resolves at once: it was terminated already
    expect(exited).toBe(true);
    // A thread that spins without ever yielding, and the real worker with a limit it cannot meet.
    const spin = await rejection(checkModelFolderIn(fixture('spinningModelWorker'), DEMO_MODEL, { timeoutMs: 500 }));
    expect(spin.message).toBe('model model: building the model did not finish within 0.5 s (the check was stopped; tfjs can spin forever on a malformed model.json): the model folder is not usable');
    expect((await rejection(checkModelFolder(DEMO_MODEL, { timeoutMs: 1 }))).stage).toBe('timeout');
  });

  it('a worker that never starts, a cancelled check, and bad options', async () => {
    const silent = await rejection(checkModelFolderIn(fixture('spinningModelWorker', true), DEMO_MODEL, { startTimeoutMs: 3000 }));
    expect(silent.stage).toBe('worker');
    expect(silent.message).toBe('model model: the model check could not start within 3 s (its worker thread did not answer)');
    // Cancelled while the worker spins on the request (right after it said it was ready), and before it started.
    const controller = new AbortController();
    const worker = fixture('spinningModelWorker');
    worker.once('message', () => setImmediate(() => controller.abort()));
    const aborted = await rejection(checkModelFolderIn(worker, DEMO_MODEL, { signal: controller.signal }));
    expect(aborted).toMatchObject({ stage: 'aborted', name: 'AbortError', message: 'model model: the model check was cancelled' });
    expect(await rejection(checkModelFolder(DEMO_MODEL, { signal: AbortSignal.abort() }))).toMatchObject({ stage: 'aborted' });
    await expect(checkModelFolder(DEMO_MODEL, { timeoutMs: 0 })).rejects.toThrow('checkModelFolder: timeoutMs must be a number of milliseconds in (0, 2147483647], got 0');
    await expect(checkModelFolder(DEMO_MODEL, { startTimeoutMs: Number.NaN })).rejects.toThrow('checkModelFolder: startTimeoutMs must be a number of milliseconds in (0, 2147483647], got NaN');
  });
});
