/**
 * Whether a sweep may write into a folder: a new or empty folder, or one that holds a compatible
 * sweep (same model, the same case files and the settings results depend on: a resume, another
 * shard, a larger grid). Another sweep there is refused unless forced; then its files are moved
 * aside into a dated subfolder, never deleted. Files PatchLens did not write are never touched.
 */
import { join, resolve } from 'node:path';
import type { SweepCase, SweepFile, SweepModelInfo, SweepSettings } from '../../shared/sweep/types';
import { assertNoInputOverwrite, folderEntries, listNames, modelFolderOf, moveAside, OutputRefusedError, type GuardedInput, type GuardWording } from '../fs/outputGuard';
import { readSweepFile, SWEEP_LAYOUT } from './sweepFolder';

/** Every name a sweep (and its report) writes in its folder. */
export const SWEEP_OUTPUTS: readonly string[] = [SWEEP_LAYOUT.sweep, SWEEP_LAYOUT.results, SWEEP_LAYOUT.summary, SWEEP_LAYOUT.maps, 'report.html', 'report.pdf', 'report.json'];

/** How the library names its options in a refusal (the CLI passes its flags). */
export const SWEEP_API_WORDING: GuardWording = { command: 'runSweep', out: 'dir', force: 'force: true' };

/** The sweep about to be written: what must match an earlier one in the folder. */
export interface SweepIdentity {
  model: SweepModelInfo;
  cases: readonly SweepCase[];
  /** Per case: model, case files and settings (see `sweep.json`'s `fingerprints`). */
  fingerprints: Record<string, string>;
  settings: SweepSettings;
}

/** What {@link claimSweepFolder} found. */
export interface ClaimedSweepFolder {
  /** The compatible sweep already there (null: none, or it was moved aside). */
  before: SweepFile | null;
  /** Where an incompatible earlier sweep was moved with `force` (null: nothing moved). */
  movedAside: string | null;
}

/** The settings a result depends on (they are part of every case's fingerprint). */
const RESULT_SETTINGS = ['batchSize', 'measure', 'diceMode', 'crop'] as const;

const short = (h: string) => `${h.slice(0, 12)}…`;

/** Why an earlier sweep is not the same sweep (empty: compatible). */
export function sweepDifferences(before: SweepFile, next: SweepIdentity): string[] {
  const reasons: string[] = [];
  if (before.model.sha256 !== next.model.sha256) reasons.push(`another model (${before.model.name}, sha256 ${short(before.model.sha256)}; now ${next.model.name}, ${short(next.model.sha256)})`);
  const settings = RESULT_SETTINGS.filter((k) => JSON.stringify(before.settings?.[k]) !== JSON.stringify(next.settings[k]));
  if (settings.length > 0) reasons.push(`other settings (${settings.map((k) => `${k} ${JSON.stringify(before.settings?.[k])}, now ${JSON.stringify(next.settings[k])}`).join('; ')})`);
  const ids = new Set(next.cases.map((c) => c.id));
  const dropped = before.cases.map((c) => c.id).filter((id) => !ids.has(id));
  if (dropped.length > 0) reasons.push(`other cases (${listNames(dropped)} not in this sweep)`);
  if (reasons.length === 0) {
    // Same model and settings: a fingerprint that differs means other image or label files.
    const changed = before.cases.map((c) => c.id).filter((id) => ids.has(id) && before.fingerprints[id] !== next.fingerprints[id]);
    if (changed.length > 0) reasons.push(`other case files (the image or label SHA-256 of ${listNames(changed)} differs)`);
  }
  return reasons;
}

/**
 * Checks a sweep folder before anything is written into it, and with `force` moves an
 * incompatible earlier sweep aside (into `<dir>/replaced-<date>/`).
 * @throws OutputRefusedError when the folder holds sweep files PatchLens did not write (no or an
 * unreadable sweep.json beside them), or another sweep without `force`
 */
export function claimSweepFolder(dir: string, next: SweepIdentity, options: { force?: boolean; wording?: GuardWording; now?: Date } = {}): ClaimedSweepFolder {
  const { command, out, force } = options.wording ?? SWEEP_API_WORDING;
  const root = resolve(dir);
  let entries: string[];
  try {
    entries = folderEntries(root);
  } catch (e) {
    if (e instanceof OutputRefusedError) throw new OutputRefusedError(`${command}: ${out} ${root} is a file, not a folder; choose another ${out}`);
    throw e;
  }
  const ours = entries.filter((n) => SWEEP_OUTPUTS.includes(n));
  let before: SweepFile | null;
  try {
    before = readSweepFile(root);
  } catch (e) {
    throw new OutputRefusedError(`${command}: ${out} ${root} holds a ${SWEEP_LAYOUT.sweep} that PatchLens cannot read (${(e as Error).message.replace(/^readSweepFile: /, '')}); it is never replaced; choose another ${out}`);
  }
  if (!before) {
    // Sweep files without sweep.json are not a sweep's: an empty results/ (a sweep that never got further) is fine.
    const foreign = ours.filter((n) => !(n === SWEEP_LAYOUT.results && folderEntries(join(root, n)).length === 0));
    if (foreign.length > 0) throw new OutputRefusedError(`${command}: ${out} ${root} holds ${listNames(foreign)} but no ${SWEEP_LAYOUT.sweep}: PatchLens did not write them; they are never replaced, even with ${force}; choose another ${out}`);
    return { before: null, movedAside: null };
  }
  const reasons = sweepDifferences(before, next);
  if (reasons.length === 0) return { before, movedAside: null };
  if (!options.force) {
    throw new OutputRefusedError(`${command}: ${out} ${root} holds a sweep of ${reasons.join('; ')}; add ${force} to move it aside into ${join(root, 'replaced-<date>')} (nothing is deleted), or choose another ${out}`);
  }
  return { before: null, movedAside: moveAside(root, ours, 'replaced', options.now) };
}

/**
 * Refuses a sweep folder that would write over one of its inputs: the folder or one of its files
 * (sweep.json, results/, summary.json, maps/, the report) resolving to a case's image or label
 * file, or lying inside the model folder.
 * @throws OutputRefusedError naming both
 */
export function assertSweepInputsSafe(dir: string, cases: readonly SweepCase[], modelPath: string | null, wording: GuardWording = SWEEP_API_WORDING): void {
  const outputs = SWEEP_OUTPUTS.map((n) => ({ path: join(dir, n), folder: n === SWEEP_LAYOUT.results || n === SWEEP_LAYOUT.maps }));
  const inputs: GuardedInput[] = cases.flatMap((c) => [
    { what: `case ${c.id} image`, path: c.image },
    { what: `case ${c.id} label`, path: c.label },
  ]);
  if (modelPath) inputs.push({ what: wording.out.startsWith('--') ? '--model' : 'model', path: modelFolderOf(modelPath), folder: true });
  assertNoInputOverwrite(wording, dir, outputs, inputs);
}
