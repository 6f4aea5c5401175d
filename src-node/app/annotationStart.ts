/**
 * Where an annotation starts (`annotation:open`): the image's saved labels, findings and label
 * table, the open reference label map, a run's predicted labels, an empty map, or the autosave on
 * offer; with the versions of the saved files that a later save is checked against.
 */
import type { AnnotationStart, FindingsDocument } from '../../shared/api/contract';
import { LabelTable, type ClassLike, type LabelTableJSON } from '../../shared/annotation/labelTable';
import { FindingsValidationError, validateFindingsDocument } from '../../shared/findings/validateFindings';
import type { NumericArray } from '../../shared/stitching/types';
import { openAnnotation, type AnnotatedImage, type OpenedAnnotation } from '../annotation/annotationFiles';
import { imageKeyOf } from '../annotation/annotationFolder';
import type { LabelData } from '../annotation/labelNifti';
import { LabelTableFileError } from '../annotation/labelTableFile';
import { recover, recoverableOf } from '../annotation/recovery';
import type { OpenVolume } from './openFiles';
import { fail } from './serviceError';

/** The image an annotation is of: the session's open image, with what the files need. */
export interface AnnotationImage extends AnnotatedImage {
  name: string;
  shape: number[];
  spacing: number[];
  affine: number[][];
  /** The image key (annotation folder name). */
  key: string;
}

/** The session's image as an {@link AnnotationImage}. @throws ServiceError `precondition` when its file's SHA-256 is unknown */
export function annotationImage(ch: string, image: OpenVolume): AnnotationImage {
  const sha256 = image.info.sha256;
  if (!sha256) throw fail('precondition', `${ch}: the SHA-256 of image ${image.info.name} is unknown, so its annotation folder cannot be named; open the image from a file`);
  const v = image.volume;
  return { path: image.path, header: v.header, sha256, name: image.info.name, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((r) => [...r]), key: imageKeyOf(sha256) };
}

/** What an annotation starts with. */
export interface StartingAnnotation {
  start: AnnotationStart;
  labels: LabelData;
  findings: FindingsDocument;
  /**
   * The label table the start brings (the saved `labelTable.json` for `saved`, the autosave's,
   * else the saved one, for `recovered`), or null: {@link startingTable} builds one as before.
   */
  table: LabelTableJSON | null;
  /** The saved files as opened (their versions are what a save is checked against). */
  opened: OpenedAnnotation;
  /** Edits the start already holds (the autosave's count when recovered, else 0). */
  edits: number;
}

/** The label sources the session has besides the annotation folder. */
export interface StartSources {
  /** The open reference label map, or null. */
  reference: OpenVolume | null;
  /** The named run's predicted labels on the image grid, or null. */
  prediction: LabelData | null;
}

/** A numeric label map as uint8 (values ≤ 255) or uint16; a copy, never the caller's array. */
export function toLabelData(what: string, data: NumericArray): LabelData {
  if (data instanceof Uint8Array) return data.slice();
  let max = 0;
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (!(Number.isInteger(v) && v >= 0 && v <= 65535)) throw fail('bad-input', `${what}: voxel ${k} holds ${v}, not a label value in [0, 65535]`);
    if (v > max) max = v;
  }
  return max <= 255 ? Uint8Array.from(data) : Uint16Array.from(data);
}

/** An empty findings document for the image. */
export function emptyFindings(image: AnnotationImage): FindingsDocument {
  return { format: 'patchlens.findings', version: 1, image: { name: image.name, shape: [...image.shape], sha256: image.sha256 }, findings: [] };
}

/**
 * Checks that a findings document is of this image: the same shape and, where it names one,
 * the same SHA-256 (the name may differ: the file may have been renamed).
 */
export function assertFindingsOf(ch: string, findings: FindingsDocument, image: AnnotationImage): void {
  const shape = findings.image.shape;
  if (shape.length !== 3 || shape.some((s, a) => s !== image.shape[a])) throw fail('bad-request', `${ch}: the findings are of an image of shape [${shape.join(', ')}], the open image ${image.name} is [${image.shape.join(', ')}]`);
  if (findings.image.sha256 !== undefined && findings.image.sha256 !== image.sha256) throw fail('bad-request', `${ch}: the findings are of another image (SHA-256 ${findings.image.sha256}), not ${image.name} (${image.sha256})`);
}

