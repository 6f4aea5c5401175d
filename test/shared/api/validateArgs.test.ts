import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type RequestChannel } from '../../../shared/api/contract';
import { ArgsError, isRequestChannel, validateArgs } from '../../../shared/api/validateArgs';

const settings = { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };
const I4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
const vol = (data: ArrayLike<number>, shape: number[]) => ({ data, shape, spacing: [1, 1, 1], affine: I4 });
const pmap = (accShape: number[], count = 4) => ({ shape: [2, 2, 2], count, measure: 'crossEntropy', accumulator: { shape: accShape, sum: new Float64Array(accShape.reduce((a, b) => a * b, 1)), count } });
/** A small, consistent page compute result (image 2×3×4, 2 classes, 2×2×2 patches). */
function taskResult(): Record<string, unknown> {
  return {
    labels: vol(new Uint8Array(24), [2, 3, 4]),
    probabilities: vol(new Float32Array(48), [2, 3, 4, 2]),
    coverage: { count: vol(new Float32Array(24), [2, 3, 4]), weight: vol(new Float32Array(24), [2, 3, 4]) },
    patchPerformance: pmap([2, 2, 2]),
    consistency: { ...pmap([2, 2, 2, 2]), measure: 'consistency' },
    dice: { mode: 'classes', perClass: [{ label: 1, name: 'brain', dice: 0.9, predicted: 10, reference: 12 }], mean: 0.9 },
    domainDice: null,
    windows: 4,
    timing: { totalMs: 10, preprocessMs: 1, modelMs: 7, stitchMs: 1, postprocessMs: 1 },
    backend: { name: 'webgl', reason: 'probe', renderer: 'ANGLE (NVIDIA)', software: false },
    grid: { shape: [2, 3, 4], domain: { start: [0, 0, 0], size: [2, 3, 4] }, steps: ['reoriented'] },
    options: { patchSize: [2, 2, 2], overlap: 0.5 },
    classes: [{ name: 'background', color: [0, 0, 0] }, { name: 'brain', color: [255, 0, 0] }],
    warnings: [],
  };
}
const task = { agentId: 'a1', taskId: 't1' };
const request = { patchSizes: [24], overlaps: [0, 0.5], blends: ['constant'], placements: ['stride'], repeats: 1, cases: 'current' };

