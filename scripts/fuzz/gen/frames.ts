/**
 * Cases of the `frames` target: random messages through encodeFrame / decodeFrame (round trip),
 * mutated encoded frames (flipped bytes, edited header JSON, truncation, extension), requests
 * split into parts (shared/api/frameParts.ts) and then dropped, repeated, swapped, interleaved
 * or edited before the PartAssembler gets them, and mutated argument objects for every channel
 * through validateArgs (built in the worker from the case's seed: they hold typed arrays).
 */
import { encodeFrame, utf8Encode } from '../../../shared/api/binaryCodec';
import { REQUEST_CHANNELS } from '../../../shared/api/contract';
import { splitFrame } from '../../../shared/api/frameParts';
import type { Corpus } from '../corpus';
import { randomMessage } from '../frameMessages';
import { mutateBytes } from '../mutateBytes';
import { rngFrom, type Rng } from '../rng';
import type { CaseInput } from '../types';

/** Rewrites a part's (or frame's) header JSON with one field changed. */
function editHeader(rng: Rng, message: Uint8Array): { bytes: Uint8Array; note: string } {
  if (message.length < 8) return { bytes: message, note: 'too short' };
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const length = view.getUint32(4, true);
  if (8 + length > message.length) return { bytes: message, note: 'no header' };
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(message.subarray(8, 8 + length)));
  } catch {
    return { bytes: message, note: 'header not JSON' };
  }
  const keys = Object.keys(header);
  const key = rng.chance(0.8) ? rng.pick(keys) : rng.pick(['x', 'b', 'v']);
  const was = header[key];
  if (key === 'b' && Array.isArray(was) && was.length > 0) {
    const e = rng.pick(was) as Record<string, unknown>;
    const f = rng.pick(['t', 'o', 'n']);
    e[f] = rng.pick<unknown>([0, -1, 1, 7, 8, 2 ** 32, 1e300, 1.5, null, 'Float32Array', 'Buffer', '__proto__', 'constructor', 'BigInt64Array', (e[f] as number) + 8, (e[f] as number) - 1]);
  } else {
    header[key] = rng.pick<unknown>([0, -1, 1, 2, 2 ** 31, 2 ** 53, 1e300, 1.5, null, '', 'run:start', 'compute:done', 'x'.repeat(100), [], {}, typeof was === 'number' ? was + 1 : 0]);
  }
  const text = utf8Encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + message.length - 8 - length);
  out.set(message.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, rng.chance(0.9) ? text.length : rng.pick([0, text.length + 1, 2 ** 32 - 1]), true);
  out.set(text, 8);
  out.set(message.subarray(8 + length), 8 + text.length);
  return { bytes: out, note: `header ${key} edited` };
}

/** One random case of the frames target. */
export function generateFrames(rng: Rng, _corpus: Corpus): { name: string; input: CaseInput } {
  const mode = rng.pick(['roundtrip', 'frame', 'frame', 'parts', 'args', 'args', 'args']);
  const msgSeed = rng.seed();
  if (mode === 'roundtrip') return { name: 'round trip', input: { mode, msgSeed } };
  if (mode === 'args') {
    const channel = rng.chance(0.97) ? rng.pick(REQUEST_CHANNELS) : rng.pick(['', 'x', '__proto__', 'constructor', 'toString', 'run:start ']);
    return { name: `args of ${channel}`, input: { mode, channel, argsSeed: msgSeed, viaFrame: rng.chance(0.5) } };
  }
  const maxBinary = mode === 'parts' ? 4096 : 256;
  const head = { id: rng.int(0, 1000), channel: rng.pick(['run:start', 'compute:done', 'upload:chunk']) };
  const frame = encodeFrame({ ...head, args: randomMessage(rngFrom(msgSeed), maxBinary) });
  if (mode === 'frame') {
    let bytes = frame;
    const notes: string[] = [];
    const rounds = rng.pick([0, 1, 1, 2, 3]);
    for (let r = 0; r < rounds; r++) {
      const m = rng.chance(0.5) ? editHeader(rng, bytes) : mutateBytes(rng, bytes, 2 ** 20);
      bytes = m.bytes;
      notes.push(m.note);
    }
    return { name: notes.join('; ') || 'unchanged', input: { mode, msgSeed, maxBinary, ...head, bytes, intact: rounds === 0 } };
  }
  const partBytes = Math.max(rng.pick([8, 64, 100, 1000, 4096]), Math.ceil(frame.length / 200));
  const id = rng.int(0, 1000);
  const parts = splitFrame(frame, id, 'compute:done', partBytes);
  const notes: string[] = [`${parts.length} part(s) of ${partBytes}`];
  const rounds = rng.pick([0, 0, 1, 1, 2]);
  for (let r = 0; r < rounds && parts.length > 0; r++) {
    const i = rng.int(0, parts.length - 1);
    switch (rng.int(0, 5)) {
      case 0:
        parts.splice(i, 1);
        notes.push(`part ${i} dropped`);
        break;
      case 1:
        parts.splice(i, 0, parts[i]);
        notes.push(`part ${i} sent twice`);
        break;
      case 2: {
        const j = rng.int(0, parts.length - 1);
        [parts[i], parts[j]] = [parts[j], parts[i]];
        notes.push(`parts ${i} and ${j} swapped`);
        break;
      }
      case 3: {
        const m = editHeader(rng, parts[i]);
        parts[i] = m.bytes;
        notes.push(`part ${i}: ${m.note}`);
        break;
      }
      case 4: {
        const other = splitFrame(encodeFrame({ id: id + 1, channel: 'run:start', args: 1 }), id + 1, 'run:start', 8);
        parts.splice(i, 0, other[0]);
        notes.push(`another request's first part before part ${i}`);
        break;
      }
      default: {
        const m = mutateBytes(rng, parts[i], 2 ** 20);
        parts[i] = m.bytes;
        notes.push(`part ${i}: ${m.note}`);
      }
    }
  }
  const limit = rng.pick([frame.length, frame.length, frame.length - 1, 64 * 2 ** 20, 100]);
  // Intact: split into real parts (a frame that fits one part travels whole, past the assembler).
  return { name: notes.join('; '), input: { mode, msgSeed, maxBinary, ...head, frame, parts, limit, intact: rounds === 0 && frame.length > partBytes } };
}
