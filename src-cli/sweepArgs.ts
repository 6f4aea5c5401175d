import { basename } from 'node:path';
import {
  DEFAULT_SWEEP_BLENDS,
  DEFAULT_SWEEP_OVERLAPS,
  DEFAULT_SWEEP_PLACEMENTS,
  DEFAULT_SWEEP_SETTINGS,
  INFERENCE_MEASURES,
  PLACEMENTS,
  SWEEP_BLENDS,
  SWEEP_REPEATS_LIMITS,
  type InferenceMeasure,
  type Placement,
  FALLBACK_PATCH_EDGE,
} from '../shared/settings/index';
import type { BackendPreference } from '../shared/engine/backend/selectBackend';
import { parseShard, type Shard } from '../shared/sweep/pairs';
import { DEFAULT_RULE, formatRule, parseRule, RULE_SYNTAX, type SelectionRule } from '../shared/sweep/pareto';
import type { SweepBlend, SweepCase, SweepSettings } from '../shared/sweep/types';
import { backendOption, CLI_BACKENDS, BATCH_RANGE, DEFAULT_MAX_IMAGE_GIB, MAX_IMAGE_GIB_RANGE, maxImageBytesOption, OVERLAP_RANGE, PATCH_RANGE } from './inferArgs';
import { describeRange, formatRange, numberInRange, parseCommandArgs, UsageError, type NumberRange } from './usageError';

/** `--repeats`: timed runs per configuration and case. */
export const REPEATS_RANGE: NumberRange = { ...SWEEP_REPEATS_LIMITS, integer: true };
/** `--shard i/n`: the largest n. */
export const MAX_SHARDS = 10000;

/** Everything `patchlens sweep` was asked to do. */
export interface SweepArgs {
  model: string;
  cases: SweepCase[];
  out: string;
  /** Patch sizes (each per axis, or one number for every axis); undefined: the default of `planSweepPatches` (never one PatchLens warns about). */
  patch: number[][] | undefined;
  overlap: number[][];
  placement: Placement[];
  blend: SweepBlend[];
  mirror: boolean[];
  repeats: number;
  warmup: SweepSettings['warmup'];
  batch: number;
  measure: InferenceMeasure;
  dice: SweepSettings['diceMode'];
  crop: boolean;
  shard: Shard;
  backend: BackendPreference;
  rule: SelectionRule;
  resume: boolean;
  /** `--force`: replace an existing output folder that holds a different earlier sweep (another model, other cases or settings). */
  force: boolean;
  /** `--max-image-gib` in bytes: the largest image or label map read (default 2 GiB). */
  maxImageBytes: number;
  /** Run only the calibration configurations and rank the grid by predicted time. */
  predictOnly: boolean;
  machine: string | undefined;
  /** Sweep folders to merge into --out instead of running (`--merge`, repeatable). */
  merge: string[];
  verbose: boolean;
  quiet: boolean;
  help: boolean;
}