/** Per channel: arguments that pass, and bad ones with the message they must fail with. */
const TABLE: Record<RequestChannel, { good: unknown[]; bad: [unknown, string][] }> = {
  'app:info': { good: [{}, undefined], bad: [[{ x: 1 }, 'app:info: unknown argument x'], [[], 'app:info: args must be an object, got []']] },
  'session:get': { good: [{}], bad: [[null, 'session:get: args must be an object, got null']] },
  'session:openDemo': { good: [{}], bad: [[{ path: '/etc/passwd' }, 'session:openDemo: unknown argument path']] },
  'upload:begin': {
    good: [{ files: [{ name: 'a.nii', size: 4 }] }, { files: [{ name: 'model5/model.json', size: 10 }, { name: 'model5/w.bin', size: 0 }] }],
    bad: [
      [{ files: [] }, 'upload:begin: files must be an array of 1 to 20000 entries'],
      [{ files: [{ name: '../evil.nii', size: 1 }] }, "upload:begin: files[0].name (segment 1) must be a plain file name (no '/'"],
      [{ files: [{ name: '/etc/passwd', size: 1 }] }, "upload:begin: files[0].name (segment 1) must be a plain file name"],
      [{ files: [{ name: 'a.nii', size: -1 }] }, 'upload:begin: files[0].size must be an integer in [0, 1099511627776], got -1'],
      [{ files: [{ name: 'a.nii', size: 1 }, { name: 'a.nii', size: 2 }] }, 'upload:begin: files[1].name repeats "a.nii"'],
    ],
  },
  'upload:chunk': {
    good: [{ uploadId: 'u1', file: 0, offset: 0, bytes: new Uint8Array(8) }],
    bad: [
      [{ uploadId: 'u1', file: 0, offset: 0, bytes: [1, 2] }, 'upload:chunk: bytes must be a Uint8Array, got [1, 2]'],
      [{ uploadId: 'u1', file: 0, offset: 0, bytes: new Uint8Array(8 * 1024 * 1024 + 1) }, 'upload:chunk: bytes must be at most 8388608 bytes (one chunk), got 8388609'],
      [{ uploadId: '../u', file: 0, offset: 0, bytes: new Uint8Array(1) }, 'upload:chunk: uploadId must be an id'],
      [{ uploadId: 'u1', file: 0, offset: 0.5, bytes: new Uint8Array(1) }, 'upload:chunk: offset must be an integer'],
    ],
  },
  'upload:cancel': { good: [{ uploadId: 'u1' }], bad: [[{}, 'upload:cancel: uploadId is required']] },
  'file:open': {
    good: [
      { kind: 'image', source: { from: 'dialog' } },
      { kind: 'label', source: { from: 'recent', path: '/data/a.nii.gz' } },
      { kind: 'model', source: { from: 'drop', path: '/models/m' } },
      { kind: 'image', source: { from: 'upload', uploadId: 'u2026-12-06T21-37-50-123Z-abcd' } },
      { kind: 'image', source: { from: 'choice', choice: 'c0123456789abcdef' }, series: '1.2.840.113619.2.1' },
    ],
    bad: [
      [{ kind: 'mesh', source: { from: 'dialog' } }, 'file:open: kind must be one of image, label, model, got "mesh"'],
      [{ kind: 'image', source: { from: 'url', path: 'http://x' } }, 'file:open: source.from must be one of dialog, recent, drop, upload, choice, got "url"'],
      [{ kind: 'label', source: { from: 'choice', choice: 'c1' } }, 'file:open: a choice source is a listed DICOM folder: it opens only as an image, not as a label'],
      [{ kind: 'image', source: { from: 'choice', choice: '../c1' } }, 'file:open: source.choice must be an id'],
      [{ kind: 'image', source: { from: 'choice' } }, 'file:open: source.choice is required'],
      [{ kind: 'image', source: { from: 'choice', choice: 'c1', path: '/x' } }, 'file:open: unknown argument source.path'],
      [{ kind: 'image', source: { from: 'drop' } }, 'file:open: source.path is required'],
      [{ kind: 'image', source: { from: 'drop', path: '' } }, 'file:open: source.path must be a non-empty path'],
      [{ kind: 'image', source: { from: 'dialog', path: '/x' } }, 'file:open: unknown argument source.path'],
      [{ kind: 'image', source: { from: 'upload', files: [{ name: 'a.nii', bytes: new Uint8Array(1) }] } }, 'file:open: unknown argument source.files'],
      [{ kind: 'image', source: { from: 'upload', uploadId: '../x' } }, 'file:open: source.uploadId must be an id'],
      [{ kind: 'image' }, 'file:open: source is required'],
    ],
  },
  'file:dicomSeries': {
    good: [{ source: { from: 'dialog' } }, { source: { from: 'upload', uploadId: 'u1' } }, { source: { from: 'drop', path: '/scans/study' } }, { source: { from: 'recent', path: '/scans/study' } }],
    bad: [
      [{ source: { from: 'choice', choice: 'c1' } }, 'file:dicomSeries: source.from must be a folder to list (dialog, recent, drop, upload), got "choice"'],
      [{ source: { from: 'upload' } }, 'file:dicomSeries: source.uploadId is required'],
      [{ source: { from: 'drop', path: 'a\0b' } }, 'file:dicomSeries: source.path must be a non-empty path'],
      [{ source: { from: 'dialog' }, series: '1' }, 'file:dicomSeries: unknown argument series'],
      [{}, 'file:dicomSeries: source is required'],
    ],
  },
  'file:dicomPreview': {
    good: [{ choice: 'c0123456789abcdef', series: '1.2.840.113619.2.1' }, { choice: 'c1', series: '5' }],
    bad: [
      [{ series: '5' }, 'file:dicomPreview: choice is required'],
      [{ choice: 'c1' }, 'file:dicomPreview: series is required'],
      [{ choice: '../c1', series: '5' }, 'file:dicomPreview: choice must be an id'],
      [{ choice: 'c1', series: '' }, 'file:dicomPreview: series must be a non-empty string of at most 64 characters, got ""'],
      [{ choice: 'c1', series: 5 }, 'file:dicomPreview: series must be a non-empty string of at most 64 characters, got 5'],
      [{ choice: 'c1', series: '1'.repeat(65) }, 'file:dicomPreview: series must be a non-empty string of at most 64 characters'],
      [{ choice: 'c1', series: '5', frame: 0 }, 'file:dicomPreview: unknown argument frame'],
    ],
  },
  'file:dicomDiscard': {
    good: [{ choice: 'c0123456789abcdef' }],
    bad: [
      [{}, 'file:dicomDiscard: choice is required'],
      [{ choice: 'a/b' }, 'file:dicomDiscard: choice must be an id'],
      [{ choice: 7 }, 'file:dicomDiscard: choice must be an id'],
      [{ choice: 'c1', uploadId: 'u1' }, 'file:dicomDiscard: unknown argument uploadId'],
    ],
  },
  'file:close': { good: [{ kind: 'label' }, { kind: 'model' }], bad: [[{ kind: 'image' }, 'file:close: kind must be one of label, model, got "image"']] },
  'volume:get': { good: [{ kind: 'image' }], bad: [[{ kind: 'model' }, 'volume:get: kind must be one of image, label, got "model"']] },
  'model:trainingMap': { good: [{}], bad: [[{ model: 'x' }, 'model:trainingMap: unknown argument model']] },
  'run:start': {
    good: [{ settings }, { settings: { ...settings, patchSize: [32], overlap: 0, blend: 'crop', placement: 'spread', measure: 'crossEntropy' } }],
    bad: [
      [{ settings: { ...settings, overlap: 1.2 } }, 'run:start: settings.overlap must be in [0, 0.9], got 1.2'],
      [{ settings: { ...settings, overlap: -0.1 } }, 'run:start: settings.overlap must be in [0, 0.9], got -0.1'],
      [{ settings: { ...settings, patchSize: [24, 0, 24] } }, 'run:start: settings.patchSize[1] must be an integer in [1, 1024], got 0'],
      [{ settings: { ...settings, patchSize: 24 } }, 'run:start: settings.patchSize must be an array of 1 to 3 positive integers, got 24'],
      [{ settings: { ...settings, blend: 'median' } }, 'run:start: settings.blend must be one of constant, gaussian, gaussian-nnunet, hann, crop, got "median"'],
      [{ settings: { ...settings, placement: 'random' } }, 'run:start: settings.placement must be one of stride, spread, got "random"'],
      [{ settings: { ...settings, measure: 'l2' } }, 'run:start: settings.measure must be one of crossEntropy, absoluteError, diceError, got "l2"'],
      [{ settings: { ...settings, extra: 1 } }, 'run:start: unknown argument settings.extra'],
      [{}, 'run:start: settings is required'],
    ],
  },
  'run:layer': {
    good: [{ runId: 'r1', layer: 'labels' }],
    bad: [
      [{ runId: 'r1', layer: 'weights' }, 'run:layer: layer must be one of labels, probability, coverage, tiledPerformance, tiledConsistency, gridOutline, got "weights"'],
      [{ runId: '../r1', layer: 'labels' }, 'run:layer: runId must be an id of letters'],
    ],
  },
  'run:maps': { good: [{ runId: 'r2' }], bad: [[{ runId: 7 }, 'run:maps: runId must be an id of letters, digits'], [{ runId: '..' }, 'run:maps: runId must be an id']] },
  'run:inspect': {
    good: [{ runId: 'r1', voxel: [1, 2, 3] }],
    bad: [
      [{ runId: 'r1', voxel: [1, 2] }, 'run:inspect: voxel must be an array of 3 non-negative integers [k, j, i], got [1, 2]'],
      [{ runId: 'r1', voxel: [1, -2, 3] }, 'run:inspect: voxel[1] must be an integer in [0, 1048576], got -2'],
      [{ runId: 'r1', voxel: [1, 2.5, 3] }, 'run:inspect: voxel[1] must be an integer'],
    ],
  },
  'run:delete': { good: [{ runId: 'r1' }], bad: [[{ runId: 'a/b' }, 'run:delete: runId must be an id']] },
  'sweep:start': {
    good: [{ request }, { request: { ...request, cases: 'demo', blends: ['performance-weighted', 'gaussian'], placements: ['stride', 'spread'], repeats: 5 } }],
    bad: [
      [{ request: { ...request, repeats: 6 } }, 'sweep:start: request.repeats must be an integer in [1, 5], got 6'],
      [{ request: { ...request, overlaps: [0, 1] } }, 'sweep:start: request.overlaps[1] must be in [0, 0.9], got 1'],
      [{ request: { ...request, overlaps: [0.5, 0.5] } }, 'sweep:start: request.overlaps[1] repeats 0.5'],
      [{ request: { ...request, patchSizes: [] } }, 'sweep:start: request.patchSizes must be an array of 1 to 16 entries, got []'],
      [{ request: { ...request, blends: ['nearest'] } }, 'sweep:start: request.blends[0] must be one of constant, gaussian, gaussian-nnunet, hann, crop, performance-weighted, got "nearest"'],
      [{ request: { ...request, cases: 'all' } }, 'sweep:start: request.cases must be one of current, demo, got "all"'],
    ],
  },
  'sweep:plan': { good: [{ cases: 'demo' }, { cases: 'current' }], bad: [[{ cases: 'all' }, 'sweep:plan: cases must be one of current, demo, got "all"']] },
  'sweep:openCase': { good: [{ sweepId: 's1', caseId: 'ch2-2mm' }], bad: [[{ sweepId: 's1', caseId: '../x' }, 'sweep:openCase: caseId must be an id']] },
  'sweep:summary': { good: [{ sweepId: 's1' }], bad: [[{}, 'sweep:summary: sweepId is required']] },
  'sweep:map': {
    good: [{ sweepId: 's1', calibrationId: 'p24-o0.5-stride-constant-tta0' }],
    bad: [[{ sweepId: 's1', calibrationId: 'maps/../../x' }, 'sweep:map: calibrationId must be an id']],
  },
  'job:cancel': { good: [{ jobId: 'j3' }], bad: [[{ jobId: '' }, 'job:cancel: jobId must be an id']] },
  'report:export': { good: [{ sweepId: 's1' }], bad: [[{ sweepId: 's1', path: '/tmp/x.pdf' }, 'report:export: unknown argument path']] },
  'seg:plan': {
    good: [{ what: 'reference' }, { what: 'run', runId: 'r1' }],
    bad: [
      [{ what: 'run' }, 'seg:plan: runId is required with what "run"'],
      [{ what: 'reference', runId: 'r1' }, 'seg:plan: runId is only for what "run" (the reference labels are the session\'s)'],
      [{ what: 'prediction' }, 'seg:plan: what must be one of reference, run, got "prediction"'],
    ],
  },
  'seg:export': {
    good: [{ what: 'reference' }, { what: 'run', runId: 'r1', replace: true }],
    bad: [
      [{ what: 'run', runId: '../r1' }, "seg:export: runId must be an id of letters, digits, '.', '_' and '-' (at most 128), got \"../r1\""],
      [{ what: 'reference', path: '/tmp/x.dcm' }, 'seg:export: unknown argument path'],
      [{ what: 'reference', replace: 'yes' }, 'seg:export: replace must be true or false, got "yes"'],
    ],
  },
  'compute:attach': {
    good: [
      { offer: { probes: [{ name: 'webgl', ms: 3.5, renderer: 'ANGLE', software: false }, { name: 'wasm', ms: 20 }, { name: 'cpu', error: 'slow' }], choice: 'webgl', host: 'ui-page' } },
      { offer: { probes: [], choice: 'wasm', host: 'compute-window' } },
    ],
    bad: [
      [{ offer: { probes: [], choice: 'webgl', host: 'iframe' } }, 'compute:attach: offer.host must be one of ui-page, compute-window, got "iframe"'],
      [{ offer: { probes: [{ name: 'webgl', ms: -1 }], choice: 'webgl', host: 'ui-page' } }, 'compute:attach: offer.probes[0].ms must be a finite number in [0, ∞], got -1'],
      [{ offer: { probes: [{ name: 'webgl', gpu: 'x' }], choice: 'webgl', host: 'ui-page' } }, 'compute:attach: unknown argument offer.probes[0].gpu'],
      [{ offer: { probes: [], choice: '', host: 'ui-page' } }, 'compute:attach: offer.choice must be a non-empty string'],
      [{}, 'compute:attach: offer is required'],
    ],
  },
  'compute:input': {
    good: [task],
    bad: [
      [{ agentId: 'a1' }, 'compute:input: taskId is required'],
      [{ agentId: '../a1', taskId: 't1' }, 'compute:input: agentId must be an id'],
    ],
  },
  'compute:progress': {
    good: [{ ...task, progress: { fraction: 0.5, phase: 'model', etaMs: null, message: 'model: 4/8 windows' } }],
    bad: [
      [{ ...task, progress: { fraction: 1.5, phase: 'model', etaMs: null, message: '' } }, 'compute:progress: progress.fraction must be a finite number in [0, 1], got 1.5'],
      [{ ...task, progress: { fraction: 0.5, phase: 'model', message: '' } }, 'compute:progress: progress.etaMs is required'],
    ],
  },
  'compute:done': {
    good: [{ ...task, result: taskResult() }, { ...task, result: { ...taskResult(), patchPerformance: null, consistency: null, dice: { mode: 'foreground', perClass: [], mean: null } } }],
    bad: [
      [{ ...task, result: { ...taskResult(), labels: vol(new Float32Array(24), [2, 3, 4]) } }, 'compute:done: result.labels.data must be a Uint8Array, got [object Float32Array]'],
      [{ ...task, result: { ...taskResult(), labels: vol(new Uint8Array(23), [2, 3, 4]) } }, 'compute:done: result.labels.data must have 24 values (the product of its shape), got 23'],
      [{ ...task, result: { ...taskResult(), probabilities: vol(new Float32Array(48), [3, 2, 4, 2]) } }, 'compute:done: result.probabilities.shape must start with the labels\' shape [2, 3, 4], got [3, 2, 4, 2]'],
      [{ ...task, result: { ...taskResult(), coverage: { count: vol(new Float32Array(24), [2, 3, 4]), weight: vol(new Float64Array(24), [2, 3, 4]) } } }, 'compute:done: result.coverage.weight.data must be a Float32Array'],
      [{ ...task, result: { ...taskResult(), patchPerformance: pmap([2, 2, 3]) } }, 'compute:done: result.patchPerformance.accumulator.shape must be the map\'s shape [2, 2, 2] or it with a trailing 2, got [2, 2, 3]'],
      [{ ...task, result: { ...taskResult(), patchPerformance: { ...pmap([2, 2, 2]), count: 5 } } }, 'compute:done: result.patchPerformance.accumulator.count must equal result.patchPerformance.count (5), got 4'],
      [{ ...task, result: { ...taskResult(), consistency: { ...pmap([2, 2, 2, 2]), accumulator: { shape: [2, 2, 2, 2], sum: new Float32Array(16), count: 4 } } } }, 'compute:done: result.consistency.accumulator.sum must be a Float64Array'],
      [{ ...task, result: { ...taskResult(), grid: { shape: [2, 3, 4], domain: { start: [1, 0, 0], size: [2, 3, 4] }, steps: [] } } }, 'compute:done: result.grid.domain (start [1, 0, 0], size [2, 3, 4]) must lie inside result.grid.shape [2, 3, 4]'],
      [{ ...task, result: { ...taskResult(), windows: 0 } }, 'compute:done: result.windows must be an integer in [1, 16777216], got 0'],
      [{ ...task, result: { ...taskResult(), extra: 1 } }, 'compute:done: unknown argument result.extra'],
      [{ ...task, result: { ...taskResult(), backend: { name: 'webgl', reason: '', renderer: null } } }, 'compute:done: result.backend.software is required'],
    ],
  },
  'compute:failed': {
    good: [{ ...task, error: { code: 'cancelled', message: 'cancelled' } }, { ...task, error: { code: 'internal', message: 'WebGL context lost' } }],
    bad: [[{ ...task, error: { code: 'oops', message: 'x' } }, 'compute:failed: error.code must be one of bad-request, not-found, bad-input, precondition, unsupported, forbidden, conflict, cancelled, internal, got "oops"']],
  },
  'annotation:open': {
    good: [{ start: 'saved' }, { start: 'reference', runId: 'r1' }, { start: 'prediction', runId: 'r1' }, { start: 'empty' }, { start: 'recovered' }],
    bad: [
      [{ start: 'disk' }, 'annotation:open: start must be one of saved, reference, prediction, empty, recovered, got "disk"'],
      [{ start: 'prediction' }, "annotation:open: runId is required with start 'prediction'"],
      [{ start: 'saved', runId: '../r' }, 'annotation:open: runId must be an id'],
      [{ start: 'saved', path: '/tmp/x' }, 'annotation:open: unknown argument path'],
    ],
  },
  'annotation:edit': {
    good: [
      { diff: { indices: Uint32Array.of(3, 7), before: 0, after: 1 }, step: 'Brush 5 mm, label 1' },
      { diff: { indices: Uint32Array.of(3, 7), before: Uint16Array.of(300, 2), after: Uint8Array.of(0, 0) }, step: 'Undo', imageKey: '0123456789abcdef' },
    ],
    bad: [
      [{ diff: { indices: [3, 7], before: 0, after: 1 }, step: 's' }, 'annotation:edit: diff.indices must be a Uint32Array of flat voxel indices, got [3, 7]'],
      [{ diff: { indices: new Uint32Array(0), before: 0, after: 1 }, step: 's' }, 'annotation:edit: diff.indices must name at least one voxel'],
      [{ diff: { indices: Uint32Array.of(3, 7), before: Uint8Array.of(0), after: 1 }, step: 's' }, 'annotation:edit: diff.before must hold one value per index (2), got 1'],
      [{ diff: { indices: Uint32Array.of(3), before: 0, after: 70000 }, step: 's' }, 'annotation:edit: diff.after must be an integer in [0, 65535], got 70000'],
      [{ diff: { indices: Uint32Array.of(3), before: new Float32Array(1), after: 1 }, step: 's' }, 'annotation:edit: diff.before must be a label value in [0, 65535] or a Uint8Array / Uint16Array'],
      [{ diff: { indices: Uint32Array.of(3), before: 0, after: 1 }, step: '' }, 'annotation:edit: step must be a non-empty string'],
      [{ diff: { indices: Uint32Array.of(3), before: 0, after: 1 }, step: 's', imageKey: '../x' }, 'annotation:edit: imageKey must be 16 lowercase hex digits, got "../x"'],
    ],
  },
  'annotation:table': {
    good: [{ table: { datatype: 'uint8', labels: [{ value: 0, name: 'background', colour: [0, 0, 0], locked: false, visible: true }, { value: 1, name: 'brain', colour: [128, 174, 128], locked: true, visible: false }] } }],
    bad: [
      [{ table: { datatype: 'int8', labels: [] } }, 'annotation:table: table.datatype must be one of uint8, uint16, got "int8"'],
      [{ table: { datatype: 'uint8', labels: [{ value: 1, name: 'a', colour: [0, 0, 300], locked: false, visible: true }] } }, 'annotation:table: table.labels[0].colour[2] must be an integer in [0, 255], got 300'],
      [{ table: { datatype: 'uint8', labels: [{ value: 300, name: 'a', colour: [0, 0, 0], locked: false, visible: true }] } }, 'annotation:table: table: LabelTable'],
      [{ table: { datatype: 'uint8', labels: [{ value: 1, name: 'a', colour: [0, 0, 0], locked: false }] } }, 'annotation:table: table.labels[0].visible is required'],
    ],
  },
  'annotation:findings': {
    good: [{ findings: { format: 'patchlens.findings', version: 1, image: { name: 'a.nii', shape: [2, 3, 4] }, findings: [] } }],
    bad: [
      [{ findings: { format: 'patchlens.findings', version: 2, image: { name: 'a.nii', shape: [2, 3, 4] }, findings: [] } }, 'annotation:findings: findings: validateFindings: version 2 is not supported'],
      [{ findings: [] }, 'annotation:findings: findings: validateFindings:'],
    ],
  },
  'annotation:save': {
    good: [{}, undefined, { resolution: 'overwrite' }, { resolution: 'keep-theirs' }, { resolution: 'save-as' }],
    bad: [
      [{ resolution: 'saveAs' }, 'annotation:save: resolution must be one of overwrite, keep-theirs, save-as, got "saveAs"'],
      [{ resolution: 'merge' }, 'annotation:save: resolution must be one of overwrite, keep-theirs, save-as, got "merge"'],
      [{ path: '/tmp/x.nii.gz' }, 'annotation:save: unknown argument path'],
    ],
  },
  'annotation:discardRecovery': { good: [{}, undefined], bad: [[{ imageKey: '0123456789abcdef' }, 'annotation:discardRecovery: unknown argument imageKey']] },
  'annotation:reevaluate': { good: [{ runId: 'r1' }], bad: [[{}, 'annotation:reevaluate: runId is required'], [{ runId: 'a/b' }, 'annotation:reevaluate: runId must be an id']] },
};

