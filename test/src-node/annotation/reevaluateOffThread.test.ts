/**
 * reevaluateRunOffThread against reevaluateRun inline: the same result to the last bit on a run
 * of the demo image (the fake border model on demo/data's ch2-2mm, with its brain labels), the
 * same errors (class, code, message), the inline fallback when no worker starts, and an event
 * loop that goes on while the worker re-evaluates a larger run (order of events, no timing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReevaluation, RunSettings } from '../../../shared/api/contract';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { fakeRunFolder, type FakeRunInput } from './runFolderFixture';
import { reevaluateRunOffThread } from '../../../src-node/annotation/reevaluateOffThread';
import { ComputeError, NoPredictionCacheError, reevaluateRun } from '../../../src-node/compute/index';
import { tempFolder, writeCase } from '../../helpers/fakeModel';
import { repoRoot } from '../../helpers/sharedData';

const { dir: tmp, cleanup } = tempFolder('patchlens-reevaluate-worker-');
const demo = join(repoRoot, 'demo', 'data');
const settings: RunSettings = { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };
const runFolder = (id: string, input: FakeRunInput) => fakeRunFolder(tmp, id, input);

let image: NiftiVolume;
let label: NiftiVolume;
let demoRun = '';

/** Every typed array of a re-evaluation with its bytes, so that equal means bit for bit (NaN payloads and −0 included). */
function bitsOf(r: RunReevaluation) {
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  return { before: bytes(r.before.data), after: bytes(r.after.data), difference: bytes(r.difference.data) };
}

/** The demo reference with a block of brain erased and a block of background made brain. */
function editedDemo(): Uint8Array {
  const out = Uint8Array.from(label.data as Uint8Array);
  const [d0, d1, d2] = label.shape;
  for (let i = 30; i < 45; i++) for (let j = 40; j < 60; j++) for (let k = 35; k < 50; k++) out[(i * d1 + j) * d2 + k] = 0;
  for (let i = 2; i < 8; i++) for (let j = 2; j < 9; j++) for (let k = 2; k < 7; k++) out[(i * d1 + j) * d2 + k] = 1;
  expect(out.length).toBe(d0 * d1 * d2);
  return out;
}

beforeAll(async () => {
  image = readNifti(readFileSync(join(demo, 'ch2-2mm_t1.nii.gz')));
  label = readNifti(readFileSync(join(demo, 'ch2-2mm_brain.nii.gz')));
  demoRun = await runFolder('demo', { image, label, settings });
}, 120_000);
afterAll(cleanup);