/** The help text of `patchlens sweep`. */
export const SWEEP_HELP = `Usage: patchlens sweep --model <folder|model.json> --case <image>:<label> [--case …] --out <folder> [options]
       patchlens sweep --merge <folder> --merge <folder> [--merge …] --out <folder> [--rule …]

Runs a grid of configurations (patch size × overlap × placement × blending × mirroring) over one
or more image/label pairs and records, per configuration, the windows, the time (median of
--repeats timed runs after a warm-up, its split and spread), per-class Dice and their mean,
efficiency (Dice per second) and the patch performance map. It prints the Pareto front and the
recommendation, and writes into --out: sweep.json, results/<case>__<config>.json (one per
finished pair: an interrupted sweep resumes where it stopped), summary.json, maps/*.npy.

Required:
  --model <path>         tfjs model folder (model.json + weight shards [+ patchlens.json]) or its model.json
  --case <img>:<label>   an image and its reference labels (.nii/.nii.gz), repeatable;
                         [id=]<image>:<label> names the case (default: the image's file name);
                         the image may be a DICOM series (its folder, or a file of it) and the
                         labels a DICOM SEG of that series
  --out <folder>         the sweep folder (created if missing; an existing sweep resumes)

Grid (comma-separated lists; per-axis values joined with x, e.g. 64x64x32):
  --patch <list>         patch sizes, integers in ${formatRange(PATCH_RANGE)}; a size below the model's receptive
                         field is warned about before the run (default: the model's trained patch size when
                         it covers the receptive field, else one window over the whole volume when it fits,
                         else the smallest multiple of 16 covering the receptive field; ${FALLBACK_PATCH_EDGE} when both are unknown)
  --overlap <list>       overlaps in ${formatRange(OVERLAP_RANGE)} (default ${DEFAULT_SWEEP_OVERLAPS.join(',')})
  --placement <list>     ${PLACEMENTS.join(', ')} (default ${DEFAULT_SWEEP_PLACEMENTS.join(',')})
  --blend <list>         ${SWEEP_BLENDS.join(', ')} (default ${DEFAULT_SWEEP_BLENDS.join(',')})
                         performance-weighted: weights from the patch size's calibration map
                         (lower error → higher weight), one calibration run per patch size
  --mirror <list>        off, on: mirroring test-time augmentation, 8 flips (default off)

Runs:
  --repeats <n>          timed runs per configuration and case, ${formatRange(REPEATS_RANGE)} (default ${DEFAULT_SWEEP_SETTINGS.repeats})
  --warmup <w>           patch (default: one untimed run per patch size), each (one per
                         configuration and case), none
  --batch <n>            windows per model call, ${formatRange(BATCH_RANGE)} (default ${DEFAULT_SWEEP_SETTINGS.batchSize})
  --measure <m>          ${INFERENCE_MEASURES.join(' | ')}: the patch performance map's measure (default ${DEFAULT_SWEEP_SETTINGS.measure})
  --dice <m>             classes | foreground | auto (default auto)
  --no-crop              do not crop to the head's bounding box even if the model asks for it
  --backend <b>          auto | ${CLI_BACKENDS.join(' | ')} (default auto: measured once per machine)
  --shard <i/n>          run only the (case, configuration) pairs whose index mod n is i (0 ≤ i < n ≤ ${MAX_SHARDS})
  --machine <id>         machine id written into the results (default: the host name)
  --no-resume            rerun this shard's pairs even if their results exist (default: keep them)
  --force                replace an existing --out folder that holds a different earlier sweep
  --max-image-gib <n>    largest image or label map to read, in GiB, ${formatRange(MAX_IMAGE_GIB_RANGE)} (default ${DEFAULT_MAX_IMAGE_GIB})
  --predict-only         run only the calibration configuration(s) and rank every configuration of the
                         grid by its predicted time, before running it (the calibration results are kept,
                         so the full sweep later resumes from them)

Summary:
  --rule <rule>          ${RULE_SYNTAX.join(' | ')} (default ${formatRule(DEFAULT_RULE)})
  --merge <folder>       merge sweep folders (shards, machines) into --out and summarize; repeatable

  --verbose              print stack traces with errors
  --quiet                no progress output
  -h, --help             this help
`;

function fail(message: string): never {
  throw new UsageError(`sweep: ${message}`);
}

/** A comma-separated list of choices. */
function choices<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T[]): T[] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map((s) => s.trim());
  for (const p of parts) if (!(allowed as readonly string[]).includes(p)) fail(`--${flag} takes ${allowed.join(', ')} (comma-separated); got ${JSON.stringify(p)}`);
  if (new Set(parts).size !== parts.length) fail(`--${flag} lists a value twice: ${JSON.stringify(value)}`);
  return parts as T[];
}

