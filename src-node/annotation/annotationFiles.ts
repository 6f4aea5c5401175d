/**
 * Opening and saving an image's annotation as a handler does it: the labels, the findings and the
 * label table read with their versions, all checked for conflicts before any is written, then
 * written through the one writer and the autosave discarded; or, out of a conflict, written as a
 * new set of files beside theirs ({@link saveAnnotationAs}).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelTableJSON } from '../../shared/annotation/labelTable';
import type { NiftiHeaderInfo } from '../../shared/io/nifti';
import { annotationPaths, imageKeyOf, savedAsNames, type AnnotationPaths, type SavedAsNames } from './annotationFolder';
import { findingsBytes } from './autosaveFiles';
import { assertUnchanged, readVersioned, saveAs, saveChecked, type FileVersion } from './fileVersion';
import { decodeLabelNifti, encodeLabelNifti, encodeLabelNiftiAsync, type LabelData } from './labelNifti';
import { labelTableBytes, parseLabelTable } from './labelTableFile';
import { discard, recoverableOf } from './recovery';

/** The image an annotation belongs to. */
export interface AnnotatedImage {
  path: string;
  header: NiftiHeaderInfo;
  /** SHA-256 of the image file (its annotation folder's key). */
  sha256: string;
}

/** The versions of an annotation's three files, as opened (what a save is checked against). */
export interface AnnotationVersions {
  labels: FileVersion;
  findings: FileVersion;
  table: FileVersion;
}

/** An annotation as opened: the saved labels, findings and label table (null when not saved yet) and the versions to save against. */
export interface OpenedAnnotation {
  paths: AnnotationPaths;
  labels: LabelData | null;
  findings: unknown;
  /** The saved label table (`labelTable.json`, validated), or null when there is none. */
  table: LabelTableJSON | null;
  versions: AnnotationVersions;
}

/**
 * Reads the saved annotation of an image (labels checked to lie on its grid, the label table
 * checked by `LabelTable.fromJSON`).
 * @throws naming the file that is not what it should be (findings not JSON, a table that is not one, labels on another grid)
 */
