/**
 * Executor of the `frames` target. Round trips must give back the message (NaN, −0, lone
 * surrogates, `__proto__` and placeholder-like keys, every typed array class, each on its own
 * buffer), also from a pooled Buffer view; a mutated frame must fail with `decodeFrame: …` or
 * decode to a message that re-encodes to itself (and to the original when nothing was changed);
 * parts must reassemble to exactly the frame sent, never past what the allowance agreed to, or
 * fail with `readPart: …` / `parts: …`; validated arguments must keep their contract (typed
 * arrays of their shapes' lengths, finite numbers, re-validating to themselves) or fail with an
 * ArgsError naming the channel.
 */
import { decodeFrame, encodeFrame } from '../../../shared/api/binaryCodec';
import { REQUEST_CHANNELS, UPLOAD_CHUNK_BYTES, type RequestChannel } from '../../../shared/api/contract';
import { isPart, PartAssembler, readPart } from '../../../shared/api/frameParts';
import { validateArgs } from '../../../shared/api/validateArgs';
import { validArgs } from '../argTemplates';
import { hubCase } from './hub';
import { expectedDecoding, randomMessage } from '../frameMessages';
import { rngFrom, type Rng } from '../rng';
import { firstDifference } from '../sameValue';
import type { CaseInput, Verdict } from '../types';
import { accepted, classifyError, garbage } from '../verdict';

const FRAME_CLEAN = /^(decodeFrame|utf8Decode): /;
const PARTS_CLEAN = /^(readPart|parts|allowance): /;

/** Paths of every binary value in a decoded message that is a view into a shared buffer (null: none). */
function sharedBuffer(value: unknown, path = '$'): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value)) return value.byteOffset !== 0 || value.buffer.byteLength !== value.byteLength ? path : null;
  if (value instanceof ArrayBuffer) return null;
  for (const k of Object.keys(value)) {
    const p = sharedBuffer((value as Record<string, unknown>)[k], `${path}.${k}`);
    if (p) return p;
  }
  return null;
}

function roundTrip(input: CaseInput): Verdict {
  const message = randomMessage(rngFrom(input.msgSeed as number));
  let frame: Uint8Array;
  try {
    frame = encodeFrame(message);
  } catch (e) {
    return garbage(`encodeFrame refused a supported message: ${(e as Error).message}`);
  }
  const want = expectedDecoding(message);
  for (const [name, bytes] of [
    ['the frame', frame],
    ['a pooled Buffer of it', Buffer.from(frame)],
    ['a view at an odd offset', (() => {
      const host = new Uint8Array(frame.length + 3);
      host.set(frame, 3);
      return host.subarray(3);
    })()],
  ] as const) {
    let decoded: unknown;
    try {
      decoded = decodeFrame(bytes);
    } catch (e) {
      const v = classifyError(e, FRAME_CLEAN);
      return v.outcome === 'crash' ? v : garbage(`decodeFrame refused ${name} encodeFrame made: ${v.message}`);
    }
    const d = firstDifference(decoded, want);
    if (d) return garbage(`${name} decodes to something else than was encoded (${d})`);
    const shared = sharedBuffer(decoded);
    if (shared) return garbage(`${shared} is a view into a shared buffer after decoding ${name}`);
  }
  return accepted(`${frame.length}-byte frame`);
}

function mutatedFrame(input: CaseInput): Verdict {
  let decoded: unknown;
  try {
    decoded = decodeFrame(input.bytes as Uint8Array);
  } catch (e) {
    return classifyError(e, FRAME_CLEAN);
  }
  if (input.intact) {
    const want = { id: input.id, channel: input.channel, args: expectedDecoding(randomMessage(rngFrom(input.msgSeed as number), input.maxBinary as number)) };
    const d = firstDifference(decoded, want);
    if (d) return garbage(`an unchanged frame decodes to something else (${d})`);
  }
  const shared = sharedBuffer(decoded);
  if (shared) return garbage(`${shared} is a view into a shared buffer`);
  let again: unknown;
  try {
    again = decodeFrame(encodeFrame(decoded));
  } catch (e) {
    return garbage(`a decoded message does not survive another round trip: ${(e as Error).message}`);
  }
  const d = firstDifference(again, decoded);
  if (d) return garbage(`a decoded message changes in another round trip (${d})`);
  return accepted('a frame decoded');
}