describe('reevaluateRunOffThread', () => {
  it('gives the inline result number for number on the demo run, unedited and edited', async () => {
    for (const reference of [Uint8Array.from(label.data as Uint8Array), editedDemo()]) {
      const inline = await reevaluateRun(demoRun, reference.slice());
      const worker = await reevaluateRunOffThread(demoRun, reference.slice(), { log: (line) => expect.fail(line) });
      // toStrictEqual compares numbers with Object.is and typed arrays element by element and by type.
      expect(worker).toStrictEqual(inline);
      expect(bitsOf(worker)).toEqual(bitsOf(inline));
      expect(worker.after.data).toBeInstanceOf(Float32Array);
    }
    // The edit is seen: Dice against the edited reference is not the run's.
    const edited = await reevaluateRunOffThread(demoRun, editedDemo());
    expect(edited.dice.mean).not.toBe(edited.diceBefore!.mean);
    expect(edited.errorCounts.falsePositive).toBeGreaterThan(0);
  });

  it('hands the reference over: its buffer is transferred to the worker', async () => {
    const reference = Uint8Array.from(label.data as Uint8Array);
    await reevaluateRunOffThread(demoRun, reference);
    expect(reference.length).toBe(0); // detached
    // A view on part of a larger buffer is copied instead, and stays usable.
    const big = new Uint8Array(label.data.length + 16);
    big.set(label.data as Uint8Array, 16);
    const view = big.subarray(16);
    const r = await reevaluateRunOffThread(demoRun, view);
    expect(view.length).toBe(label.data.length);
    expect(r).toStrictEqual(await reevaluateRun(demoRun, view));
  });

  it("rejects with reevaluateRun's own errors: class, contract code and message", async () => {
    const uncached = await runFolder('uncached', { image, label, settings, predictionCache: false });
    const cases: [string, Uint8Array][] = [
      [uncached, Uint8Array.from(label.data as Uint8Array)],
      [demoRun, new Uint8Array(10)],
      [join(tmp, 'no-such-run'), new Uint8Array(10)],
    ];
    const expected: [typeof ComputeError, string][] = [
      [NoPredictionCacheError, 'precondition'],
      [ComputeError, 'bad-request'],
      [ComputeError, 'not-found'],
    ];
    for (const [k, [dir, reference]] of cases.entries()) {
      const inline = await reevaluateRun(dir, reference.slice()).then(() => expect.fail('inline resolved'), (e: unknown) => e as ComputeError);
      const worker = await reevaluateRunOffThread(dir, reference.slice()).then(() => expect.fail('worker resolved'), (e: unknown) => e as ComputeError);
      expect(worker).toBeInstanceOf(expected[k][0]);
      expect({ name: worker.name, code: worker.code, message: worker.message }).toEqual({ name: inline.name, code: expected[k][1], message: inline.message });
    }
    await expect(reevaluateRunOffThread(demoRun, new Uint8Array(10))).rejects.toThrow(/^reevaluateRun: the reference has 10 voxels but run demo's image \[91,109,91\] has 902629$/);
  });

  it('falls back to the inline re-evaluation when the worker cannot start, and logs why', async () => {
    const lines: string[] = [];
    const missing = pathToFileURL(join(tmp, 'noWorker.ts'));
    const r = await reevaluateRunOffThread(demoRun, Uint8Array.from(label.data as Uint8Array), { log: (line) => lines.push(line), workerUrl: missing });
    expect(r).toStrictEqual(await reevaluateRun(demoRun, Uint8Array.from(label.data as Uint8Array)));
    expect(lines).toEqual([expect.stringMatching(/^reevaluateRun: the re-evaluation worker could not start \(startTsWorker: the worker entry .*noWorker\.ts does not exist .*\); re-evaluating .*demo on the service's thread$/)]);
  });
});

describe('the event loop during a re-evaluation', () => {
  let largeRun = '';
  let reference: Uint8Array;
  beforeAll(async () => {
    const c = writeCase(tmp, 'large', [96, 96, 96], 3);
    const largeLabel = readNifti(readFileSync(c.label!));
    largeRun = await runFolder('large', { image: readNifti(readFileSync(c.image)), label: largeLabel, settings });
    reference = Uint8Array.from(largeLabel.data as Uint8Array);
    for (let i = 0; i < reference.length; i += 7) reference[i] = 1 - reference[i]; // an edit everywhere
  }, 120_000);

  /** Ticks a setImmediate chain while `run` is pending; answers the order of 'started', ticks and 'resolved'. */
  async function order(run: (started: () => void) => Promise<RunReevaluation>): Promise<string[]> {
    const events: string[] = [];
    let pending = true;
    const tick = () => {
      if (!pending) return;
      events.push('tick');
      setImmediate(tick);
    };
    setImmediate(tick);
    await run(() => events.push('started')).then(() => events.push('resolved'));
    pending = false;
    // Only where 'started' and 'resolved' stand: runs of ticks collapse to one entry.
    return events.filter((e, i) => e !== 'tick' || events[i - 1] !== 'tick');
  }

  it('a worker re-evaluation lets callbacks run between its start and its answer; an inline one does not', async () => {
    const inWorker = await order((started) => reevaluateRunOffThread(largeRun, reference.slice(), { onStarted: started }));
    expect(inWorker.slice(-3)).toEqual(['started', 'tick', 'resolved']);
    const inline = await order(async (started) => {
      started();
      return reevaluateRun(largeRun, reference.slice());
    });
    expect(inline).toEqual(['started', 'resolved']); // the loop was held: no callback ran
  });
});
