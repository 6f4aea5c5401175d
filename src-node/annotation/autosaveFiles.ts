/**
 * One autosave on disk: the labels, findings and label table of generation n as
 * `labels-<n>.nii.gz`, `findings-<n>.json` and `labelTable-<n>.json`, then `autosave.json` naming them — each through the one atomic writer,
 * the manifest last. A process killed at any point leaves the manifest of generation n − 1 (whose
 * files are only removed after the new manifest is in place) or that of n: recovery always finds
 * one complete autosave, never a mix of two, and never a torn file (each file is whole or absent,
 * and the manifest's SHA-256s prove it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FS, writeFileAtomic, type AtomicWriteOptions } from '../fs/atomicWrite';
import { ANNOTATION_FILES, type AnnotationPaths } from './annotationFolder';
import { sha256Hex } from '../fs/sha256';

/** Why an autosave was written: the idle interval passed, the image or app was closed, or a caller asked. */
export type AutosaveReason = 'idle' | 'close' | 'explicit';

/** `autosave.json`'s `format`. */
export const AUTOSAVE_FORMAT = 'patchlens.autosave';

/**
 * `autosave.json`'s `version` as written. Version 1 (before the label table was autosaved) is
 * still read: it holds no table (`tableSha256` and `files.table` read as null).
 */
export const AUTOSAVE_VERSION = 2;

/** `autosave.json`: what the latest complete autosave holds. */
export interface AutosaveManifest {
  format: typeof AUTOSAVE_FORMAT;
  version: 1 | typeof AUTOSAVE_VERSION;
  /** The image's path when the autosave was written (it may have moved since: the key is its hash). */
  imagePath: string;
  imageSha256: string;
  /** ISO 8601 time of the save. */
  savedAt: string;
  /** SHA-256 of the labels file, or null when the autosave holds no labels. */
  labelsSha256: string | null;
  /** SHA-256 of the findings file, or null when it holds no findings. */
  findingsSha256: string | null;
  /** SHA-256 of the label table file, or null when it holds no table. */
  tableSha256: string | null;
  /** The edit history's step count at the time of the snapshot. */
  edits: number;
  reason: AutosaveReason;
  /** The generation n (1, 2, …). */
  sequence: number;
  /** The files of this autosave inside `autosave/` (a file may be an earlier generation's when it did not change). */
  files: { labels: string | null; findings: string | null; table: string | null };
}

/** What one autosave writes (bytes already encoded). */
export interface AutosaveContent {
  imagePath: string;
  imageSha256: string;
  labels: Uint8Array | null;
  findings: Uint8Array | null;
  /** `labelTable.json`'s bytes (labelTableFile.ts); left out or null, the autosave holds no table. */
  table?: Uint8Array | null;
  edits: number;
  reason: AutosaveReason;
  savedAt: Date;
}

/** Names of the generation files the writer makes (anything else in `autosave/` is left alone). */
const GENERATION_FILE = /^(labels-\d+\.nii\.gz|findings-\d+\.json|labelTable-\d+\.json)$/;

/** The bytes of findings as `findings.json` holds them (pretty JSON, trailing newline, as writeJsonAtomic). */
export function findingsBytes(findings: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(findings, null, 2)}\n`);
}

/**
 * Writes one autosave (see the file comment) after `previous` (the manifest now on disk, or
 * null). A part whose bytes equal the previous generation's is not written again.
 * @returns the new manifest
 */
export function writeAutosave(paths: AnnotationPaths, content: AutosaveContent, previous: AutosaveManifest | null, options: AtomicWriteOptions = {}): AutosaveManifest {
  const fs = options.fs ?? NODE_FS;
  fs.mkdirSync(paths.autosaveDir, { recursive: true });
  const sequence = (previous?.sequence ?? 0) + 1;
  const present = new Set(fs.readdirSync(paths.autosaveDir));
  const part = (bytes: Uint8Array | null, name: string, prevFile: string | null, prevSha: string | null) => {
    if (!bytes) return { file: null, sha256: null };
    const sha256 = sha256Hex(bytes);
    // Reuse the previous generation's file only while it is there (a discard may have removed it).
    if (prevFile && prevSha === sha256 && present.has(prevFile)) return { file: prevFile, sha256 };
    writeFileAtomic(join(paths.autosaveDir, name), bytes, options);
    return { file: name, sha256 };
  };
  const labels = part(content.labels, `labels-${sequence}.nii.gz`, previous?.files.labels ?? null, previous?.labelsSha256 ?? null);
  const findings = part(content.findings, `findings-${sequence}.json`, previous?.files.findings ?? null, previous?.findingsSha256 ?? null);
  const table = part(content.table ?? null, `labelTable-${sequence}.json`, previous?.files.table ?? null, previous?.tableSha256 ?? null);
  const manifest: AutosaveManifest = {
    format: AUTOSAVE_FORMAT,
    version: AUTOSAVE_VERSION,
    imagePath: content.imagePath,
    imageSha256: content.imageSha256,
    savedAt: content.savedAt.toISOString(),
    labelsSha256: labels.sha256,
    findingsSha256: findings.sha256,
    tableSha256: table.sha256,
    edits: content.edits,
    reason: content.reason,
    sequence,
    files: { labels: labels.file, findings: findings.file, table: table.file },
  };
  writeFileAtomic(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`, options);
  // Only now are the earlier generations' files unreferenced.
  const keep = new Set([manifest.files.labels, manifest.files.findings, manifest.files.table]);
  for (const name of fs.readdirSync(paths.autosaveDir)) {
    if (GENERATION_FILE.test(name) && !keep.has(name)) fs.rmSync(join(paths.autosaveDir, name), { force: true });
  }
  return manifest;
}