function parts(input: CaseInput): Verdict {
  const limit = input.limit as number;
  const frame = input.frame as Uint8Array;
  let asked = 0;
  const assembler = new PartAssembler((channel, total) => {
    asked++;
    return total <= limit ? { ok: true } : { ok: false, why: `allowance: a ${channel} message of ${total} bytes is over the limit of ${limit}` };
  });
  const frames: Uint8Array[] = [];
  for (const [i, part] of (input.parts as Uint8Array[]).entries()) {
    if (!isPart(part)) {
      frames.push(part); // a whole message, not a part: the socket takes it as a frame (within its message limit)
      continue;
    }
    let whole;
    try {
      whole = assembler.accept(part);
    } catch (e) {
      const v = classifyError(e, PARTS_CLEAN);
      if (v.outcome !== 'clean') return { ...v, message: `part ${i}: ${v.message}` };
      if (Boolean((e as { tooBig?: boolean }).tooBig) !== (e as Error).message.startsWith('allowance: ')) return garbage(`part ${i}: tooBig is ${(e as { tooBig?: boolean }).tooBig} on "${(e as Error).message}"`);
      if (input.intact && frame.length <= limit) return garbage(`intact parts were refused: ${v.message}`);
      return v;
    }
    if (whole) {
      const total = readPart(part).header.total;
      if (whole.frame.length !== total) return garbage(`assembled ${whole.frame.length} bytes, the parts announced ${total}`);
      if (whole.frame.length > limit) return garbage(`assembled ${whole.frame.length} bytes, over the allowance of ${limit}`);
      if (asked === 0) return garbage('a frame was assembled from parts without asking the allowance');
      frames.push(whole.frame);
    }
  }
  if (input.intact) {
    if (frame.length > limit) return garbage(`intact parts of a ${frame.length}-byte frame passed an allowance of ${limit}`);
    if (frames.length !== 1 || firstDifference(frames[0], frame)) return garbage(`intact parts reassembled to ${frames.length} frame(s), not the one sent`);
  }
  return accepted(`${frames.length} frame(s) reassembled`);
}

// ---- arguments ----

const ARG_VALUES: ((rng: Rng) => unknown)[] = [
  () => null, () => undefined, () => true, () => 0, () => -0, () => -1, () => 1, () => 1.5, () => NaN, () => Infinity, () => -Infinity, () => 2 ** 31, () => 2 ** 53, () => 1e300,
  () => '', () => 'x', () => 'a\0b', () => '..', () => '.', () => '/etc/passwd', () => 'x'.repeat(5000), () => [], () => [1, 2, 3], () => new Array(300).fill(1), () => ({}),
  () => Object.defineProperty({}, '__proto__', { value: { polluted: true }, enumerable: true, writable: true, configurable: true }), () => new Uint8Array(5), () => new Float32Array(3), () => new Float64Array(16),
  () => new Int32Array(2), () => ({ data: new Float32Array(1), shape: [1] }), (rng) => new Uint8Array(rng.chance(0.1) ? UPLOAD_CHUNK_BYTES + 1 : rng.int(0, 100)),
  (rng) => rng.int(-5, 5000),
];

type Doc = Record<string | number, unknown>;

/** Paths to every value of an argument object (typed arrays are leaves). */
function argPaths(doc: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
    for (const k of Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v)) {
      out.push([...path, k]);
      walk((v as Doc)[k], [...path, k]);
    }
  };
  walk(doc, []);
  return out;
}

