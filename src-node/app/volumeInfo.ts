import { basename } from 'node:path';
import type { VolumeData, VolumeInfo } from '../../shared/api/contract';
import type { NiftiVolume } from '../../shared/io/nifti';
import { datatypeByCode } from '../../shared/io/niftiDatatypes';
import type { NumericArray } from '../../shared/stitching/types';

/** NIfTI intent code of a label map (NIFTI_INTENT_LABEL). */
const INTENT_LABEL = 1002;

/** Minimum, maximum and the 0.5th / 99.5th percentiles (histogram of up to 65 536 bins: exact for integer data with such a range). */
export function intensityStats(data: NumericArray): { range: [number, number]; percentiles: [number, number] } {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (let v = 0; v < data.length; v++) {
    const x = data[v];
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    n++;
  }
  if (n === 0) return { range: [0, 0], percentiles: [0, 0] };
  if (min === max) return { range: [min, max], percentiles: [min, max] };
  const integer = !(data instanceof Float32Array || data instanceof Float64Array);
  const bins = integer && max - min < 65536 ? max - min + 1 : 65536;
  const width = integer && bins === max - min + 1 ? 1 : (max - min) / bins;
  const hist = new Float64Array(bins);
  for (let v = 0; v < data.length; v++) {
    const x = data[v];
    if (!Number.isFinite(x)) continue;
    hist[Math.min(bins - 1, Math.floor((x - min) / width))]++;
  }
  const at = (q: number) => {
    const target = q * (n - 1);
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += hist[b];
      if (seen > target) return integer && width === 1 ? min + b : min + (b + 0.5) * width;
    }
    return max;
  };
  return { range: [min, max], percentiles: [Math.max(min, at(0.005)), Math.min(max, at(0.995))] };
}

/**
 * The modality guess for window presets: a label map is `unknown`; the NIfTI description naming
 * CT or MR decides; else values below −500 (air in Hounsfield units) mean CT, anything else MR.
 */
export function guessModality(volume: NiftiVolume, kind: 'image' | 'label', range: [number, number]): VolumeInfo['modality'] {
  if (kind === 'label' || volume.header.intentCode === INTENT_LABEL) return 'unknown';
  const text = `${volume.header.description} ${volume.header.intentName}`;
  if (/\bCT\b|computed tomography/i.test(text)) return 'CT';
  if (/\bMR\b|\bMRI\b|\bT1w?\b|\bT2w?\b|FLAIR|magnetic resonance/i.test(text)) return 'MR';
  return range[0] < -500 ? 'CT' : 'MR';
}

/** What the renderer sees of a loaded image or label map. */
export function volumeInfo(volume: NiftiVolume, kind: 'image' | 'label', path: string | null, name = path ? basename(path) : 'volume'): VolumeInfo {
  const stats = intensityStats(volume.data);
  return {
    name,
    path,
    shape: [...volume.shape],
    spacing: [...volume.spacing],
    dtype: datatypeByCode(volume.header.datatypeCode)?.name ?? `code ${volume.header.datatypeCode}`,
    range: stats.range,
    percentiles: stats.percentiles,
    modality: guessModality(volume, kind, stats.range),
  };
}

/** A volume as `VolumeData` (typed arrays the contract does not carry, float64, int8, uint32, become float32). */
export function volumeData(volume: { shape: number[]; spacing: number[]; affine: number[][]; data: NumericArray }): VolumeData {
  const d = volume.data;
  const data = d instanceof Float32Array || d instanceof Uint8Array || d instanceof Int16Array || d instanceof Uint16Array || d instanceof Int32Array ? ownBuffer(d) : Float32Array.from(d);
  return { shape: [...volume.shape], spacing: [...volume.spacing], affine: volume.affine.map((r) => [...r]), data };
}

/** The array itself when it spans its whole buffer, else a copy that does (structured clone and framing send whole buffers). */
export function ownBuffer<T extends NumericArray>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}
