/**
 * Edited label maps as NIfTI bytes with the source image's exact geometry, and back.
 *
 * `writeNifti` (shared/io/nifti.ts) derives the qform from the affine it is given, so a source
 * whose qform and sform differ (ch2.nii.gz: qform_code 0 with quatern_b = 1, sform_code 4) would
 * come back with another qform. Labels must overlay their image in every viewer, whichever of the
 * two transforms it trusts, so here the header is built field by field from the image's own
 * header: dims, pixdim (qfac included), quatern parameters, srow_x/y/z and both codes are copied
 * as they were read; only the datatype, the scaling (slope 1, intercept 0) and the intent
 * (NIFTI_INTENT_LABEL) are the labels' own.
 */
import { promisify } from 'node:util';
import { constants, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib';
import { readNifti, type NiftiHeaderInfo } from '../../shared/io/nifti';
import { encodeNifti1Header } from '../../shared/io/niftiHeader';
import type { LabelArray, LabelDatatype } from '../../shared/annotation/labelGrid';
import { isGzip } from '../../shared/io/gzip';

/** Label data on the image grid, NIfTI voxel order (i fastest), one value per voxel: the annotation core's label array. */
export type LabelData = LabelArray;

/** The datatypes a label file is written in (the annotation core's). */
export type { LabelDatatype };

/** NIfTI's intent code for a label map (nifti1.h NIFTI_INTENT_LABEL): viewers show it as labels, not intensities. */
export const NIFTI_INTENT_LABEL = 1002;

/** Header description of every label file PatchLens writes. */
export const LABELS_DESCRIPTION = 'PatchLens labels';

const DATATYPES: Readonly<Record<LabelDatatype, { code: number; bytes: number }>> = {
  uint8: { code: 2, bytes: 1 },
  uint16: { code: 512, bytes: 2 },
};

/** The datatype a label map needs: uint8 when every value is ≤ 255, else uint16 (whatever its array type). */
export function neededLabelDatatype(labels: LabelData): LabelDatatype {
  if (labels instanceof Uint8Array) return 'uint8';
  for (let i = 0; i < labels.length; i++) if (labels[i] > 255) return 'uint16';
  return 'uint8';
}

/** The voxel count of the image's spatial grid (dim[1]·dim[2]·dim[3]; a 4-D image's labels cover one frame). */
export function spatialVoxels(image: Pick<NiftiHeaderInfo, 'dim'>): number {
  const [ni, nj, nk] = [1, 2, 3].map((k) => (k <= image.dim[0] ? Math.max(1, image.dim[k]) : 1));
  return ni * nj * nk;
}

/** Throws unless `labels` is a Uint8Array/Uint16Array with one value per voxel of the image's grid. */
export function assertLabelsFit(fn: string, labels: unknown, image: Pick<NiftiHeaderInfo, 'dim'>): asserts labels is LabelData {
  if (!(labels instanceof Uint8Array) && !(labels instanceof Uint16Array)) {
    throw new TypeError(`${fn}: labels must be a Uint8Array or a Uint16Array, got ${Object.prototype.toString.call(labels)}`);
  }
  const n = spatialVoxels(image);
  const grid = [1, 2, 3].map((k) => (k <= image.dim[0] ? image.dim[k] : 1)).join('×');
  if (labels.length !== n) throw new RangeError(`${fn}: labels have ${labels.length} values, the image grid ${grid} has ${n} voxels`);
}

/** A label file as encoded: the gzipped NIfTI bytes and the datatype chosen. */
export interface EncodedLabels {
  bytes: Uint8Array;
  datatype: LabelDatatype;
}

/** The gzip settings of every label file: the sync and the async encoder give the same bytes. */
const GZIP: ZlibOptions = { level: constants.Z_DEFAULT_COMPRESSION };
const gzipAsync = promisify(gzip);

/**
 * Encodes a label map as a gzipped NIfTI-1 file with the image's geometry copied exactly (see
 * the file comment). A NIfTI-2 image's float64 geometry is rounded to float32 (NIfTI-1's fields).
 * Synchronous (scripts, the CLI, tests); the service uses {@link encodeLabelNiftiAsync}.
 * @throws for labels that do not fit the grid, or a grid axis over NIfTI-1's 32767 voxels.
 */
export function encodeLabelNifti(labels: LabelData, image: NiftiHeaderInfo): EncodedLabels {
  const { raw, datatype } = rawLabelNifti('encodeLabelNifti', labels, image);
  return { bytes: new Uint8Array(gzipSync(raw, GZIP)), datatype };
}

/**
 * {@link encodeLabelNifti} with the gzip on libuv's thread pool, so that the service's event loop
 * goes on answering while a large label map is compressed (seconds for 256³). The same bytes.
 * The uncompressed file is built before the first await: `labels` may change right after the call.
 * @throws (rejects) as {@link encodeLabelNifti}
 */
export async function encodeLabelNiftiAsync(labels: LabelData, image: NiftiHeaderInfo): Promise<EncodedLabels> {
  const { raw, datatype } = rawLabelNifti('encodeLabelNiftiAsync', labels, image);
  return { bytes: new Uint8Array(await gzipAsync(raw, GZIP)), datatype };
}

/** The uncompressed NIfTI-1 file of a label map (header, then the voxels little-endian). */
function rawLabelNifti(fn: string, labels: LabelData, image: NiftiHeaderInfo): { raw: Uint8Array; datatype: LabelDatatype } {
  assertLabelsFit(fn, labels, image);
  const dims = [1, 2, 3].map((k) => (k <= image.dim[0] ? image.dim[k] : 1));
  dims.forEach((n, k) => {
    if (n > 32767) throw new RangeError(`${fn}: dim[${k + 1}] = ${n} exceeds NIfTI-1's limit of 32767 voxels per axis`);
  });
  const datatype = neededLabelDatatype(labels);
  const dt = DATATYPES[datatype];
  const pix = image.pixdim;
  const header = encodeNifti1Header({
    dim: [3, dims[0], dims[1], dims[2], 1, 1, 1, 1],
    datatypeCode: dt.code,
    bitpix: dt.bytes * 8,
    // qfac and the voxel sizes as stored; the time/other pixdims have no meaning for one frame.
    pixdim: [pix[0], pix[1], pix[2], pix[3], 0, 0, 0, 0],
    voxOffset: 352,
    sclSlope: 1,
    sclInter: 0,
    calMin: 0,
    calMax: 0,
    xyztUnits: image.xyztUnits & 0x07, // space units only: the labels have no time axis
    description: LABELS_DESCRIPTION,
    auxFile: image.auxFile,
    qformCode: image.qformCode,
    sformCode: image.sformCode,
    quatern: image.quatern,
    sform: image.sform,
    intentCode: NIFTI_INTENT_LABEL,
    intentName: '',
    intentParams: [0, 0, 0],
    dimInfo: image.dimInfo,
    sliceCode: 0,
    sliceStart: 0,
    sliceEnd: 0,
    sliceDuration: 0,
    toffset: 0,
  });
  const raw = new Uint8Array(header.length + labels.length * dt.bytes);
  raw.set(header);
  if (datatype === 'uint8') raw.set(labels, header.length);
  else {
    const view = new DataView(raw.buffer, header.length);
    for (let i = 0; i < labels.length; i++) view.setUint16(2 * i, labels[i], true); // little-endian on any host
  }
  return { raw, datatype };
}

/** Whether two headers describe the same grid: dims, voxel sizes, both codes and both transforms. */
function sameGeometry(a: NiftiHeaderInfo, b: NiftiHeaderInfo): string | null {
  const f = Math.fround;
  const da = [1, 2, 3].map((k) => (k <= a.dim[0] ? a.dim[k] : 1));
  const db = [1, 2, 3].map((k) => (k <= b.dim[0] ? b.dim[k] : 1));
  if (da.join() !== db.join()) return `grid ${da.join('×')}, the image's is ${db.join('×')}`;
  if (a.qformCode !== b.qformCode || a.sformCode !== b.sformCode) return `qform/sform codes ${a.qformCode}/${a.sformCode}, the image's are ${b.qformCode}/${b.sformCode}`;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      if (a.sformCode > 0 && f(a.sform[r][c]) !== f(b.sform[r][c])) return `sform[${r}][${c}] ${a.sform[r][c]}, the image's is ${b.sform[r][c]}`;
      if (a.qformCode > 0 && Math.abs(a.qform[r][c] - b.qform[r][c]) > 1e-5 * Math.max(1, Math.abs(b.qform[r][c]))) return `qform[${r}][${c}] ${a.qform[r][c]}, the image's is ${b.qform[r][c]}`;
    }
  }
  return null;
}

