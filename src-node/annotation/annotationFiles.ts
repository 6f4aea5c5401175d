/**
 * Opening and saving an image's annotation as a handler does it: both files read with their
 * versions, both checked for conflicts before either is written, then written through the one
 * writer and the autosave discarded; or, out of a conflict, written as a new pair of files beside
 * theirs ({@link saveAnnotationAs}).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NiftiHeaderInfo } from '../../shared/io/nifti';
import { annotationPaths, imageKeyOf, savedAsNames, type AnnotationPaths } from './annotationFolder';
import { findingsBytes } from './autosaveFiles';
import { assertUnchanged, readVersioned, saveAs, saveChecked, type FileVersion } from './fileVersion';
import { decodeLabelNifti, encodeLabelNifti, encodeLabelNiftiAsync, type LabelData } from './labelNifti';
import { discard, recoverableOf } from './recovery';

/** The image an annotation belongs to. */
export interface AnnotatedImage {
  path: string;
  header: NiftiHeaderInfo;
  /** SHA-256 of the image file (its annotation folder's key). */
  sha256: string;
}

/** An annotation as opened: the saved labels and findings (null when not saved yet) and the versions to save against. */
export interface OpenedAnnotation {
  paths: AnnotationPaths;
  labels: LabelData | null;
  findings: unknown;
  versions: { labels: FileVersion; findings: FileVersion };
}

/** Reads the saved annotation of an image (labels checked to lie on its grid). */
export function openAnnotation(projectDir: string, image: AnnotatedImage): OpenedAnnotation {
  const paths = annotationPaths(projectDir, imageKeyOf(image.sha256));
  const labels = readVersioned(paths.labels);
  const findings = readVersioned(paths.findings);
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
    versions: { labels: labels.version, findings: findings.version },
  };
}

/** What to save: either part may be left out (it is then neither checked nor written). */
export interface AnnotationToSave {
  labels?: LabelData;
  findings?: unknown;
}

/**
 * Saves labels and/or findings over the versions that were opened: both are checked first, so
 * a conflict on either writes neither; then each is written atomically, and the autosave is
 * discarded when it holds nothing the saved files do not. Synchronous (the CLI's tests, scripts);
 * the service uses {@link saveAnnotationAsync}.
 * @returns the new versions (the opened ones for a part not saved)
 * @throws FileConflictError naming the file that changed
 */
export function saveAnnotation(projectDir: string, image: AnnotatedImage, opened: OpenedAnnotation['versions'], what: AnnotationToSave): OpenedAnnotation['versions'] {
  const labelBytes = what.labels ? encodeLabelNifti(what.labels, image.header).bytes : null;
  return writeAnnotation(projectDir, image, opened, labelBytes, findingBytesOf(what));
}

/**
 * {@link saveAnnotation} with the labels gzipped on libuv's thread pool (the service's event loop
 * stays free meanwhile). `what` is read before the first await (later edits are not saved);
 * the conflict check and the writes come after the gzip, in one synchronous step.
 * @throws (rejects) as {@link saveAnnotation}
 */
export async function saveAnnotationAsync(projectDir: string, image: AnnotatedImage, opened: OpenedAnnotation['versions'], what: AnnotationToSave): Promise<OpenedAnnotation['versions']> {
  const findingBytes = findingBytesOf(what);
  const labelBytes = what.labels ? (await encodeLabelNiftiAsync(what.labels, image.header)).bytes : null;
  return writeAnnotation(projectDir, image, opened, labelBytes, findingBytes);
}

const findingBytesOf = (what: AnnotationToSave): Uint8Array | null => (what.findings !== undefined ? findingsBytes(what.findings) : null);

