/**
 * Recovery after a crash: {@link findRecoverable} lists the autosaves of a project that hold
 * edits the saved files do not (what, from when, how many edits), {@link recover} returns one's
 * labels, findings and label table, {@link discard} removes it. An autosave is offered when its
 * content differs from the saved `labels.nii.gz` / `findings.json` / `labelTable.json` and it is
 * not older than them (a save after the autosave supersedes it).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NiftiHeaderInfo } from '../../shared/io/nifti';
import { readNifti } from '../../shared/io/nifti';
import type { LabelTableJSON } from '../../shared/annotation/labelTable';
import { fsyncDir } from '../fs/atomicWrite';
import { ANNOTATIONS_DIR, annotationPaths, isImageKey } from './annotationFolder';
import { readAutosaveManifest, readAutosaveParts, type AutosaveManifest, type AutosaveReason } from './autosaveFiles';
import { decodeLabelNifti, type LabelData } from './labelNifti';
import { parseLabelTable } from './labelTableFile';
import { readFileVersion, type FileVersion } from './fileVersion';

/** One autosave that can be recovered. */
export interface Recoverable {
  imageKey: string;
  imagePath: string;
  imageSha256: string;
  /** ISO time of the autosave. */
  savedAt: string;
  edits: number;
  reason: AutosaveReason;
  /** Whether it holds labels, findings and a label table that differ from the saved files. */
  labels: boolean;
  findings: boolean;
  table: boolean;
  /** The saved files' modification times (ISO), null when not saved yet. */
  savedLabelsAt: string | null;
  savedFindingsAt: string | null;
  savedTableAt: string | null;
}

/** An annotation folder whose autosave could not be read (listed so that it is not silently lost). */
export interface UnreadableAutosave {
  imageKey: string;
  problem: string;
}

/** Whether an autosave part holds something the saved file does not. */
function differs(sha: string | null, saved: FileVersion, savedAt: number): boolean {
  if (sha === null) return false;
  if (!saved.exists) return true;
  // Not older than the saved file (mtime to the ms, as savedAt), and other content.
  return Math.floor(saved.mtimeMs) <= savedAt && saved.sha256 !== sha;
}

/** The saved files' versions and whether an autosave adds to them. */
function compare(projectDir: string, imageKey: string, m: AutosaveManifest): Recoverable {
  const paths = annotationPaths(projectDir, imageKey);
  const labels = readFileVersion(paths.labels);
  const findings = readFileVersion(paths.findings);
  const table = readFileVersion(paths.table);
  const at = Date.parse(m.savedAt);
  const iso = (v: FileVersion) => (v.exists ? new Date(v.mtimeMs).toISOString() : null);
  return {
    imageKey,
    imagePath: m.imagePath,
    imageSha256: m.imageSha256,
    savedAt: m.savedAt,
    edits: m.edits,
    reason: m.reason,
    labels: differs(m.labelsSha256, labels, at),
    findings: differs(m.findingsSha256, findings, at),
    table: differs(m.tableSha256, table, at),
    savedLabelsAt: iso(labels),
    savedFindingsAt: iso(findings),
    savedTableAt: iso(table),
  };
}

/** Whether an autosave holds anything the saved files do not. */
const adds = (entry: Recoverable): boolean => entry.labels || entry.findings || entry.table;

/** The recoverable autosave of one image, or null when it has none or it adds nothing to the saved files. */
export function recoverableOf(projectDir: string, imageKey: string): Recoverable | null {
  const read = readAutosaveManifest(annotationPaths(projectDir, imageKey));
  if (!read.manifest) return null;
  const entry = compare(projectDir, imageKey, read.manifest);
  return adds(entry) ? entry : null;
}

/**
 * Lists the autosaves in `projectDir` that hold edits not in the saved files, newest first, and
 * the annotation folders whose `autosave.json` could not be used.
 */
export function findRecoverable(projectDir: string): { recoverable: Recoverable[]; unreadable: UnreadableAutosave[] } {
  let keys: string[];
  try {
    keys = readdirSync(join(projectDir, ANNOTATIONS_DIR)).filter(isImageKey);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { recoverable: [], unreadable: [] };
    throw e;
  }
  const recoverable: Recoverable[] = [];
  const unreadable: UnreadableAutosave[] = [];
  for (const imageKey of keys.sort()) {
    const read = readAutosaveManifest(annotationPaths(projectDir, imageKey));
    if (read.problem) unreadable.push({ imageKey, problem: read.problem });
    if (!read.manifest) continue;
    const entry = compare(projectDir, imageKey, read.manifest);
    if (adds(entry)) recoverable.push(entry);
  }
  recoverable.sort((a, b) => Date.parse(b.savedAt) - Date.parse(a.savedAt));
  return { recoverable, unreadable };
}

/** What {@link recover} returns. */
export interface RecoveredAnnotation {
  manifest: AutosaveManifest;
  /** The labels (NIfTI voxel order on the image grid), or null when the autosave holds none. */
  labels: LabelData | null;
  /** The labels file's bytes as autosaved (a valid `.nii.gz`), or null. */
  labelsBytes: Uint8Array | null;
  /** The findings document (parsed JSON), or null. */
  findings: unknown;
  /** The label table (checked by `LabelTable.fromJSON`), or null when the autosave holds none. */
  table: LabelTableJSON | null;
}

/**
 * Reads the autosave of `imageKey`: every file checked against the manifest's SHA-256, the label
 * table by `LabelTable.fromJSON`; with `image`, the labels are checked to lie on the image's grid too.
 * @throws when there is no autosave, or it is damaged (naming the file)
 */
export function recover(projectDir: string, imageKey: string, image?: NiftiHeaderInfo): RecoveredAnnotation {
  const paths = annotationPaths(projectDir, imageKey);
  const read = readAutosaveManifest(paths);
  if (!read.manifest) throw new Error(`recover: no usable autosave for image ${imageKey}${read.problem ? `: ${read.problem}` : ` (${paths.manifest} does not exist)`}`);
  const manifest = read.manifest;
  const parts = readAutosaveParts(paths, manifest);
  let labels: LabelData | null = null;
  if (parts.labels) {
    const what = join(paths.autosaveDir, manifest.files.labels ?? '');
    if (image) labels = decodeLabelNifti(what, parts.labels, image).labels;
    else {
      const data = readNifti(parts.labels).data;
      if (!(data instanceof Uint8Array || data instanceof Uint16Array)) throw new Error(`recover: ${what} does not hold uint8 or uint16 labels`);
      labels = data;
    }
  }
  const findings: unknown = parts.findings ? JSON.parse(new TextDecoder().decode(parts.findings)) : null;
  const table = parts.table ? parseLabelTable(`recover: ${join(paths.autosaveDir, manifest.files.table ?? '')}`, parts.table) : null;
  return { manifest, labels, labelsBytes: parts.labels, findings, table };
}

/**
 * Removes the autosave of `imageKey` (after a recovery was declined, or the recovered state was
 * saved). The manifest goes first, so a crash halfway leaves nothing that is offered again.
 * @returns whether there was one
 */
export function discard(projectDir: string, imageKey: string): boolean {
  const paths = annotationPaths(projectDir, imageKey);
  let had = true;
  try {
    statSync(paths.autosaveDir);
  } catch {
    had = false;
  }
  if (!had) return false;
  rmSync(paths.manifest, { force: true });
  fsyncDir(paths.autosaveDir);
  rmSync(paths.autosaveDir, { recursive: true, force: true });
  return true;
}
