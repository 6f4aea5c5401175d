/**
 * A valid argument object for every request channel of the contract (what the page sends), the
 * starting point of the `frames` target's argument mutations.
 */
import type { RequestChannel } from '../../shared/api/contract';

const IDENTITY = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

/** A small volume on a [2, 3, 4] grid (with `classes` a fourth axis). */
function volume(data: Float32Array | Uint8Array, shape: number[]) {
  return { data, shape, spacing: [1, 1, 2], affine: IDENTITY.map((r) => [...r]) };
}

function map() {
  return { shape: [2, 2, 2], count: 3, measure: 'crossEntropy', accumulator: { shape: [2, 2, 2, 2], sum: new Float64Array(16).fill(0.25), count: 3 } };
}

/** A fresh valid argument object for `channel` (undefined for the channels without arguments). */
export function validArgs(channel: RequestChannel): unknown {
  const task = { agentId: 'a1', taskId: 't1' };
  switch (channel) {
    case 'app:info':
    case 'session:get':
    case 'session:openDemo':
    case 'model:trainingMap':
      return undefined;
    case 'upload:begin':
      return { files: [{ name: 'ch2.nii.gz', size: 1000 }, { name: 'model5/model.json', size: 20 }] };
    case 'upload:chunk':
      return { uploadId: 'u1', file: 0, offset: 0, bytes: new Uint8Array(16).fill(7) };
    case 'upload:cancel':
      return { uploadId: 'u1' };
    case 'file:open':
      return { kind: 'image', source: { from: 'upload', uploadId: 'u1' } };
    case 'file:dicomSeries':
      return { source: { from: 'upload', uploadId: 'u1' } };
    case 'file:dicomPreview':
      return { choice: 'c1', series: '1.2.840.113619.2.1' };
    case 'file:dicomDiscard':
      return { choice: 'c1' };
    case 'file:close':
      return { kind: 'label' };
    case 'volume:get':
      return { kind: 'image' };
    case 'run:start':
      return { settings: { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy' } };
    case 'run:layer':
      return { runId: 'r1', layer: 'labels' };
    case 'run:maps':
    case 'run:delete':
      return { runId: 'r1' };
    case 'run:inspect':
      return { runId: 'r1', voxel: [1, 2, 3] };
    case 'sweep:start':
      return { request: { patchSizes: [16, 24], overlaps: [0, 0.5], blends: ['constant', 'gaussian'], placements: ['stride'], repeats: 1, cases: 'current' } };
    case 'sweep:plan':
      return { cases: 'demo' };
    case 'sweep:openCase':
      return { sweepId: 's1', caseId: 'ch2' };
    case 'sweep:summary':
      return { sweepId: 's1' };
    case 'sweep:map':
      return { sweepId: 's1', calibrationId: 'c1' };
    case 'job:cancel':
      return { jobId: 'j1' };
    case 'report:export':
      return { sweepId: 's1', replace: true };
    case 'seg:plan':
      return { what: 'run', runId: 'r1' };
    case 'seg:export':
      return { what: 'reference', replace: true };
    case 'compute:attach':
      return { offer: { probes: [{ name: 'webgl', ms: 3.5, renderer: 'ANGLE', software: false }, { name: 'wasm', error: 'x' }], choice: 'webgl', host: 'ui-page' } };
    case 'compute:input':
      return { ...task };
    case 'compute:progress':
      return { ...task, progress: { fraction: 0.5, phase: 'model', etaMs: 100, message: 'window 3 of 6' } };
    case 'compute:failed':
      return { ...task, error: { code: 'internal', message: 'the GPU went away' } };
    case 'compute:done':
      return {
        ...task,
        result: {
          labels: volume(new Uint8Array(24).fill(1), [2, 3, 4]),
          probabilities: volume(new Float32Array(48).fill(0.5), [2, 3, 4, 2]),
          coverage: { count: volume(new Float32Array(24).fill(1), [2, 3, 4]), weight: volume(new Float32Array(24).fill(1), [2, 3, 4]) },
          patchPerformance: map(),
          consistency: null,
          dice: { mode: 'classes', perClass: [{ label: 1, name: 'brain', dice: 0.9, predicted: 10, reference: 11 }], mean: 0.9 },
          domainDice: null,
          windows: 4,
          timing: { totalMs: 10, preprocessMs: 1, modelMs: 7, stitchMs: 1, postprocessMs: 1 },
          backend: { name: 'webgl', reason: 'probe', renderer: null, software: false },
          grid: { shape: [2, 3, 4], domain: { start: [0, 0, 0], size: [2, 3, 4] }, steps: ['conform'] },
          options: { patchSize: [2, 2, 2] },
          classes: [{ name: 'background', color: [0, 0, 0] }, { name: 'brain', color: [255, 170, 0] }],
          warnings: [],
        },
      };
    case 'annotation:open':
      return { start: 'prediction', runId: 'r1' };
    case 'annotation:edit':
      return { diff: { indices: Uint32Array.of(0, 5, 9), before: 0, after: Uint8Array.of(1, 2, 1) }, step: 'Brush 2 mm, label 1' };
    case 'annotation:table':
      return { table: { datatype: 'uint8', labels: [{ value: 0, name: 'background', colour: [0, 0, 0], locked: false, visible: true }, { value: 1, name: 'brain', colour: [128, 174, 128], locked: true, visible: true }] } };
    case 'annotation:findings':
      return { findings: { format: 'patchlens.findings', version: 1, image: { name: 'ch2.nii.gz', shape: [2, 3, 4] }, findings: [{ id: 'finding-1', shape: { kind: 'point', voxel: [1, 2, 3] }, category: 'other', severity: 1, note: '', author: 'A', time: '2026-01-01T00:00:00Z', patch: null }] } };
    case 'annotation:save':
      return { resolution: 'overwrite' };
    case 'annotation:discardRecovery':
      return {};
    case 'annotation:reevaluate':
      return { runId: 'r1' };
  }
  // Every channel has a case: a new channel without one fails the typecheck here (not the fuzz run).
  const missing: never = channel;
  throw new Error(`argTemplates: no valid arguments for ${String(missing)}`);
}