/** One of the allowed values. */
function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) fail(`--${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

/** A comma-separated list of values, each one number or per-axis numbers joined with x, all in `range`. */
function vectors(flag: string, value: string, range: NumberRange): number[][] {
  const seen = new Map<string, string>();
  return value.split(',').map((item) => {
    const nums = item.trim().split('x').map((p) => numberInRange(p, range));
    if (nums.some(Number.isNaN)) fail(`--${flag} must be ${describeRange(range)} per value, comma-separated (per axis: 64x64x32); got ${JSON.stringify(item.trim())}`);
    if (nums.length !== 1 && nums.length !== 3) fail(`--${flag} ${JSON.stringify(item.trim())}: give one value or three (one per axis)`);
    // 24 and 24x24x24 are the same value (named here, not later as the grid's patchSizes[i]).
    const key = (nums.length === 1 ? [nums[0], nums[0], nums[0]] : nums).join('x');
    if (seen.has(key)) fail(`--${flag} lists a value twice: ${JSON.stringify(seen.get(key))} and ${JSON.stringify(item.trim())}`);
    seen.set(key, item.trim());
    return nums;
  });
}

function integer(flag: string, value: string | undefined, fallback: number, range: NumberRange): number {
  if (value === undefined) return fallback;
  const n = numberInRange(value, range);
  if (Number.isNaN(n)) fail(`--${flag} must be ${describeRange(range)}; got ${JSON.stringify(value)}`);
  return n;
}

/** `[id=]<image>:<label>` → a case (the id defaults to the image's file name without .nii/.nii.gz). */
export function parseCase(value: string): SweepCase {
  const eq = value.indexOf('=');
  const named = eq > 0 && !value.slice(0, eq).includes(':') && !value.slice(0, eq).includes('/');
  const id = named ? value.slice(0, eq) : undefined;
  const rest = named ? value.slice(eq + 1) : value;
  const parts = rest.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') fail(`--case takes <image>:<label> (one ':' between two files); got ${JSON.stringify(value)}`);
  if (id !== undefined && (!/^[A-Za-z0-9._-]+$/.test(id) || id.includes('__'))) fail(`--case: the id ${JSON.stringify(id)} may use letters, digits, '.', '_' and '-' (no '__')`);
  const derived = basename(parts[0])
    .replace(/\.nii(\.gz)?$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/_{2,}/g, '_');
  return { id: id ?? (derived || 'case'), image: parts[0], label: parts[1] };
}

/** Parses `patchlens sweep` arguments; throws {@link UsageError} with a one-line message. */
export function parseSweepArgs(argv: string[]): SweepArgs {
  const parsed = parseCommandArgs('sweep', {
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      model: { type: 'string' },
      case: { type: 'string', multiple: true },
      out: { type: 'string' },
      patch: { type: 'string' },
      overlap: { type: 'string' },
      placement: { type: 'string' },
      blend: { type: 'string' },
      mirror: { type: 'string' },
      repeats: { type: 'string' },
      warmup: { type: 'string' },
      batch: { type: 'string' },
      measure: { type: 'string' },
      dice: { type: 'string' },
      'no-crop': { type: 'boolean' },
      backend: { type: 'string' },
      shard: { type: 'string' },
      machine: { type: 'string' },
      resume: { type: 'boolean' },
      'no-resume': { type: 'boolean' },
      'predict-only': { type: 'boolean' },
      force: { type: 'boolean' },
      'max-image-gib': { type: 'string' },
      rule: { type: 'string' },
      merge: { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  const help = v.help === true;
  const merge = v.merge ?? [];
  if (!help) {
    if (!v.out) fail('--out is required (see patchlens sweep --help)');
    if (merge.length === 0) {
      if (!v.model) fail('--model is required (see patchlens sweep --help)');
      if (!v.case?.length) fail('--case <image>:<label> is required at least once (see patchlens sweep --help)');
    } else if (v.model || v.case?.length) {
      fail('--merge combines finished sweep folders; it takes no --model or --case');
    }
  }
  const cases = (v.case ?? []).map(parseCase);
  // Derived ids that collide get -2, -3, …; given ids must be unique.
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = seen.get(c.id) ?? 0;
    seen.set(c.id, n + 1);
    if (n > 0) c.id = `${c.id}-${n + 1}`;
  }
  if (new Set(cases.map((c) => c.id)).size !== cases.length) fail('--case ids must be unique');
  let rule: SelectionRule = DEFAULT_RULE;
  if (v.rule !== undefined) {
    try {
      rule = parseRule(v.rule);
    } catch (e) {
      fail(`--rule: ${(e as Error).message.replace(/^parseRule: /, '')}`);
    }
  }
  let shard: Shard = { index: 0, count: 1 };
  if (v.shard !== undefined) {
    try {
      shard = parseShard(v.shard);
    } catch {
      fail(`--shard takes i/n with 0 ≤ i < n ≤ ${MAX_SHARDS} (e.g. 0/2); got ${JSON.stringify(v.shard)}`);
    }
    if (shard.count > MAX_SHARDS) fail(`--shard takes i/n with 0 ≤ i < n ≤ ${MAX_SHARDS} (e.g. 0/2); got ${JSON.stringify(v.shard)}`);
  }
  if (v.resume && v['no-resume']) fail('--resume and --no-resume contradict each other');
  return {
    model: v.model ?? '',
    cases,
    out: v.out ?? '',
    patch: v.patch === undefined ? undefined : vectors('patch', v.patch, PATCH_RANGE),
    overlap: v.overlap === undefined ? DEFAULT_SWEEP_OVERLAPS.map((o) => [o]) : vectors('overlap', v.overlap, OVERLAP_RANGE),
    placement: choices('placement', v.placement, PLACEMENTS, [...DEFAULT_SWEEP_PLACEMENTS]),
    blend: choices('blend', v.blend, SWEEP_BLENDS, [...DEFAULT_SWEEP_BLENDS]),
    mirror: choices('mirror', v.mirror, ['off', 'on'] as const, ['off']).map((m) => m === 'on'),
    repeats: integer('repeats', v.repeats, DEFAULT_SWEEP_SETTINGS.repeats, REPEATS_RANGE),
    warmup: choice('warmup', v.warmup, ['patch', 'each', 'none'] as const, DEFAULT_SWEEP_SETTINGS.warmup),
    batch: integer('batch', v.batch, DEFAULT_SWEEP_SETTINGS.batchSize, BATCH_RANGE),
    measure: choice('measure', v.measure, INFERENCE_MEASURES, DEFAULT_SWEEP_SETTINGS.measure),
    dice: choice('dice', v.dice, ['classes', 'foreground', 'auto'] as const, DEFAULT_SWEEP_SETTINGS.diceMode),
    crop: v['no-crop'] !== true,
    shard,
    backend: backendOption(v.backend, fail),
    rule,
    resume: v['no-resume'] !== true,
    force: v.force === true,
    maxImageBytes: maxImageBytesOption(v['max-image-gib'], fail),
    predictOnly: v['predict-only'] === true,
    machine: v.machine,
    merge,
    verbose: v.verbose === true,
    quiet: v.quiet === true,
    help,
  };
}
