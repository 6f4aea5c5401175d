/**
 * The fixed cases: every reproduction of issue 11's items 1, 2, 7 and 8 that a target can
 * express, run before the random cases of their target and listed by name in the output. Each
 * says how it must end (and, for the bombs, how little memory it may take).
 */
import { gzipSync } from 'fflate';
import { encodeFrame, utf8Encode } from '../../shared/api/binaryCodec';
import { PART_MAGIC, splitFrame } from '../../shared/api/frameParts';
import type { Corpus } from './corpus';
import type { Json } from './mutateJson';
import { encodeSeedNifti } from './niftiFields';
import type { CaseInput, Outcome, TargetName } from './types';

/** A fixed case and how it must end. */
export interface FixedCase {
  target: TargetName;
  name: string;
  input: CaseInput;
  expect: { outcome: Outcome; message?: RegExp; statsAtMost?: Record<string, number> };
}

const MiB = 2 ** 20;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A NIfTI-1 header (352 bytes) declaring `dims` float32 and no data. */
function header(dims: number[]): Uint8Array {
  return encodeSeedNifti({
    version: 1, littleEndian: true, dims, datatype: 16, values: [], pixdim: [1, 1, 1, 1, 1, 0, 0, 0], sclSlope: 1, sclInter: 0, qformCode: 0, sformCode: 0, quatern: [0, 0, 0, 0, 0, 0],
    srow: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], extensionBytes: 0,
  });
}

let bombBytes: Uint8Array | null = null;
/**
 * The bomb of item 7: a valid multi-member gzip (CRCs and lengths right) of a header claiming
 * 1024³ float32 (4 GiB) and 4 GiB of zeros (256 members of 16 MiB of zeros, ~4 MB in all).
 */
export function niftiBomb(): Uint8Array {
  if (!bombBytes) {
    const zeros = gzipSync(new Uint8Array(16 * MiB), { level: 9, mtime: 0 });
    bombBytes = concat([gzipSync(header([1024, 1024, 1024]), { mtime: 0 }), ...new Array<Uint8Array>(256).fill(zeros)]);
  }
  return bombBytes;
}

/** demo/model as a model case, model.json edited by `edit` and the shard by `editShard`; the sidecar without its pinned hash. */
function demoModel(corpus: Corpus, edit: (json: Json) => void, editShard?: (f: Float32Array) => void, mode: 'memory' | 'folder' = 'memory'): CaseInput {
  const seed = corpus.models[0];
  const json = JSON.parse(seed.modelJson);
  edit(json);
  const shard = seed.shards[0][1].slice();
  editShard?.(new Float32Array(shard.buffer));
  const side = JSON.parse(seed.sidecar!);
  delete side.sha256;
  return { mode, modelJson: new TextEncoder().encode(JSON.stringify(json)), shards: [[seed.shards[0][0], shard]], sidecar: new TextEncoder().encode(JSON.stringify(side)) };
}

const layers = (json: Json): Json[] => json.modelTopology.config.layers;
const infer = (...extra: string[]) => ['--image', 'a.nii.gz', '--model', 'demo/model', '--out', 'out/x', ...extra];
const sweep = (...extra: string[]) => ['--model', 'demo/model', '--case', 'a.nii.gz:b.nii.gz', '--out', 'out/s', ...extra];

/** A part message with a hand-made header (what a hostile page may send). */
function part(header: object, body: Uint8Array): Uint8Array {
  const h = utf8Encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + body.length);
  out.set(PART_MAGIC, 0);
  new DataView(out.buffer).setUint32(4, h.length, true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
}