describe('validateArgs', () => {
  it('has a table entry for every channel of the contract', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  for (const channel of REQUEST_CHANNELS) {
    it(`${channel}: accepts good arguments and names what is wrong in bad ones`, () => {
      for (const args of TABLE[channel].good) expect(() => validateArgs(channel, args)).not.toThrow();
      for (const [args, message] of TABLE[channel].bad) {
        let error: unknown;
        try {
          validateArgs(channel, args);
        } catch (e) {
          error = e;
        }
        // The arguments are printed only when the check fails (an 8 MiB chunk takes seconds to stringify).
        expect(error, error instanceof ArgsError ? channel : `${channel} ${JSON.stringify(args)}`).toBeInstanceOf(ArgsError);
        expect((error as Error).message.startsWith(message), `${(error as Error).message} should start with ${message}`).toBe(true);
      }
    });
  }

  it('returns fresh objects with exactly the contract keys and keeps upload bytes', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const out = validateArgs('upload:chunk', { uploadId: 'u1', file: 0, offset: 0, bytes });
    expect(out).toEqual({ uploadId: 'u1', file: 0, offset: 0, bytes });
    expect(out.bytes).toBe(bytes);
    const s = validateArgs('run:start', { settings });
    expect(s.settings).toEqual(settings);
    expect(s.settings).not.toBe(settings);
  });

  it('compute:done keeps the typed arrays and answers a fresh result', () => {
    const r = taskResult();
    const out = validateArgs('compute:done', { ...task, result: r });
    expect(out.result).not.toBe(r);
    expect(out.result.labels.data).toBe((r.labels as { data: unknown }).data);
    expect(out.result.patchPerformance?.accumulator.sum).toBe((r.patchPerformance as { accumulator: { sum: unknown } }).accumulator.sum);
    expect(out.result.options).toEqual(r.options);
  });

  it('refuses unknown channels', () => {
    expect(isRequestChannel('run:start')).toBe(true);
    expect(isRequestChannel('fs:readFile')).toBe(false);
    expect(() => validateArgs('fs:readFile', {})).toThrow(new ArgsError('unknown request channel "fs:readFile"'));
  });
});
