/**
 * Executor of the `nifti` target: reads the case's bytes with `readNifti` from a Node Buffer, a
 * view at an offset of a larger buffer, and an exact ArrayBuffer (and, for a `.nii`, its gzip
 * too), or its first bytes with `readNiftiHeader`. Every form must agree; an accepted volume must
 * match the independent oracle (`niftiOracle.ts`): shape, data length, datatype, voxel values,
 * finite affine and spacing, a fresh buffer, the input untouched, the limit respected.
 */
import { constants, gunzipSync } from 'node:zlib';
import { gzipSync } from 'fflate';
import { readNifti, readNiftiHeader, type NiftiVolume } from '../../../shared/io/nifti';
import { DATATYPES } from '../niftiFields';
import { measured } from '../measure';
import { referenceGunzip } from '../referenceGunzip';
import { DEFAULT_MAX_BYTES, expectedVoxel, expectNifti, sameNumber, type NiftiExpectation } from '../niftiOracle';
import { firstDifference } from '../sameValue';
import type { CaseInput, Verdict } from '../types';
import { accepted, classifyError, garbage } from '../verdict';

const CLEAN = /^(readNifti|readNiftiHeader): /;
const JUNK = 0xa5;

type Attempt = { ok: true; vol: NiftiVolume } | { ok: false; error: unknown };

function attempt(read: () => NiftiVolume): Attempt {
  try {
    return { ok: true, vol: read() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** `bytes` copied to `offset` of a larger buffer whose other bytes are junk, as a view. */
function viewAt(bytes: Uint8Array, offset: number): Uint8Array {
  const host = new Uint8Array(offset + bytes.length + 13).fill(JUNK);
  host.set(bytes, offset);
  return host.subarray(offset, offset + bytes.length);
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** The decompressed file as the reference (not fflate) sees it, or null when it refuses it; `partial`: as much as zlib inflates of a stream's start. */
function zlibGunzip(bytes: Uint8Array, partial = false): Uint8Array | null {
  if (!partial) return referenceGunzip(bytes, 64 * 2 ** 20);
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: 64 * 2 ** 20, finishFlush: constants.Z_SYNC_FLUSH }));
  } catch {
    return null;
  }
}

const TYPED_NAME: Record<string, string> = { Uint8: 'Uint8Array', Int8: 'Int8Array', Int16: 'Int16Array', Uint16: 'Uint16Array', Int32: 'Int32Array', Uint32: 'Uint32Array', Float32: 'Float32Array', Float64: 'Float64Array' };

/** What is wrong with an accepted volume, checked against the oracle; null when it is sane. */
function insane(vol: NiftiVolume, raw: Uint8Array, e: NiftiExpectation, maxBytes: number): string | null {
  const product = vol.shape.reduce((a, b) => a * b, 1);
  if (vol.data.length !== product) return `data.length ${vol.data.length} differs from the shape's product ${product} ([${vol.shape}])`;
  if (firstDifference(vol.shape, e.shape)) return `shape [${vol.shape}], the header says [${e.shape}]`;
  if (e.decodedBytes > maxBytes) return `accepted ${e.decodedBytes} decoded bytes over the limit of ${maxBytes}`;
  const ctor = e.scaled ? 'Float32Array' : TYPED_NAME[DATATYPES[e.datatype].kind];
  if (vol.data.constructor.name !== ctor) return `data is a ${vol.data.constructor.name}, expected ${ctor}`;
  const d = vol.data as unknown as ArrayBufferView;
  if (d.byteOffset !== 0 || d.buffer.byteLength !== d.byteLength) return `data is a view (offset ${d.byteOffset} of ${d.buffer.byteLength} bytes), not a fresh buffer`;
  const step = Math.max(1, Math.floor(e.voxels / 4096));
  for (let i = 0; i < e.voxels; i += i + step >= e.voxels && i !== e.voxels - 1 ? e.voxels - 1 - i : step) {
    const want = expectedVoxel(raw, e, i);
    if (!sameNumber(vol.data[i], want)) return `voxel ${i} is ${vol.data[i]}, the file holds ${want} (at byte ${e.offset} + ${i}·${DATATYPES[e.datatype].bytes})`;
  }
  if (vol.affine.length !== 4 || vol.affine.some((row) => row.length !== 4 || row.some((x) => !Number.isFinite(x)))) return `the affine is not a finite 4×4 matrix: ${JSON.stringify(vol.affine)}`;
  if (firstDifference(vol.affine[3], [0, 0, 0, 1])) return `the affine's last row is ${JSON.stringify(vol.affine[3])}`;
  if (vol.spacing.length !== 3 || vol.spacing.some((s) => !(Number.isFinite(s) && s > 0))) return `spacing ${JSON.stringify(vol.spacing)} is not three finite positive numbers`;
  const h = vol.header;
  if (h.version !== e.version || h.littleEndian !== e.littleEndian || h.datatypeCode !== e.datatype || h.voxOffset !== e.offset || h.scaled !== e.scaled)
    return `header says v${h.version} ${h.littleEndian ? 'LE' : 'BE'} dt${h.datatypeCode} offset ${h.voxOffset} scaled ${h.scaled}; the file is v${e.version} ${e.littleEndian ? 'LE' : 'BE'} dt${e.datatype} offset ${e.offset} scaled ${e.scaled}`;
  if (firstDifference(h.dim.slice(1, e.storedDims.length + 1), e.storedDims)) return `header.dim ${JSON.stringify(h.dim)} differs from the file's ${JSON.stringify(e.storedDims)}`;
  return null;
}