function parsedFindings(what: string, value: unknown, image: AnnotationImage): FindingsDocument {
  try {
    const doc = validateFindingsDocument(value);
    assertFindingsOf('annotation:open', doc, image);
    return doc;
  } catch (e) {
    const message = e instanceof FindingsValidationError ? e.message : (e as Error).message;
    throw fail('bad-input', `annotation:open: ${what}: ${message}`);
  }
}

/** What a table file that cannot be used adds to its message. */
const TABLE_HINT = 'fix or remove it (without it the labels open with a table built from their values)';

/**
 * Reads the start of an image's annotation (see the module comment). `saved` falls back to the
 * reference label map, then to an empty map; the findings are the saved ones (or the
 * autosave's when recovered), else an empty document; the table is the saved one for `saved`
 * (the autosave's, else the saved one, for `recovered`), none for the other starts.
 * @throws ServiceError `bad-input` naming a saved file that cannot be used (a `labelTable.json`
 *   that is not JSON or not a label table refuses every start: it is not silently replaced)
 */
export function readStart(projectDir: string, image: AnnotationImage, start: AnnotationStart, sources: StartSources): StartingAnnotation {
  const ch = 'annotation:open';
  let opened: OpenedAnnotation;
  try {
    opened = openAnnotation(projectDir, image);
  } catch (e) {
    throw fail('bad-input', `${ch}: ${(e as Error).message}${e instanceof LabelTableFileError ? `; ${TABLE_HINT}` : ''}`);
  }
  const savedFindings = opened.findings === null ? emptyFindings(image) : parsedFindings(opened.paths.findings, opened.findings, image);
  const voxels = image.shape[0] * image.shape[1] * image.shape[2];
  const reference = () => (sources.reference ? toLabelData(`label ${sources.reference.info.name}`, sources.reference.volume.data) : null);
  const begin = { findings: savedFindings, opened, table: null, edits: 0 };
  switch (start) {
    case 'saved': {
      if (opened.labels) return { ...begin, start, labels: opened.labels, table: opened.table };
      const ref = reference();
      return { ...begin, start: ref ? 'reference' : 'empty', labels: ref ?? new Uint8Array(voxels) };
    }
    case 'reference': {
      const ref = reference();
      if (!ref) throw fail('precondition', `${ch}: no label map is open to start from (open one, or start from 'saved' or 'empty')`);
      return { ...begin, start, labels: ref };
    }
    case 'prediction':
      if (!sources.prediction) throw fail('precondition', `${ch}: start 'prediction' needs a run's labels (name the run with runId)`);
      return { ...begin, start, labels: sources.prediction.slice() };
    case 'empty':
      return { ...begin, start, labels: new Uint8Array(voxels) };
    case 'recovered': {
      if (!recoverableOf(projectDir, image.key)) throw fail('precondition', `${ch}: image ${image.name} has no autosave that holds edits the saved files do not`);
      let got;
      try {
        got = recover(projectDir, image.key, image.header);
      } catch (e) {
        throw fail('bad-input', `${ch}: ${(e as Error).message}`);
      }
      const labels = got.labels ?? opened.labels ?? reference() ?? new Uint8Array(voxels);
      const findings = got.findings === null ? savedFindings : parsedFindings(`the autosave of ${image.name}`, got.findings, image);
      return { ...begin, start, labels, findings, table: got.table ?? opened.table, edits: got.manifest.edits };
    }
  }
}

/**
 * The label table an annotation starts with: the start's own table (saved or autosaved) when it
 * brings one, else the model's classes when one is open (class `c` is value `c`); plus every
 * other value present in the labels (named "label N"). A saved uint8 table under a uint16 map is
 * widened to uint16 (its labels kept).
 */
export function startingTable(labels: LabelData, classes: readonly ClassLike[] | null, saved: LabelTableJSON | null = null): LabelTable {
  const present = LabelTable.fromValues(labels);
  let table: LabelTable;
  if (saved) table = present.datatype === 'uint16' && saved.datatype === 'uint8' ? new LabelTable('uint16', saved.labels) : LabelTable.fromJSON(saved);
  else if (classes && classes.length > 0) table = LabelTable.fromClasses(classes, present.datatype === 'uint16' || classes.length > 256 ? 'uint16' : 'uint8');
  else return present;
  for (const e of present.entries()) if (!table.has(e.value)) table.add({ value: e.value, name: e.name });
  return table;
}
