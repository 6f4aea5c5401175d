/**
 * Where an image's annotation lives in the project folder:
 *
 * ```
 * <project>/annotations/<image key>/
 *   labels.nii.gz          saved labels (the image's geometry)
 *   findings.json          saved findings (docs/findings.md)
 *   labelTable.json        saved label table: names, colours, locked, visible (labelTableFile.ts)
 *   labels.saved-as-<stamp>.nii.gz   labels written by a "save as" out of a conflict
 *   findings.saved-as-<stamp>.json   the findings written with them
 *   labelTable.saved-as-<stamp>.json the label table written with them
 *   autosave/
 *     autosave.json        the manifest of the latest complete autosave (written last)
 *     labels-<n>.nii.gz    the labels of autosave n
 *     findings-<n>.json    the findings of autosave n
 *     labelTable-<n>.json  the label table of autosave n
 * ```
 *
 * The image key is the first 16 hex digits of the image file's SHA-256, not its name or path:
 * the annotation follows the image when it is moved, renamed or opened through another mount,
 * two different images called `t1.nii.gz` never share labels, and an image whose content changed
 * (resampled, replaced) does not silently get labels drawn on another grid. 64 bits make a
 * collision between a user's images negligible; the full hash is kept in `autosave.json`.
 */
import { join } from 'node:path';

/** The project's subfolder that holds every image's annotation. */
export const ANNOTATIONS_DIR = 'annotations';

/** The names inside an image's annotation folder. */
export const ANNOTATION_FILES = {
  labels: 'labels.nii.gz',
  findings: 'findings.json',
  labelTable: 'labelTable.json',
  autosave: 'autosave',
  manifest: 'autosave.json',
} as const;

/** Hex digits of the image's SHA-256 that make its key. */
export const IMAGE_KEY_DIGITS = 16;

const SHA256 = /^[0-9a-f]{64}$/;
const KEY = new RegExp(`^[0-9a-f]{${IMAGE_KEY_DIGITS}}$`);

/** The image key of an image file from its SHA-256 (64 lowercase hex digits). */
export function imageKeyOf(imageSha256: string): string {
  if (typeof imageSha256 !== 'string' || !SHA256.test(imageSha256)) throw new TypeError(`imageKeyOf: imageSha256 must be 64 lowercase hex digits, got ${JSON.stringify(imageSha256)}`);
  return imageSha256.slice(0, IMAGE_KEY_DIGITS);
}

/** Whether a folder name is an image key (what {@link annotationPaths} accepts). */
export function isImageKey(name: string): boolean {
  return KEY.test(name);
}

/** The paths of one image's annotation. */
export interface AnnotationPaths {
  dir: string;
  labels: string;
  findings: string;
  /** The saved label table (`labelTable.json`). */
  table: string;
  autosaveDir: string;
  manifest: string;
}

/**
 * The paths of the annotation of the image with key `imageKey` in `projectDir`.
 * @throws for a key that is not 16 hex digits (a key is never a path: no `..`, no separator)
 */
export function annotationPaths(projectDir: string, imageKey: string): AnnotationPaths {
  if (!isImageKey(imageKey)) throw new TypeError(`annotationPaths: imageKey must be ${IMAGE_KEY_DIGITS} lowercase hex digits, got ${JSON.stringify(imageKey)}`);
  const dir = join(projectDir, ANNOTATIONS_DIR, imageKey);
  const autosaveDir = join(dir, ANNOTATION_FILES.autosave);
  return {
    dir,
    labels: join(dir, ANNOTATION_FILES.labels),
    findings: join(dir, ANNOTATION_FILES.findings),
    table: join(dir, ANNOTATION_FILES.labelTable),
    autosaveDir,
    manifest: join(autosaveDir, ANNOTATION_FILES.manifest),
  };
}

/** The infix of the files a "save as" writes (`labels.saved-as-<stamp>.nii.gz`). */
export const SAVED_AS = 'saved-as';

/** The names of one "save as" ({@link savedAsNames}). */
export interface SavedAsNames {
  labels: string;
  findings: string;
  table: string;
}

/**
 * The names a "save as" out of a conflict writes in the annotation folder, a set with one stamp:
 * `labels.saved-as-<stamp>.nii.gz`, `findings.saved-as-<stamp>.json` and
 * `labelTable.saved-as-<stamp>.json`. The stamp is the UTC time
 * in ISO 8601 basic form to the second (`20260102T030405Z`: sorts by time, no `:` for file systems
 * that refuse it), with `-<attempt>` from the second attempt on (`20260102T030405Z-2`), for a
 * second save-as within the same second.
 * @throws RangeError for an invalid date or an attempt that is not an integer ≥ 1
 */
export function savedAsNames(at: Date, attempt = 1): SavedAsNames {
  if (!Number.isFinite(at.getTime())) throw new RangeError('savedAsNames: at must be a valid date');
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`savedAsNames: attempt must be an integer ≥ 1, got ${attempt}`);
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '') + (attempt > 1 ? `-${attempt}` : '');
  return { labels: `labels.${SAVED_AS}-${stamp}.nii.gz`, findings: `findings.${SAVED_AS}-${stamp}.json`, table: `labelTable.${SAVED_AS}-${stamp}.json` };
}