/** Whether two reads gave the same volume (the `gzipped` flag aside). */
function sameVolume(a: NiftiVolume, b: NiftiVolume): string | null {
  const strip = (v: NiftiVolume) => ({ data: v.data, shape: v.shape, spacing: v.spacing, affine: v.affine, header: { ...v.header, gzipped: null } });
  return firstDifference(strip(a), strip(b));
}

/** The case's limit: `maxBytes: null` reads with the default (no options). */
function limitOf(input: CaseInput): { maxBytes: number; options: { maxBytes: number } | undefined } {
  const given = input.maxBytes as number | null;
  return given === null ? { maxBytes: DEFAULT_MAX_BYTES, options: undefined } : { maxBytes: given, options: { maxBytes: given } };
}

async function executeRead(input: CaseInput): Promise<Verdict> {
  const bytes = input.bytes as Uint8Array;
  const { maxBytes, options } = limitOf(input);
  const copy = bytes.slice();
  const view = viewAt(bytes, input.viewOffset as number);
  const forms: [string, Uint8Array | ArrayBuffer][] = [
    // Buffer.from copies small inputs into Node's shared pool: a view at an offset of a larger buffer.
    ['Buffer', Buffer.from(bytes)],
    [`view at offset ${input.viewOffset as number}`, view],
    ['ArrayBuffer', bytes.slice().buffer],
  ];
  const results = forms.map(([name, b]) => [name, attempt(() => readNifti(b, options))] as const);
  if (input.alsoGzip) results.push(['its .nii.gz', attempt(() => readNifti(gzipSync(bytes, { mtime: 0 }), options))] as const);

  for (const [name, r] of results) {
    if (r.ok) continue;
    const v = classifyError(r.error, CLEAN);
    if (v.outcome === 'crash') return { ...v, message: `${name}: ${v.message}` };
  }
  if (firstDifference(bytes, copy)) return garbage('readNifti modified its input');
  const host = new Uint8Array(view.buffer);
  if (host.some((b, i) => (i < view.byteOffset || i >= view.byteOffset + view.length) && b !== JUNK) || firstDifference(view, copy)) return garbage('readNifti wrote into the buffer around its view');

  const gz = isGzip(bytes);
  const raw = gz ? zlibGunzip(bytes) : bytes;
  const [first] = results;
  const plain = results.slice(0, 3);
  if (plain.some(([, r]) => r.ok !== first[1].ok)) {
    return garbage(`the forms disagree: ${plain.map(([n, r]) => `${n} ${r.ok ? 'accepted' : `refused (${(r.error as Error).message})`}`).join('; ')}`);
  }
  const e = raw ? expectNifti(raw, maxBytes, raw.length) : null;
  if (!first[1].ok) {
    const message = (first[1].error as Error).message;
    const gzForm = results[3];
    if (gzForm?.[1].ok) return garbage(`the .nii was refused (${message}) but its .nii.gz was accepted`);
    // Only for a .nii: zlib takes streams fflate refuses (trailing zeros), which is not the reader's contract.
    const suspect = !gz && e && 'accept' in e ? 'the oracle would accept this file' : undefined;
    return { outcome: 'clean', message, ...(suspect ? { suspect } : {}) };
  }
  const vol = first[1].vol;
  if (!raw) return garbage('readNifti accepted a gzip stream that the reference gunzip refuses');
  if (!e || 'refuse' in e) return garbage(`readNifti accepted a file the oracle refuses (${e && 'refuse' in e ? e.refuse : '?'})`);
  const exp = e.accept;
  if (gz && raw.length !== exp.offset + exp.dataBytes) return garbage(`accepted a .nii.gz that inflates to ${raw.length} bytes, not the ${exp.offset + exp.dataBytes} its header declares`);
  const bad = insane(vol, raw, exp, maxBytes);
  if (bad) return garbage(bad);
  if (vol.header.gzipped !== gz) return garbage(`header.gzipped is ${vol.header.gzipped}`);
  for (const [name, r] of results.slice(1)) {
    if (!r.ok) {
      const trailing = raw.length > exp.offset + exp.dataBytes;
      if (name === 'its .nii.gz' && trailing) continue; // a .nii.gz must end with its data; a .nii may have bytes after them
      return garbage(`${forms[0][0]} accepted, ${name} refused: ${(r.error as Error).message}`);
    }
    const d = sameVolume(vol, r.vol);
    if (d) return garbage(`${forms[0][0]} and ${name} read different volumes (${d})`);
  }
  return accepted(`[${vol.shape}] ${vol.data.constructor.name}`);
}

