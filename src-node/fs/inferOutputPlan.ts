/**
 * Whether `patchlens infer --out X` may write X, and how: X missing or empty is written fresh; X
 * holding exactly this result (same model, image, labels and options, every file's SHA-256 as
 * result.json lists it) needs no run at all; X holding another PatchLens result is replaced as a
 * whole only with --force; anything PatchLens did not write (or changed since) is never replaced.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INFERENCE_FILES, INFERENCE_RESULT_FORMAT } from '../writeInferenceOutputs';
import { folderEntries, listNames, OutputRefusedError, type GuardWording } from './outputGuard';

/** What makes two inference results the same: the inputs' SHA-256s and the options asked for. */
export interface InferIdentity {
  /** The model's SHA-256 (`modelHash`). */
  model: string;
  /** SHA-256 of the image file and of the label file (null without labels). */
  image: string;
  label: string | null;
  /** The options asked for (as result.json's `request` holds them). */
  request: Record<string, unknown>;
}

/** What to do with the output folder. */
export type InferOutputPlan =
  /** Missing or empty: write it. */
  | { kind: 'new'; dir: string }
  /** It already holds this result, verified: nothing to do; `files` are its paths, result.json last. */
  | { kind: 'same'; dir: string; files: string[] }
  /** It holds an earlier PatchLens result and --force was given: replace it as a whole; `replaceable` are its entries. */
  | { kind: 'replace'; dir: string; replaceable: string[] };

/** An earlier result.json, as far as this check needs it. */
interface EarlierResult {
  files: { name: string; sha256: string | null }[];
  model: string | null;
  image: string | null;
  label: string | null;
  request: Record<string, unknown> | null;
}

/** JSON with sorted keys (two requests with the same options compare equal). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** result.json of an earlier PatchLens inference, or null when `path` is missing or not one. */
function readEarlier(path: string): EarlierResult | null {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object' || !Array.isArray(v.files)) return null;
  const app = v.app as { name?: unknown } | undefined;
  if (v.format !== INFERENCE_RESULT_FORMAT && app?.name !== 'patchlens') return null;
  // Results written before result.json listed hashes list the names only (unverifiable).
  const files = (v.files as unknown[]).map((f) => (typeof f === 'string' ? { name: f, sha256: null } : { name: str((f as { name?: unknown })?.name) ?? '', sha256: str((f as { sha256?: unknown })?.sha256) }));
  if (files.some((f) => f.name === '' || f.name.includes('/') || f.name.includes('\\'))) return null;
  const inputs = (v.inputs ?? {}) as { image?: { sha256?: unknown } | null; label?: { sha256?: unknown } | null };
  return {
    files,
    model: str((v.model as { sha256?: unknown } | undefined)?.sha256),
    image: str(inputs.image?.sha256),
    label: inputs.label ? str(inputs.label.sha256) : null,
    request: v.request !== null && typeof v.request === 'object' ? (v.request as Record<string, unknown>) : null,
  };
}

function sha256File(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

const short = (h: string | null) => (h === null ? 'none' : `${h.slice(0, 12)}…`);

/**
 * Decides what `infer --out <out>` does with an existing folder (see {@link InferOutputPlan}).
 * @throws OutputRefusedError (one line) when the folder holds files PatchLens did not write,
 * files changed since PatchLens wrote them, or another result without `force`
 */
export function planInferOutput(out: string, identity: InferIdentity, force: boolean, wording: GuardWording): InferOutputPlan {
  const { command, out: flag, force: forceFlag } = wording;
  const dir = resolve(out);
  let entries: string[];
  try {
    entries = folderEntries(dir);
  } catch (e) {
    if (e instanceof OutputRefusedError) throw new OutputRefusedError(`${command}: ${flag} ${dir} is a file, not a folder; choose another ${flag}`);
    throw e;
  }
  if (entries.length === 0) return { kind: 'new', dir };
  const never = `they are never replaced, even with ${forceFlag}; move them or choose another ${flag}`;
  const earlier = readEarlier(join(dir, INFERENCE_FILES.result));
  if (!earlier) throw new OutputRefusedError(`${command}: ${flag} ${dir} is not empty and holds no PatchLens result: it holds ${listNames(entries)}, which PatchLens did not write; ${never}`);
  const ours = new Set([INFERENCE_FILES.result, ...earlier.files.map((f) => f.name)]);
  const foreign = entries.filter((n) => !ours.has(n));
  if (foreign.length > 0) throw new OutputRefusedError(`${command}: ${flag} ${dir} holds ${listNames(foreign)} beside an earlier PatchLens result, which PatchLens did not write; ${never}`);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const f of earlier.files) {
    if (!entries.includes(f.name)) missing.push(f.name);
    else if (f.sha256 !== null && sha256File(join(dir, f.name)) !== f.sha256) changed.push(f.name);
  }
  if (changed.length > 0) throw new OutputRefusedError(`${command}: ${flag} ${dir} holds ${listNames(changed)}, changed since PatchLens wrote them (the SHA-256 differs from result.json); ${never}`);
  const reasons: string[] = [];
  if (earlier.model !== identity.model) reasons.push(`another model (sha256 ${short(earlier.model)}, now ${short(identity.model)})`);
  if (earlier.image !== identity.image) reasons.push(`another image (sha256 ${short(earlier.image)}, now ${short(identity.image)})`);
  if (earlier.label !== identity.label) reasons.push(`other labels (sha256 ${short(earlier.label)}, now ${short(identity.label)})`);
  if (earlier.request === null) reasons.push('no recorded options (written by an older PatchLens)');
  else if (stableJson(earlier.request) !== stableJson(identity.request)) {
    const keys = [...new Set([...Object.keys(earlier.request), ...Object.keys(identity.request)])].filter((k) => stableJson(earlier.request![k]) !== stableJson(identity.request[k]));
    reasons.push(`other options (${keys.join(', ')})`);
  }
  if (earlier.files.some((f) => f.sha256 === null)) reasons.push('no file hashes to verify it (written by an older PatchLens)');
  if (missing.length > 0) reasons.push(`${listNames(missing)} missing`);
  if (reasons.length === 0) return { kind: 'same', dir, files: [...earlier.files.map((f) => join(dir, f.name)), join(dir, INFERENCE_FILES.result)] };
  if (!force) throw new OutputRefusedError(`${command}: ${flag} ${dir} already holds another result (${reasons.join('; ')}); add ${forceFlag} to replace it, or choose another ${flag}`);
  return { kind: 'replace', dir, replaceable: entries };
}
