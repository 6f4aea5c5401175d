/**
 * What a DICOM SEG export of the app is made of (issue 15, "Output"): the labels (the session's
 * reference — the open annotation's working map, else the opened label file — or a run's
 * prediction), their segments (names and colours from the label table, else the model's classes,
 * else "label N"), the algorithm (MANUAL / SEMIAUTOMATIC from the edits' tools, AUTOMATIC for a
 * prediction) and the DICOM series they reference (the record beside an imported series:
 * ./dicomSource.ts), or why there is none. Nothing here writes.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SegAlgorithmInfo, SegExportTarget, SegPlan } from '../../shared/api/contract';
import { segAlgorithmOfEdits } from '../../shared/annotation/editTools';
import type { LabelTableJSON } from '../../shared/annotation/labelTable';
import type { Volume } from '../../shared/io/volume';
import { readRunLayer } from '../compute/index';
import type { SegSegment, WriteSegOptions } from '../dicom/seg';
import { INFERENCE_FILES, predictionSegSpec } from '../writeInferenceOutputs';
import { startingTable, toLabelData } from './annotationStart';
import { annotationTools } from './annotationTools';
import { readDicomSource, type DicomSourceRecord } from './dicomSource';
import type { HostContext } from './hostContext';
import { readRunInputs } from './runJob';
import { fail } from './serviceError';
import type { Session } from './session';

/** Everything an export needs, prepared. */
export interface SegLabels {
  labels: Volume;
  /** The series the SEG references; null with `problem`. */
  record: DicomSourceRecord | null;
  /** Why no SEG can be written, or null. */
  problem: string | null;
  segments: SegSegment[];
  /** Voxels of each segment's value, in the order of `segments`. */
  voxels: number[];
  options: Omit<WriteSegOptions, 'softwareVersion' | 'attributes'>;
  algorithm: SegAlgorithmInfo;
  fileName: string;
  /** Files the export must never write over (the image, the label map, the series' files). */
  inputs: string[];
}

