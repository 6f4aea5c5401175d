/**
 * `patchlens report --findings <project folder>`: which image's annotation of a project folder
 * (docs/annotation-files.md: `<project>/annotations/<image key>/findings.json`, `labels.nii.gz`
 * and `labelTable.json`, written by the app's Save) the report uses. Only reads: nothing is ever
 * written into the project folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { LabelTableJSON } from '../shared/annotation/labelTable';
import { parseFindings } from '../shared/findings';
import { ANNOTATIONS_DIR, annotationPaths, imageKeyOf, isImageKey, type AnnotationPaths } from '../src-node/annotation/annotationFolder';
import { parseLabelTable } from '../src-node/annotation/labelTableFile';
import { InputError, UsageError } from './usageError';

/** The annotation of one image found in a project folder. */
export interface FolderAnnotation {
  /** The image key (16 hex digits of the image's SHA-256). */
  key: string;
  /** Its findings.json (absolute). */
  findings: string;
  /** Its saved labels.nii.gz (absolute), null when the folder has none. */
  labels: string | null;
  /**
   * Its saved label table (`labelTable.json`, `ANNOTATION_FILES.labelTable`, absolute), null when
   * the folder has none. The report draws the saved labels in its colours, hidden labels left out.
   */
  table: string | null;
}

/**
 * The `annotations/` folder of `dir`: `dir` itself when it is named `annotations` and has no
 * `annotations/` inside (the user gave the annotations folder), else `dir/annotations`.
 */
export function annotationsDirOf(dir: string): string {
  const abs = resolve(dir);
  const inside = join(abs, ANNOTATIONS_DIR);
  if (basename(abs) === ANNOTATIONS_DIR && !isDir(inside)) return abs;
  return inside;
}

/**
 * The annotation `--findings <folder>` names: with the image's SHA-256 the one under its key;
 * without it the only image's annotation that holds findings.
 * @throws InputError when the folder has no annotation for the image (naming the folder and
 * the key looked for) or no annotation at all; UsageError without `imageSha256` when several
 * images have findings (listing each image's name and key, asking for `--image`)
 */
export function findFolderAnnotation(dir: string, imageSha256: string | null): FolderAnnotation {
  const annotations = annotationsDirOf(dir);
  const project = dirname(annotations);
  if (imageSha256 !== null) {
    const key = imageKeyOf(imageSha256);
    const paths = annotationPaths(project, key);
    if (!existsSync(paths.findings)) {
      const why = isDir(paths.dir) ? `its folder ${paths.dir} has no ${basename(paths.findings)} (no findings saved yet)` : `there is no ${paths.dir}`;
      throw new InputError(`report: --findings ${dir}: no findings of the --image in ${annotations} (image key ${key}, the first 16 hex digits of its SHA-256 ${imageSha256}): ${why}`);
    }
    return found(key, paths);
  }
  const keys = isDir(annotations) ? readdirSync(annotations).filter((k) => isImageKey(k) && existsSync(annotationPaths(project, k).findings)).sort() : [];
  if (keys.length === 0) throw new InputError(`report: --findings ${dir}: ${annotations} holds no image's findings (no <image key>/findings.json; the app's Save writes them)`);
  if (keys.length > 1) {
    const list = keys.map((k) => `${imageNameOf(annotationPaths(project, k).findings)} (key ${k})`).join(', ');
    throw new UsageError(`report: --findings ${dir} holds the findings of ${keys.length} images: ${list}; give --image <image.nii.gz> to choose one`);
  }
  return found(keys[0], annotationPaths(project, keys[0]));
}

/** The files of the annotation with `key` whose findings.json exists. */
function found(key: string, paths: AnnotationPaths): FolderAnnotation {
  return { key, findings: paths.findings, labels: existsSync(paths.labels) ? paths.labels : null, table: existsSync(paths.table) ? paths.table : null };
}

/**
 * The label table saved in a project folder, read as the app reads it
 * (src-node/annotation/labelTableFile.ts: format, version, then `LabelTable.fromJSON`).
 * @throws InputError naming the file when it cannot be read, is not JSON, is not a PatchLens
 *   label table file or is not a label table
 */
export function readFolderTable(path: string): LabelTableJSON {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`report: the saved label table ${path}: ${(e as Error).message}`);
  }
  try {
    return parseLabelTable(path, text);
  } catch (e) {
    throw new InputError(`report: the saved label table ${(e as Error).message}`);
  }
}

/** The image name a findings.json names, or why it cannot be read (for the list of several). */
function imageNameOf(findingsPath: string): string {
  try {
    return parseFindings(readFileSync(findingsPath, 'utf8')).image.name;
  } catch (e) {
    return `an image whose findings.json cannot be read: ${(e as Error).message.split('\n')[0]}`;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
