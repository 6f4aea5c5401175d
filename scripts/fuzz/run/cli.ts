/**
 * Executor of the `cli` target: parses the case's argv with `parseInferArgs`, `parseSweepArgs`
 * or `parseReportArgs`. A refusal must be a one-line UsageError naming the command and the
 * option; a parse that succeeds must have every numeric field finite and in its documented
 * range, and its patch and overlap must plan (on the case's image shape) within the window
 * limit or be refused by the planner with an error that names patch and overlap.
 */
import { BATCH_RANGE, MAX_IMAGE_GIB_RANGE, OVERLAP_RANGE, parseInferArgs, PATCH_RANGE } from '../../../src-cli/inferArgs';
import { parseReportArgs } from '../../../src-cli/reportCommand';
import { MAX_SHARDS, parseSweepArgs, REPEATS_RANGE } from '../../../src-cli/sweepArgs';
import type { NumberRange } from '../../../src-cli/usageError';
import { MAX_WINDOWS, planWindows } from '../../../shared/stitching/planWindows';
import type { Placement } from '../../../shared/grid/placement';
import type { CaseInput, Verdict } from '../types';
import { accepted, classifyError, garbage } from '../verdict';

/** Errors of the window planner that name patch and overlap. */
const PLAN_CLEAN = /^(planWindows|slidingWindow|patchGrid|patchStarts): /;

/** Why `v` is outside `range` (null when inside). */
function outside(name: string, v: unknown, range: NumberRange): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} is ${String(v)}, not a finite number`;
  if (range.integer && !Number.isInteger(v)) return `${name} is ${v}, not an integer`;
  if (range.minExclusive ? !(v > range.min) : !(v >= range.min)) return `${name} is ${v}, below ${range.min}`;
  if (!(v <= range.max)) return `${name} is ${v}, above ${range.max}`;
  return null;
}

/** The first problem in a list of per-axis vectors (one entry or three, each in range). */
function badVectors(name: string, vectors: unknown, range: NumberRange): string | null {
  if (!Array.isArray(vectors) || vectors.length === 0) return `${name} is ${JSON.stringify(vectors)}`;
  for (const v of vectors) {
    if (!Array.isArray(v) || (v.length !== 1 && v.length !== 3)) return `${name} has an entry ${JSON.stringify(v)} that is not 1 or 3 values`;
    for (const x of v) {
      const why = outside(name, x, range);
      if (why) return why;
    }
  }
  return null;
}

/** Plans patch × overlap × placement on `shape`: null when the plan is sane, a verdict when it is refused (clean or not) or insane. */
function plan(shape: number[], patch: number[], overlap: number[], placement: Placement): Verdict | null {
  const expand = (v: number[]) => (v.length === 1 ? shape.map(() => v[0]) : v);
  try {
    const p = planWindows(shape, { patchSize: expand(patch), overlap: expand(overlap), placement });
    if (p.windows.length > MAX_WINDOWS) return garbage(`planWindows accepted ${p.windows.length} windows, over its limit of ${MAX_WINDOWS}`);
    const count = p.starts.reduce((a, s) => a * s.length, 1);
    if (count !== p.windows.length) return garbage(`planWindows: ${p.windows.length} windows but ${count} start combinations`);
    for (const w of p.windows.slice(0, 64)) {
      if (w.start.some((s, a) => !Number.isInteger(s) || s < 0 || s + p.patchSize[a] > p.paddedShape[a])) return garbage(`window ${w.index} at [${w.start}] leaves the padded frame [${p.paddedShape}]`);
    }
    return null;
  } catch (e) {
    const v = classifyError(e, PLAN_CLEAN);
    return v.outcome === 'clean' ? v : { ...v, message: `planning patch [${patch}] overlap [${overlap}] on [${shape}]: ${v.message}` };
  }
}

/** Runs one case of the cli target. */
export async function execute(input: CaseInput): Promise<Verdict> {
  const argv = input.argv as string[];
  const shape = input.shape as number[];
  const command = input.mode;
  const clean = new RegExp(`^${command}: `);
  try {
    if (command === 'report') {
      const a = parseReportArgs(argv);
      if (a.out === '' || (a.sweepDir !== null && a.sweepDir.startsWith('-'))) return garbage(`parseReportArgs accepted ${JSON.stringify(a)}`);
      return accepted('report arguments');
    }
    if (command === 'infer') {
      const a = parseInferArgs(argv);
      if (!a.help && (!a.image || !a.model || !a.out)) return garbage(`parseInferArgs accepted empty --image/--model/--out: ${JSON.stringify(a)}`);
      const why =
        (Array.isArray(a.patch) ? badVectors('patch', [a.patch], PATCH_RANGE) : a.patch === undefined || a.patch === 'whole' ? null : `patch is ${JSON.stringify(a.patch)}`) ??
        badVectors('overlap', [a.overlap], OVERLAP_RANGE) ??
        outside('batch', a.batch, BATCH_RANGE) ??
        outside('maxImageBytes / 2^30', a.maxImageBytes / 2 ** 30, MAX_IMAGE_GIB_RANGE);
      if (why) return garbage(`parseInferArgs accepted ${why}`);
      if (Array.isArray(a.patch)) return plan(shape, a.patch, a.overlap, a.placement) ?? accepted('infer arguments, planned');
      return accepted('infer arguments');
    }
    const a = parseSweepArgs(argv);
    const why =
      (a.patch === undefined ? null : badVectors('patch', a.patch, PATCH_RANGE)) ??
      badVectors('overlap', a.overlap, OVERLAP_RANGE) ??
      outside('repeats', a.repeats, REPEATS_RANGE) ??
      outside('batch', a.batch, BATCH_RANGE) ??
      outside('maxImageBytes / 2^30', a.maxImageBytes / 2 ** 30, MAX_IMAGE_GIB_RANGE) ??
      outside('shard.count', a.shard.count, { min: 1, max: MAX_SHARDS, integer: true }) ??
      outside('shard.index', a.shard.index, { min: 0, max: a.shard.count - 1, integer: true }) ??
      (a.cases.some((c) => !c.id || !c.image || !c.label) ? `a case with an empty part: ${JSON.stringify(a.cases)}` : null) ??
      (new Set(a.cases.map((c) => c.id)).size !== a.cases.length ? `repeated case ids ${JSON.stringify(a.cases.map((c) => c.id))}` : null) ??
      (a.placement.length === 0 || a.blend.length === 0 || a.mirror.length === 0 ? 'an empty grid axis' : null);
    if (why) return garbage(`parseSweepArgs accepted ${why}`);
    for (const patch of (a.patch ?? []).slice(0, 2)) {
      for (const overlap of a.overlap.slice(0, 2)) {
        const v = plan(shape, patch, overlap, a.placement[0]);
        if (v) return v;
      }
    }
    return accepted('sweep arguments');
  } catch (e) {
    return classifyError(e, clean);
  }
}