/** Sets an own member (defineProperty: a `__proto__` key stays a member instead of setting the prototype). */
function put(o: Doc, key: string | number, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Mutates an argument object (in place when it is one); the mutant. */
function mutateArgs(rng: Rng, args: unknown): unknown {
  if (args === undefined || rng.chance(0.05)) return rng.pick(ARG_VALUES)(rng);
  const paths = argPaths(args);
  if (paths.length === 0) return args;
  const path = rng.pick(paths);
  let parent = args as Doc;
  for (const k of path.slice(0, -1)) parent = parent[k] as Doc;
  const key = path[path.length - 1];
  switch (rng.int(0, 4)) {
    case 0:
      // On an array: an entry removed, or a hole left (structured clone, Electron's IPC, keeps holes).
      if (Array.isArray(parent) && rng.chance(0.5)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 1:
      if (!Array.isArray(parent)) put(parent, `${String(key)}x`, 1);
      else parent.push(parent[key as number]);
      break;
    case 2: {
      const v = parent[key];
      if (ArrayBuffer.isView(v)) put(parent, key, (v as Uint8Array).subarray(0, Math.max(0, (v as Uint8Array).length - 1)));
      else put(parent, key, typeof v === 'number' ? rng.pick([v + 1, v - 1, -v, v * 1e6, v + 0.5]) : rng.pick(ARG_VALUES)(rng));
      break;
    }
    default:
      put(parent, key, rng.pick(ARG_VALUES)(rng));
  }
  return args;
}

/** What breaks the contract in validated arguments (null: nothing). */
function contractBreak(value: unknown, path = '$'): string | null {
  if (typeof value === 'number') return Number.isFinite(value) || (Number.isNaN(value) && /\.mean$/.test(path)) ? null : `${path} is ${value}`;
  // Paths, ids and upload names never hold a NUL (free text may: it is only shown).
  if (typeof value === 'string') return /(\.path|Id|\.files\.\d+\.name)$/.test(path) && value.includes('\0') ? `${path} holds a NUL` : null;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return null;
  const o = value as Doc;
  for (const [dataKey, shapeKey] of [['data', 'shape'], ['sum', 'shape']]) {
    const data = o[dataKey];
    const shape = o[shapeKey];
    if (ArrayBuffer.isView(data) && Array.isArray(shape)) {
      const n = shape.reduce((a: number, b: number) => a * b, 1);
      if ((data as Uint8Array).length !== n) return `${path}.${dataKey} has ${(data as Uint8Array).length} values, its shape [${shape}] needs ${n}`;
    }
  }
  for (const k of Object.keys(o)) {
    const bad = contractBreak(o[k], `${path}.${k}`);
    if (bad) return bad;
  }
  return null;
}

function args(input: CaseInput): Verdict {
  const channel = input.channel as string;
  const rng = rngFrom(input.argsSeed as number);
  const known = (REQUEST_CHANNELS as readonly string[]).includes(channel);
  let a: unknown = known ? validArgs(channel as RequestChannel) : rng.pick(ARG_VALUES)(rng);
  const rounds = rng.pick([0, 1, 1, 2, 3]);
  for (let r = 0; r < rounds; r++) a = mutateArgs(rng, a);
  if (input.viaFrame) {
    try {
      a = (decodeFrame(encodeFrame({ a })) as { a: unknown }).a;
    } catch (e) {
      return classifyError(e, /^encodeFrame: /);
    }
  }
  let checked: unknown;
  try {
    checked = validateArgs(channel, a);
  } catch (e) {
    const clean = new RegExp(`^(${channel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: |unknown request channel )`);
    const v = classifyError(e, clean);
    if (v.outcome === 'clean' && (e as Error).name !== 'ArgsError') return { outcome: 'crash', message: `validateArgs threw a ${(e as Error).name}, not an ArgsError: ${v.message}`, stack: (e as Error).stack };
    if (v.outcome === 'clean' && rounds === 0 && known) return garbage(`validateArgs refused the valid arguments of ${channel}: ${v.message}`);
    return v;
  }
  if (!known) return garbage(`validateArgs accepted unknown channel ${JSON.stringify(channel)}`);
  const broken = contractBreak(checked);
  if (broken) return garbage(`${channel}: validated arguments break the contract: ${broken}`);
  if (channel === 'upload:chunk' && (checked as { bytes: Uint8Array }).bytes.length > UPLOAD_CHUNK_BYTES) return garbage('upload:chunk accepted more than one chunk');
  let again: unknown;
  try {
    again = validateArgs(channel, checked);
  } catch (e) {
    return garbage(`${channel}: validated arguments do not validate again: ${(e as Error).message}`);
  }
  const d = firstDifference(again, checked);
  if (d) return garbage(`${channel}: validating the validated arguments changes them (${d})`);
  return accepted(`${channel} arguments`);
}

/** Runs one case of the frames target. */
export async function execute(input: CaseInput): Promise<Verdict> {
  switch (input.mode) {
    case 'roundtrip':
      return roundTrip(input);
    case 'frame':
      return mutatedFrame(input);
    case 'parts':
      return parts(input);
    case 'hub':
      return hubCase(input.maxMessage as number);
    case 'argsExplicit':
      try {
        validateArgs(input.channel as string, input.args);
        return accepted(`${input.channel as string} arguments`);
      } catch (e) {
        return classifyError(e, new RegExp(`^${input.channel as string}: `));
      }
    default:
      return args(input);
  }
}