async function executeHeader(input: CaseInput): Promise<Verdict> {
  const bytes = input.bytes as Uint8Array;
  const { maxBytes } = limitOf(input);
  const prefix = viewAt(bytes.subarray(0, input.prefix as number), input.viewOffset as number);
  let summary;
  try {
    summary = readNiftiHeader(prefix, { complete: false, maxBytes });
  } catch (error) {
    return classifyError(error, CLEAN);
  }
  const { layout, header } = summary;
  if (layout.voxels !== layout.shape.reduce((a, b) => a * b, 1)) return garbage(`layout.voxels ${layout.voxels} differs from the shape's product [${layout.shape}]`);
  if (layout.dataBytes !== layout.voxels * layout.datatype.bytes) return garbage(`layout.dataBytes ${layout.dataBytes} is not voxels × ${layout.datatype.bytes}`);
  if (!(layout.decodedBytes <= maxBytes)) return garbage(`layout.decodedBytes ${layout.decodedBytes} is over the limit of ${maxBytes}`);
  const gz = isGzip(prefix);
  const raw = gz ? zlibGunzip(prefix, true) : prefix;
  if (!raw) return accepted('a header (zlib could not inflate the prefix to check it)');
  const e = expectNifti(raw, maxBytes, null);
  if ('refuse' in e) return garbage(`readNiftiHeader accepted a header the oracle refuses (${e.refuse})`);
  const x = e.accept;
  if (firstDifference(layout.shape, x.shape) || layout.offset !== x.offset || layout.decodedBytes !== x.decodedBytes || header.datatypeCode !== x.datatype)
    return garbage(`readNiftiHeader: shape [${layout.shape}] offset ${layout.offset} decoded ${layout.decodedBytes} dt${header.datatypeCode}; the header says [${x.shape}] ${x.offset} ${x.decodedBytes} dt${x.datatype}`);
  return accepted(`header [${layout.shape}]`);
}

/** Runs one case of the nifti target. */
export async function execute(input: CaseInput): Promise<Verdict> {
  if (input.measure) {
    // One read of the bytes as they came (no copies of the fuzzer's own), so that the figures are the reader's.
    const bytes = input.bytes as Uint8Array;
    const { options, maxBytes } = limitOf(input);
    return measured(async () => {
      try {
        const summary = input.mode === 'header' ? readNiftiHeader(bytes.subarray(0, input.prefix as number), { complete: false, maxBytes }).layout.shape : readNifti(bytes, options).shape;
        return accepted(`[${summary}]`);
      } catch (e) {
        return classifyError(e, CLEAN);
      }
    });
  }
  return input.mode === 'header' ? executeHeader(input) : executeRead(input);
}