export function openAnnotation(projectDir: string, image: AnnotatedImage): OpenedAnnotation {
  const paths = annotationPaths(projectDir, imageKeyOf(image.sha256));
  const labels = readVersioned(paths.labels);
  const findings = readVersioned(paths.findings);
  const table = readVersioned(paths.table);
  let parsed: unknown = null;
  if (findings.bytes) {
    try {
      parsed = JSON.parse(new TextDecoder().decode(findings.bytes));
    } catch (e) {
      throw new SyntaxError(`openAnnotation: ${paths.findings} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return {
    paths,
    labels: labels.bytes ? decodeLabelNifti(paths.labels, labels.bytes, image.header).labels : null,
    findings: parsed,
    table: table.bytes ? parseLabelTable(paths.table, table.bytes) : null,
    versions: { labels: labels.version, findings: findings.version, table: table.version },
  };
}

/** What to save: any part may be left out (it is then neither checked nor written). */
export interface AnnotationToSave {
  labels?: LabelData;
  findings?: unknown;
  /** The label table, written as `labelTable.json` (labelTableFile.ts). */
  table?: LabelTableJSON;
}

/** The encoded files of a save (null: that part is not saved). */
interface SaveBytes {
  labels: Uint8Array | null;
  findings: Uint8Array | null;
  table: Uint8Array | null;
}

/**
 * Saves labels, findings and/or the label table over the versions that were opened: all are
 * checked first, so a conflict on any writes none; then each is written atomically, and the autosave is
 * discarded when it holds nothing the saved files do not. Synchronous (the CLI's tests, scripts);
 * the service uses {@link saveAnnotationAsync}.
 * @returns the new versions (the opened ones for a part not saved)
 * @throws FileConflictError naming the file that changed
 */
export function saveAnnotation(projectDir: string, image: AnnotatedImage, opened: AnnotationVersions, what: AnnotationToSave): AnnotationVersions {
  const labels = what.labels ? encodeLabelNifti(what.labels, image.header).bytes : null;
  return writeAnnotation(projectDir, image, opened, { ...otherBytesOf(what), labels });
}

/**
 * {@link saveAnnotation} with the labels gzipped on libuv's thread pool (the service's event loop
 * stays free meanwhile). `what` is read before the first await (later edits are not saved);
 * the conflict check and the writes come after the gzip, in one synchronous step.
 * @throws (rejects) as {@link saveAnnotation}
 */
export async function saveAnnotationAsync(projectDir: string, image: AnnotatedImage, opened: AnnotationVersions, what: AnnotationToSave): Promise<AnnotationVersions> {
  const other = otherBytesOf(what);
  const labels = what.labels ? (await encodeLabelNiftiAsync(what.labels, image.header)).bytes : null;
  return writeAnnotation(projectDir, image, opened, { ...other, labels });
}

/** The findings and table bytes of a save (encoded at the call: later changes are not saved). */
const otherBytesOf = (what: AnnotationToSave): Omit<SaveBytes, 'labels'> => ({
  findings: what.findings !== undefined ? findingsBytes(what.findings) : null,
  table: what.table !== undefined ? labelTableBytes(what.table) : null,
});

const PARTS = ['labels', 'findings', 'table'] as const;

/** The checks and writes of {@link saveAnnotation}, from encoded files. */
function writeAnnotation(projectDir: string, image: AnnotatedImage, opened: AnnotationVersions, bytes: SaveBytes): AnnotationVersions {
  const key = imageKeyOf(image.sha256);
  const paths = annotationPaths(projectDir, key);
  for (const part of PARTS) if (bytes[part]) assertUnchanged('saveAnnotation', opened[part]);
  mkdirSync(paths.dir, { recursive: true });
  const inputs = [{ what: 'image', path: image.path }];
  const written = (part: (typeof PARTS)[number]): FileVersion => {
    const b = bytes[part];
    return b ? saveChecked(paths[part], b, opened[part], { inputs }) : opened[part];
  };
  const versions = { labels: written('labels'), findings: written('findings'), table: written('table') };
  // The autosave goes only when it adds nothing any more (saving the findings alone keeps autosaved label edits).
  if (!recoverableOf(projectDir, key)) discard(projectDir, key);
  return versions;
}

/** Attempts {@link saveAnnotationAs} makes at a free set of names before giving up. */
const SAVE_AS_ATTEMPTS = 1000;

/** What a "save as" writes. */
export interface AnnotationToSaveAs {
  labels: LabelData;
  findings: unknown;
  /** The label table; left out, no `labelTable.saved-as-<stamp>.json` is written. */
  table?: LabelTableJSON;
}

/** The versions of the files a "save as" wrote (`table` null when no table was given). */
export interface SavedAsVersions {
  labels: FileVersion;
  findings: FileVersion;
  table: FileVersion | null;
}

/**
 * Resolution "save as": writes labels, findings and the label table to a new set of files in the
 * image's annotation folder ({@link savedAsNames}: the first attempt at `at` where no name of the
 * set exists) through `saveAs` (atomic, refuses an existing path or the image). Nothing else is
 * touched: the saved `labels.nii.gz`, `findings.json` and `labelTable.json` stay theirs and the
 * autosave stays as it is. When a file cannot be written, the ones just written are removed
 * again (no partial set is left). Synchronous; the service uses {@link saveAnnotationAsAsync}.
 * @returns the versions of the new files
 * @throws OutputRefusedError when a file appeared at a chosen name meanwhile (nothing left written)
 */
export function saveAnnotationAs(projectDir: string, image: AnnotatedImage, what: AnnotationToSaveAs, at: Date = new Date()): SavedAsVersions {
  const other = saveAsBytesOf(what);
  return writeAnnotationAs(projectDir, image, { ...other, labels: encodeLabelNifti(what.labels, image.header).bytes }, at);
}

/**
 * {@link saveAnnotationAs} with the labels gzipped on libuv's thread pool; `what` is read before
 * the first await, the names are chosen and the files written after the gzip.
 * @throws (rejects) as {@link saveAnnotationAs}
 */
export async function saveAnnotationAsAsync(projectDir: string, image: AnnotatedImage, what: AnnotationToSaveAs, at: Date = new Date()): Promise<SavedAsVersions> {
  const other = saveAsBytesOf(what);
  const labels = (await encodeLabelNiftiAsync(what.labels, image.header)).bytes;
  return writeAnnotationAs(projectDir, image, { ...other, labels }, at);
}

/** The encoded files of a "save as": labels and findings always, the table when given. */
interface SaveAsBytes {
  labels: Uint8Array;
  findings: Uint8Array;
  table: Uint8Array | null;
}

const saveAsBytesOf = (what: AnnotationToSaveAs): Omit<SaveAsBytes, 'labels'> => ({ findings: findingsBytes(what.findings), table: what.table !== undefined ? labelTableBytes(what.table) : null });

/** The naming and writes of {@link saveAnnotationAs}, from encoded files. */
function writeAnnotationAs(projectDir: string, image: AnnotatedImage, bytes: SaveAsBytes, at: Date): SavedAsVersions {
  const paths = annotationPaths(projectDir, imageKeyOf(image.sha256));
  mkdirSync(paths.dir, { recursive: true });
  let names: SavedAsNames | null = null;
  for (let attempt = 1; attempt <= SAVE_AS_ATTEMPTS && !names; attempt++) {
    const next = savedAsNames(at, attempt);
    const target = { labels: join(paths.dir, next.labels), findings: join(paths.dir, next.findings), table: join(paths.dir, next.table) };
    // The whole set shares one stamp: an attempt whose table name is taken is skipped too, table or not.
    if (PARTS.every((part) => !existsSync(target[part]))) names = target;
  }
  if (!names) throw new Error(`saveAnnotationAs: ${paths.dir} already holds ${SAVE_AS_ATTEMPTS} saved-as sets stamped ${savedAsNames(at).labels}; nothing was written`);
  const chosen = names;
  const inputs = [{ what: 'image', path: image.path }];
  const done: string[] = [];
  const write = (part: (typeof PARTS)[number], b: Uint8Array): FileVersion => {
    const version = saveAs(chosen[part], b, { inputs });
    done.push(chosen[part]);
    return version;
  };
  try {
    const labels = write('labels', bytes.labels);
    const findings = write('findings', bytes.findings);
    return { labels, findings, table: bytes.table ? write('table', bytes.table) : null };
  } catch (e) {
    for (const path of done) rmSync(path, { force: true });
    throw e;
  }
}