/** The checks and writes of {@link saveAnnotation}, from encoded files (null: that part is not saved). */
function writeAnnotation(projectDir: string, image: AnnotatedImage, opened: OpenedAnnotation['versions'], labelBytes: Uint8Array | null, findingBytes: Uint8Array | null): OpenedAnnotation['versions'] {
  const key = imageKeyOf(image.sha256);
  const paths = annotationPaths(projectDir, key);
  if (labelBytes) assertUnchanged('saveAnnotation', opened.labels);
  if (findingBytes) assertUnchanged('saveAnnotation', opened.findings);
  mkdirSync(paths.dir, { recursive: true });
  const inputs = [{ what: 'image', path: image.path }];
  const labels = labelBytes ? saveChecked(paths.labels, labelBytes, opened.labels, { inputs }) : opened.labels;
  const findings = findingBytes ? saveChecked(paths.findings, findingBytes, opened.findings, { inputs }) : opened.findings;
  // The autosave goes only when it adds nothing any more (saving the findings alone keeps autosaved label edits).
  if (!recoverableOf(projectDir, key)) discard(projectDir, key);
  return { labels, findings };
}

/** Attempts {@link saveAnnotationAs} makes at a free pair of names before giving up. */
const SAVE_AS_ATTEMPTS = 1000;

/** What a "save as" writes. */
export interface AnnotationToSaveAs {
  labels: LabelData;
  findings: unknown;
}

/**
 * Resolution "save as": writes labels and findings to a new pair of files in the image's
 * annotation folder ({@link savedAsNames}: the first attempt at `at` where neither name exists)
 * through `saveAs` (atomic, refuses an existing path or the image). Nothing else is touched: the
 * saved `labels.nii.gz` and `findings.json` stay theirs and the autosave stays as it is. When the
 * findings cannot be written, the labels just written are removed again (no half pair is left).
 * Synchronous; the service uses {@link saveAnnotationAsAsync}.
 * @returns the versions of the two new files
 * @throws OutputRefusedError when a file appeared at a chosen name meanwhile (nothing written)
 */
export function saveAnnotationAs(projectDir: string, image: AnnotatedImage, what: AnnotationToSaveAs, at: Date = new Date()): { labels: FileVersion; findings: FileVersion } {
  const labelBytes = encodeLabelNifti(what.labels, image.header).bytes;
  return writeAnnotationAs(projectDir, image, labelBytes, findingsBytes(what.findings), at);
}

/**
 * {@link saveAnnotationAs} with the labels gzipped on libuv's thread pool; `what` is read before
 * the first await, the names are chosen and the files written after the gzip.
 * @throws (rejects) as {@link saveAnnotationAs}
 */
export async function saveAnnotationAsAsync(projectDir: string, image: AnnotatedImage, what: AnnotationToSaveAs, at: Date = new Date()): Promise<{ labels: FileVersion; findings: FileVersion }> {
  const findingBytes = findingsBytes(what.findings);
  const labelBytes = (await encodeLabelNiftiAsync(what.labels, image.header)).bytes;
  return writeAnnotationAs(projectDir, image, labelBytes, findingBytes, at);
}

/** The naming and writes of {@link saveAnnotationAs}, from encoded files. */
function writeAnnotationAs(projectDir: string, image: AnnotatedImage, labelBytes: Uint8Array, findingBytes: Uint8Array, at: Date): { labels: FileVersion; findings: FileVersion } {
  const paths = annotationPaths(projectDir, imageKeyOf(image.sha256));
  mkdirSync(paths.dir, { recursive: true });
  let names: { labels: string; findings: string } | null = null;
  for (let attempt = 1; attempt <= SAVE_AS_ATTEMPTS && !names; attempt++) {
    const next = savedAsNames(at, attempt);
    const target = { labels: join(paths.dir, next.labels), findings: join(paths.dir, next.findings) };
    if (!existsSync(target.labels) && !existsSync(target.findings)) names = target;
  }
  if (!names) throw new Error(`saveAnnotationAs: ${paths.dir} already holds ${SAVE_AS_ATTEMPTS} saved-as pairs stamped ${savedAsNames(at).labels}; nothing was written`);
  const inputs = [{ what: 'image', path: image.path }];
  const labels = saveAs(names.labels, labelBytes, { inputs });
  try {
    return { labels, findings: saveAs(names.findings, findingBytes, { inputs }) };
  } catch (e) {
    rmSync(names.labels, { force: true });
    throw e;
  }
}