/**
 * Decodes a label file (`.nii` or `.nii.gz`) and checks that it lies on the image's grid with the
 * image's geometry (the labels of another image are refused, naming what differs).
 * @param what how the file is named in errors (its path)
 * @throws when the bytes are not NIfTI, not integer labels in [0, 65535], or on another grid
 */
export function decodeLabelNifti(what: string, bytes: Uint8Array, image: NiftiHeaderInfo): { labels: LabelData; datatype: LabelDatatype } {
  const fn = 'decodeLabelNifti';
  let volume;
  try {
    volume = readNifti(isGzip(bytes) ? new Uint8Array(gunzipSync(bytes)) : bytes);
  } catch (e) {
    throw new Error(`${fn}: ${what}: ${(e as Error).message}`);
  }
  const differs = sameGeometry(volume.header, image);
  if (differs) throw new RangeError(`${fn}: ${what} is not on the image's grid: ${differs}`);
  const data = volume.data;
  if (data instanceof Uint8Array || data instanceof Uint16Array) return { labels: data, datatype: data instanceof Uint8Array ? 'uint8' : 'uint16' };
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 65535) || Math.floor(v) !== v) throw new RangeError(`${fn}: ${what}: voxel ${i} = ${v} is not a label (an integer in [0, 65535])`);
    out[i] = v;
  }
  const datatype = neededLabelDatatype(out);
  return { labels: datatype === 'uint8' ? Uint8Array.from(out) : out, datatype };
}