/** Every fixed case (the bombs are built once per process). */
export function fixedCases(corpus: Corpus): FixedCase[] {
  const small = corpus.nifti.find((s) => s.note.startsWith('v1 LE 8×8×8')) ?? corpus.nifti[0];
  const v2be = corpus.nifti.find((s) => s.note.startsWith('v2 BE')) ?? corpus.nifti[1];
  const frame = encodeFrame({ id: 7, channel: 'compute:done', args: { data: new Float32Array(300).fill(0.5) } });
  const bomb = niftiBomb();
  const memory = { peakRssGrowthMb: 64 };
  return [
    // Item 1: an uncompressed .nii read wrong from a Buffer view (the data started at byte 0 of the whole buffer).
    { target: 'nifti', name: 'nii-from-buffer-view (item 1)', input: { mode: 'read', bytes: corpus.demoNii, viewOffset: 8, maxBytes: 16 * MiB, alsoGzip: true }, expect: { outcome: 'accepted' } },
    { target: 'nifti', name: 'nii2-big-endian-view-odd-offset (item 1)', input: { mode: 'read', bytes: v2be.nii, viewOffset: 3, maxBytes: 16 * MiB, alsoGzip: true }, expect: { outcome: 'accepted' } },
    { target: 'nifti', name: 'nii-small-seed-all-forms (item 1)', input: { mode: 'read', bytes: small.nii, viewOffset: 1, maxBytes: 16 * MiB, alsoGzip: true }, expect: { outcome: 'accepted' } },
    // Item 7: the 1024³ float32 .nii.gz bomb, refused from its header with the default limit (2 GiB), before inflating.
    { target: 'nifti', name: 'nii-gz-bomb-1024cubed-float32 (item 7)', input: { mode: 'read', bytes: bomb, viewOffset: 0, maxBytes: null, alsoGzip: false, measure: true }, expect: { outcome: 'clean', message: /over the limit/, statsAtMost: memory } },
    { target: 'nifti', name: 'nii-gz-bomb-header-only (item 7)', input: { mode: 'header', bytes: bomb, viewOffset: 0, maxBytes: null, prefix: 65_536, measure: true }, expect: { outcome: 'clean', message: /over the limit/, statsAtMost: memory } },
    {
      target: 'nifti',
      name: 'nii-gz-inflates-past-its-data (item 7)',
      input: { mode: 'read', bytes: concat([gzipSync(small.nii, { mtime: 0 }), gzipSync(new Uint8Array(16 * MiB), { level: 9, mtime: 0 })]), viewOffset: 0, maxBytes: null, alsoGzip: false, measure: true },
      expect: { outcome: 'clean', message: /inflates past/, statsAtMost: memory },
    },
    { target: 'gzip', name: 'gzip-bomb-with-a-limit (item 7)', input: { mode: 'checked', bytes: bomb, maxBytes: MiB, measure: true }, expect: { outcome: 'clean', message: /more than/, statsAtMost: memory } },
    { target: 'gzip', name: 'gzip-truncated', input: { mode: 'checked', bytes: gzipSync(small.nii, { mtime: 0 }).slice(0, -5), maxBytes: 16 * MiB }, expect: { outcome: 'clean', message: /truncated or corrupt/ } },
    { target: 'gzip', name: 'gzip-multi-member', input: { mode: 'checked', bytes: concat([gzipSync(small.nii.subarray(0, 100)), gzipSync(small.nii.subarray(100))]), maxBytes: 16 * MiB }, expect: { outcome: 'accepted' } },
    // Item 2: a malformed model.json must be refused at once, never spin.
    { target: 'model', name: 'model-cycle (item 2)', input: demoModel(corpus, (j) => (layers(j)[1].inbound_nodes = [[['conv5_d1', 0, 0, {}]]])), expect: { outcome: 'clean', message: /cycle/ } },
    { target: 'model', name: 'model-cycle-from-a-folder (item 2)', input: demoModel(corpus, (j) => (layers(j)[2].inbound_nodes = [[['conv4_d2', 0, 0, {}]]]), undefined, 'folder'), expect: { outcome: 'clean', message: /cycle/ } },
    { target: 'model', name: 'model-dangling-inbound-node (item 2)', input: demoModel(corpus, (j) => (layers(j)[3].inbound_nodes = [[['nowhere', 0, 0, {}]]])), expect: { outcome: 'clean', message: /not in the model/ } },
    { target: 'model', name: 'model-node-index-1 (item 2)', input: demoModel(corpus, (j) => (layers(j)[3].inbound_nodes = [[['conv2_d2', 1, 0, {}]]])), expect: { outcome: 'clean', message: /node_index/ } },
    { target: 'model', name: 'model-absurd-filters (item 2)', input: demoModel(corpus, (j) => (layers(j)[2].config.filters = 1e9)), expect: { outcome: 'clean', message: /filters/ } },
    { target: 'model', name: 'model-weight-shape-mismatch (item 2)', input: demoModel(corpus, (j) => (j.weightsManifest[0].weights[2].shape = [3, 3, 3, 6, 7])), expect: { outcome: 'clean' } },
    { target: 'model', name: 'model-short-shard (item 2)', input: { ...demoModel(corpus, () => undefined), shards: [[corpus.models[0].shards[0][0], corpus.models[0].shards[0][1].slice(0, 1000)]] }, expect: { outcome: 'clean', message: /bytes/ } },
    { target: 'model', name: 'model-missing-shard (item 2)', input: demoModel(corpus, (j) => (j.weightsManifest[0].paths = ['gone.bin'])), expect: { outcome: 'clean', message: /missing/ } },
    // Item 8: NaN / Inf weights, and weights that overflow to Infinity in the prediction.
    { target: 'model', name: 'model-nan-weights (item 8)', input: demoModel(corpus, () => undefined, (f) => (f[100] = NaN)), expect: { outcome: 'clean', message: /NaN/ } },
    { target: 'model', name: 'model-inf-weights (item 8)', input: demoModel(corpus, () => undefined, (f) => f.fill(Infinity, 0, 10)), expect: { outcome: 'clean', message: /Infinity/ } },
    { target: 'model', name: 'model-prediction-overflows (item 8)', input: demoModel(corpus, () => undefined, (f) => f.fill(3e38)), expect: { outcome: 'clean', message: /^runInference: window 0/ } },
    { target: 'model', name: 'model-demo-predicts', input: demoModel(corpus, () => undefined), expect: { outcome: 'accepted' } },
    // Item 7: numbers beyond their ranges, and a window count of ~900 000.
    { target: 'cli', name: 'cli-infer-patch-1e9 (item 7)', input: { mode: 'infer', argv: infer('--patch', '1e9'), shape: [91, 109, 91] }, expect: { outcome: 'clean', message: /--patch must be an integer in 1\.\.1024/ } },
    { target: 'cli', name: 'cli-sweep-patch-1e9 (item 7)', input: { mode: 'sweep', argv: sweep('--patch', '1e9'), shape: [91, 109, 91] }, expect: { outcome: 'clean', message: /--patch/ } },
    { target: 'cli', name: 'cli-infer-902629-windows (item 7)', input: { mode: 'infer', argv: infer('--patch', '1', '--overlap', '0'), shape: [91, 109, 91] }, expect: { outcome: 'clean', message: /larger patch/ } },
    { target: 'cli', name: 'cli-sweep-900000-windows (item 7)', input: { mode: 'sweep', argv: sweep('--patch', '2', '--overlap', '0.5'), shape: [181, 217, 181] }, expect: { outcome: 'clean', message: /larger patch/ } },
    { target: 'cli', name: 'cli-infer-overlap-nan (item 7)', input: { mode: 'infer', argv: infer('--overlap', 'NaN'), shape: [91, 109, 91] }, expect: { outcome: 'clean', message: /--overlap/ } },
    { target: 'cli', name: 'cli-sweep-repeats-1e9 (item 7)', input: { mode: 'sweep', argv: sweep('--repeats', '1000000000'), shape: [91, 109, 91] }, expect: { outcome: 'clean', message: /--repeats/ } },
    // Item 7: oversized and fragmented messages.
    { target: 'frames', name: 'parts-announcing-1GiB (item 7)', input: { mode: 'parts', frame, parts: [part({ id: 1, channel: 'compute:done', index: 0, count: 2, total: 2 ** 30 }, new Uint8Array(16))], limit: 64 * MiB, intact: false }, expect: { outcome: 'clean', message: /^allowance: / } },
    {
      target: 'frames',
      name: 'parts-overflowing-their-total (item 7)',
      input: { mode: 'parts', frame, parts: [part({ id: 1, channel: 'compute:done', index: 0, count: 2, total: 20 }, new Uint8Array(16)), part({ id: 1, channel: 'compute:done', index: 1, count: 2, total: 20 }, new Uint8Array(16))], limit: 64 * MiB, intact: false },
      expect: { outcome: 'clean', message: /^parts: .*more than/ },
    },
    { target: 'frames', name: 'parts-intact', input: { mode: 'parts', frame, parts: splitFrame(frame, 7, 'compute:done', 256), limit: frame.length, intact: true }, expect: { outcome: 'accepted' } },
    { target: 'frames', name: 'frame-truncated', input: { mode: 'frame', bytes: frame.slice(0, frame.length - 3), intact: false }, expect: { outcome: 'clean', message: /^decodeFrame: truncated/ } },
    { target: 'frames', name: 'args-run-start-patch-1e9 (item 7)', input: { mode: 'argsExplicit', channel: 'run:start', args: { settings: { patchSize: [1e9, 1, 1], overlap: 0, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy' } } }, expect: { outcome: 'clean', message: /^run:start: settings\.patchSize\[0\]/ } },
    { target: 'frames', name: 'socket-fragmented-and-oversized-messages (item 7)', input: { mode: 'hub', maxMessage: MiB }, expect: { outcome: 'clean', message: /closed 1009.*closed 1009.*closed 1009/ } },
  ];
}