const REASONS: readonly AutosaveReason[] = ['idle', 'close', 'explicit'];
const HEX64 = /^[0-9a-f]{64}$/;

/** Checks a parsed `autosave.json` (a version 1 one given its null table first); returns what is wrong, or null. */
function manifestProblem(m: Record<string, unknown>): string | null {
  if (m.format !== AUTOSAVE_FORMAT || (m.version !== 1 && m.version !== AUTOSAVE_VERSION)) return `format ${JSON.stringify(m.format)} version ${JSON.stringify(m.version)}, expected ${AUTOSAVE_FORMAT} version 1 or ${AUTOSAVE_VERSION}`;
  if (typeof m.imagePath !== 'string' || typeof m.imageSha256 !== 'string' || !HEX64.test(m.imageSha256)) return 'imagePath or imageSha256 is missing';
  if (typeof m.savedAt !== 'string' || Number.isNaN(Date.parse(m.savedAt))) return `savedAt ${JSON.stringify(m.savedAt)} is not a time`;
  if (!Number.isInteger(m.edits) || (m.edits as number) < 0) return `edits ${JSON.stringify(m.edits)} is not a step count`;
  if (!REASONS.includes(m.reason as AutosaveReason)) return `reason ${JSON.stringify(m.reason)} is not one of ${REASONS.join(', ')}`;
  if (!Number.isInteger(m.sequence) || (m.sequence as number) < 1) return `sequence ${JSON.stringify(m.sequence)} is not a positive integer`;
  const files = m.files as Record<string, unknown> | undefined;
  if (typeof files !== 'object' || files === null) return 'files is missing';
  for (const k of ['labels', 'findings', 'table'] as const) {
    const file = files[k];
    const sha = m[`${k}Sha256`];
    if (file === null && sha === null) continue;
    if (typeof file !== 'string' || !GENERATION_FILE.test(file) || typeof sha !== 'string' || !HEX64.test(sha)) return `files.${k} / ${k}Sha256 are not a file name and its SHA-256`;
  }
  return null;
}

/** An `autosave.json` as read: the manifest, or null when there is none; `problem` says why one could not be used. */
export type ReadManifest = { manifest: AutosaveManifest; problem: null } | { manifest: null; problem: string | null };

/** Reads and checks `autosave.json` (no manifest: `{ manifest: null, problem: null }`). */
export function readAutosaveManifest(paths: AnnotationPaths): ReadManifest {
  let text: string;
  try {
    text = readFileSync(paths.manifest, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { manifest: null, problem: null };
    return { manifest: null, problem: `${paths.manifest} cannot be read: ${(e as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { manifest: null, problem: `${paths.manifest} is not valid JSON: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { manifest: null, problem: `${paths.manifest} is not an object` };
  const m = value as Record<string, unknown>;
  if (m.version === 1) {
    // Version 1 autosaved no table.
    m.tableSha256 = null;
    if (typeof m.files === 'object' && m.files !== null) (m.files as Record<string, unknown>).table = null;
  }
  const problem = manifestProblem(m);
  return problem ? { manifest: null, problem: `${paths.manifest}: ${problem}` } : { manifest: value as AutosaveManifest, problem: null };
}

/**
 * Reads the files a manifest names and checks each against its SHA-256.
 * @throws naming the file when one is missing or does not match (an autosave damaged from outside)
 */
export function readAutosaveParts(paths: AnnotationPaths, manifest: AutosaveManifest): { labels: Uint8Array | null; findings: Uint8Array | null; table: Uint8Array | null } {
  const read = (file: string | null, sha: string | null) => {
    if (!file) return null;
    const path = join(paths.autosaveDir, file);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new Error(`recover: the autosave is damaged: ${path} cannot be read (${(e as Error).message})`);
    }
    if (sha256Hex(bytes) !== sha) throw new Error(`recover: the autosave is damaged: ${path} does not match the SHA-256 in ${ANNOTATION_FILES.manifest}`);
    return bytes;
  };
  return { labels: read(manifest.files.labels, manifest.labelsSha256), findings: read(manifest.files.findings, manifest.findingsSha256), table: read(manifest.files.table, manifest.tableSha256) };
}
