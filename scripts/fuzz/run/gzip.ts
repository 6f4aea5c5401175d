/**
 * Executor of the `gzip` target: the gunzip the NIfTI reader uses (shared/io/gzip.ts), checked
 * against the reference (`referenceGunzip.ts`: members walked by hand, deflate by zlib): whatever
 * it accepts, the reference must accept and inflate to the same bytes, and never more than the
 * limit; a prefix read with `complete: false` must be a prefix of the stream.
 */
import { GunzipReader, gunzipChecked } from '../../../shared/io/gzip';
import { measured } from '../measure';
import { referenceGunzip } from '../referenceGunzip';
import { firstDifference } from '../sameValue';
import type { CaseInput, Verdict } from '../types';
import { accepted, classifyError, garbage } from '../verdict';

const FN = 'readNifti';
const CLEAN = /^readNifti: /;

const reference = (bytes: Uint8Array) => referenceGunzip(bytes);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Checks an accepted whole-stream result against the reference. */
function compare(out: Uint8Array, bytes: Uint8Array, what: string): Verdict {
  const z = reference(bytes);
  if (!z) return garbage(`${what} accepted a stream the reference gunzip refuses (${out.length} bytes out)`);
  const d = firstDifference(out, z);
  if (d) return garbage(`${what} and the reference inflate differently (${d})`);
  return accepted(`${out.length} bytes`);
}

/** Runs one case of the gzip target. */
export async function execute(input: CaseInput): Promise<Verdict> {
  return input.measure ? measured(() => executeCase(input)) : executeCase(input);
}

async function executeCase(input: CaseInput): Promise<Verdict> {
  const bytes = input.bytes as Uint8Array;
  const maxBytes = input.maxBytes as number;
  try {
    if (input.mode === 'checked') {
      const out = gunzipChecked(FN, bytes, { maxBytes });
      if (out.length > maxBytes) return garbage(`gunzipChecked returned ${out.length} bytes, over its limit of ${maxBytes}`);
      return compare(out, bytes, 'gunzipChecked');
    }
    if (input.mode === 'reader') {
      const reader = new GunzipReader(FN, bytes);
      const parts: Uint8Array[] = [];
      for (const n of input.reads as number[]) {
        const part = new Uint8Array(n);
        const got = reader.read(part);
        if (got > n) return garbage(`GunzipReader.read returned ${got} for ${n} bytes asked`);
        parts.push(part.subarray(0, got));
        if (got < n) break;
      }
      // Whatever is left is skipped by count, as readNifti skips extensions.
      while (reader.read(1 << 16) === 1 << 16) {
        if (reader.inflated > 256 * 2 ** 20) return garbage('GunzipReader inflated more than 256 MiB of a small case');
      }
      reader.finish('the stream goes on');
      const z = reference(bytes);
      if (!z) return garbage(`GunzipReader accepted a stream the reference gunzip refuses`);
      const out = concat(parts);
      const d = firstDifference(out, z.subarray(0, out.length));
      if (d) return garbage(`GunzipReader read bytes the reference does not inflate (${d})`);
      if (reader.inflated !== z.length) return garbage(`GunzipReader inflated ${reader.inflated} bytes, the reference ${z.length}`);
      return accepted(`${out.length} bytes read of ${z.length}`);
    }
    const prefix = bytes.subarray(0, input.prefix as number);
    const reader = new GunzipReader(FN, prefix, { complete: false });
    const want = input.want as number;
    const part = new Uint8Array(want);
    const got = reader.read(part);
    if (got > want) return garbage(`GunzipReader.read returned ${got} for ${want} bytes asked`);
    const z = reference(bytes);
    if (z) {
      const d = firstDifference(part.subarray(0, got), z.subarray(0, got));
      if (d) return garbage(`a prefix read gave bytes the whole stream does not start with (${d})`);
    }
    return accepted(`${got} of ${want} bytes from a ${prefix.length}-byte prefix`);
  } catch (e) {
    return classifyError(e, CLEAN);
  }
}