/** The name a file of `name` gets in a SEG's file name (`ch2.nii.gz` → `ch2`), only safe characters. */
function stem(name: string): string {
  return name.replace(/\.nii(\.gz)?$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'image';
}

/** The voxels holding each value. */
function countValues(data: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v !== 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/** The problem with a record's grid for `labels`, or null when they match. */
function gridProblem(labels: Volume, record: DicomSourceRecord): string | null {
  const shape = record.source.shape;
  if (labels.shape.length === 3 && labels.shape.every((n, a) => n === shape[a])) return null;
  return `the labels are on a grid [${labels.shape.join(', ')}] but the DICOM series "${record.info.series.description}" is [${shape.join(', ')}] (slices, rows, columns): a SEG must lie on its series' grid`;
}

/** The source of an image: the record beside it, or the reason there is none. */
function sourceOf(imageName: string, read: () => DicomSourceRecord | null): { record: DicomSourceRecord | null; problem: string | null } {
  let record: DicomSourceRecord | null;
  try {
    record = read();
  } catch (e) {
    return { record: null, problem: (e as Error).message };
  }
  if (!record) return { record: null, problem: `${imageName} was opened from NIfTI: there is no DICOM series for a SEG to reference (open the DICOM series to export a SEG)` };
  return { record, problem: null };
}

/** Segments of the values present in `data`, named and coloured by `table` ("label N" and its default colour where the table has none). */
function tableSegments(data: ArrayLike<number>, table: LabelTableJSON, description: string): { segments: SegSegment[]; voxels: number[] } {
  const counts = countValues(data);
  const byValue = new Map(table.labels.map((e) => [e.value, e]));
  const values = [...counts.keys()].sort((a, b) => a - b);
  const segments = values.map((value) => {
    const e = byValue.get(value);
    return { value, name: e?.name?.trim() || `Label ${value}`, color: e?.colour ?? [255, 255, 255], description };
  });
  return { segments, voxels: values.map((v) => counts.get(v) ?? 0) };
}

/** The session's reference labels, as a SEG would hold them. */
function referenceLabels(ch: string, session: Session): SegLabels {
  const image = session.image;
  if (!image) throw fail('precondition', `${ch}: open an image first (a SEG is of the labels of an open image)`);
  const v = image.volume;
  const annotation = session.annotation;
  let data: ArrayLike<number>;
  let table: LabelTableJSON;
  let algorithm: SegAlgorithmInfo;
  if (annotation) {
    data = annotation.labels;
    table = annotation.table;
    const { start, tools } = annotationTools(annotation);
    const edits = segAlgorithmOfEdits({ tools, fromPrediction: start === 'prediction' });
    // Saved, recovered or reference labels: what made them before this session's edits is not known (as for a file).
    const origin = start === 'prediction' ? '' : start === 'empty' ? 'drawn from an empty map, ' : start === 'reference' && session.label ? `from the file ${session.label.info.name}, ` : `the annotation's ${start === 'recovered' ? 'autosaved' : 'saved'} labels (${basename(annotation.paths.labels)}), `;
    algorithm = { ...edits, summary: `${origin}${edits.summary}` };
  } else if (session.label) {
    data = session.label.volume.data;
    table = startingTable(toLabelData(`label ${session.label.info.name}`, session.label.volume.data), session.model?.info.classes ?? null).toJSON();
    algorithm = { type: 'MANUAL', name: null, summary: `from the file ${session.label.info.name}, not edited` };
  } else {
    throw fail('precondition', `${ch}: no label map is open on ${image.info.name}: open one, or annotate the image, to export its SEG`);
  }
  const labels: Volume = { data: data as Volume['data'], shape: [...v.shape], spacing: [...v.spacing], affine: v.affine };
  const { segments, voxels } = tableSegments(data, table, `Reference labels of ${image.info.name} in PatchLens: ${algorithm.summary}`);
  const source = session.dicomProblem ? { record: null, problem: session.dicomProblem } : sourceOf(image.info.name, () => session.dicom);
  const problem = source.problem ?? (source.record && gridProblem(labels, source.record)) ?? (segments.length === 0 ? `the labels of ${image.info.name} hold no label: a SEG needs at least one segment` : null);
  return {
    labels,
    ...source,
    problem,
    segments,
    voxels,
    options: { algorithm: { type: algorithm.type, ...(algorithm.name ? { name: algorithm.name } : {}) }, seriesDescription: `PatchLens labels of ${image.info.name}`, contentDescription: algorithm.type === 'MANUAL' ? 'manual labels' : (algorithm.name ?? '') },
    algorithm,
    fileName: `${stem(image.info.name)}-labels.seg.dcm`,
    inputs: [image.path, ...(session.label ? [session.label.path] : []), ...(source.record?.source.dicom.slices.map((s) => s.file) ?? [])],
  };
}

/** A run's prediction, as a SEG would hold it. */
function runLabels(ch: string, ctx: HostContext, session: Session, runId: string): SegLabels {
  const run = session.runIds.has(runId) ? ctx.records.runs.get(runId) : undefined;
  if (!run) throw fail('not-found', `${ch}: no run ${runId}`);
  if (!run.layers.includes('labels')) throw fail('not-found', `${ch}: run ${runId} has no labels layer`);
  const inputs = readRunInputs(run.dir);
  if (!inputs) throw fail('precondition', `${ch}: run ${runId} has no readable record of its image and model (app-inputs.json): its SEG cannot name the model`);
  let classes: { name: string; color: number[] }[];
  try {
    classes = (JSON.parse(readFileSync(join(run.dir, INFERENCE_FILES.result), 'utf8')) as { classes: { name: string; color: number[] }[] }).classes;
    if (!Array.isArray(classes) || classes.length < 2) throw new Error('no classes listed');
  } catch (e) {
    throw fail('precondition', `${ch}: run ${runId}: ${INFERENCE_FILES.result} does not list the model's classes (${(e as Error).message})`);
  }
  const layer = readRunLayer(run.dir, 'labels');
  const labels: Volume = { data: layer.data, shape: layer.shape, spacing: layer.spacing, affine: layer.affine };
  // The session's own image (by content): its record as loaded, or why it has none; else the record beside the run's image file.
  const own = session.image && run.imageSha256 && session.image.info.sha256 === run.imageSha256;
  const source = own ? (session.dicomProblem ? { record: null, problem: session.dicomProblem } : sourceOf(run.imageName, () => session.dicom)) : sourceOf(run.imageName, () => readDicomSource(inputs.imagePath, run.imageSha256 ?? null));
  const spec = predictionSegSpec(classes, inputs.model);
  const counts = countValues(layer.data);
  return {
    labels,
    ...source,
    problem: source.problem ?? (source.record && gridProblem(labels, source.record)),
    segments: spec.segments,
    voxels: spec.segments.map((s) => counts.get(s.value) ?? 0),
    options: spec.options,
    algorithm: { type: 'AUTOMATIC', name: inputs.model.name, summary: `predicted by the model ${inputs.model.name} (sha256 ${inputs.model.sha256.slice(0, 16)}…) in run ${runId}` },
    fileName: `${stem(run.imageName)}-${runId}-labels.seg.dcm`,
    inputs: [inputs.imagePath, ...(inputs.labelPath ? [inputs.labelPath] : []), ...(source.record?.source.dicom.slices.map((s) => s.file) ?? [])],
  };
}

/**
 * The labels of `target` as a SEG would hold them, with the series they reference or the reason
 * there is none.
 * @throws ServiceError `precondition` (no image, no label map, a run without its records), `not-found` (no such run)
 */
export function segLabels(ch: string, ctx: HostContext, session: Session, target: SegExportTarget): SegLabels {
  return target.what === 'run' ? runLabels(ch, ctx, session, target.runId) : referenceLabels(ch, session);
}

/** What `seg:plan` answers of prepared labels (the series' description, no patient identifier). */
export function segPlanOf(prepared: SegLabels): SegPlan {
  const s = prepared.record?.info.series ?? null;
  return {
    series: s ? { instanceUid: s.instanceUid, number: s.number, description: s.description, modality: s.modality, images: s.images } : null,
    problem: prepared.problem,
    algorithm: { ...prepared.algorithm },
    segments: prepared.segments.map((seg, i) => ({ value: seg.value, name: seg.name, color: [...seg.color], voxels: prepared.voxels[i] })),
    fileName: prepared.fileName,
  };
}
