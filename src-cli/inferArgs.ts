import {
  BATCH_LIMITS,
  BLEND_MODES,
  DEFAULT_BLEND,
  DEFAULT_MEASURE,
  DEFAULT_OVERLAP,
  DEFAULT_PLACEMENT,
  INFERENCE_MEASURES,
  OVERLAP_LIMITS,
  PATCH_LIMITS,
  PLACEMENTS,
  type BlendMode,
  type InferenceMeasure,
  type Placement,
} from '../shared/settings/index';
import { BACKENDS, type BackendPreference } from '../shared/engine/backend/selectBackend';
import { describeRange, formatRange, numberInRange, parseCommandArgs, UsageError, type NumberRange } from './usageError';

/** `--patch`: voxels per axis (`PATCH_LIMITS`, as everywhere). */
export const PATCH_RANGE: NumberRange = { ...PATCH_LIMITS, integer: true };
/** `--overlap`: fraction of the patch shared by neighbouring windows (`OVERLAP_LIMITS`, as everywhere). */
export const OVERLAP_RANGE: NumberRange = { ...OVERLAP_LIMITS };
/** `--batch`: windows per model call. */
export const BATCH_RANGE: NumberRange = { ...BATCH_LIMITS, integer: true };
/** `--max-image-gib`: the largest image (or label map) read, in GiB. */
export const MAX_IMAGE_GIB_RANGE: NumberRange = { min: 0, max: 64, minExclusive: true };
/** `--max-image-gib`'s default (2 GiB, as `readNifti`'s). */
export const DEFAULT_MAX_IMAGE_GIB = 2;

/** The backends the CLI can run on: Node has no WebGL (webgl runs in the app's window only). */
export const CLI_BACKENDS = BACKENDS.filter((b) => b !== 'webgl');

/** `--backend <b>` (default auto); `fail` reports a value the CLI cannot run on, naming --backend. */
export function backendOption(value: string | undefined, fail: (message: string) => never): BackendPreference {
  if (value === undefined) return 'auto';
  const allowed: readonly string[] = ['auto', ...CLI_BACKENDS];
  if (allowed.includes(value)) return value as BackendPreference;
  const why = value === 'webgl' ? ' (WebGL needs a browser window: Node has none; the app runs webgl)' : '';
  fail(`--backend must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}${why}`);
}

/** `--max-image-gib <n>` in bytes (the default when absent); `fail` reports a value outside its range. */
export function maxImageBytesOption(value: string | undefined, fail: (message: string) => never): number {
  if (value === undefined) return DEFAULT_MAX_IMAGE_GIB * 2 ** 30;
  const gib = numberInRange(value, MAX_IMAGE_GIB_RANGE);
  if (Number.isNaN(gib)) fail(`--max-image-gib must be ${describeRange(MAX_IMAGE_GIB_RANGE)} (GiB); got ${JSON.stringify(value)}`);
  return Math.round(gib * 2 ** 30);
}

/** Everything `patchlens infer` was asked to do. */
export interface InferArgs {
  image: string;
  /** `--series`: which series of a DICOM folder (its SeriesInstanceUID or series number). */
  series?: string;
  label?: string;
  model: string;
  out: string;
  patch: number[] | 'whole' | undefined;
  overlap: number[];
  placement: Placement;
  blend: BlendMode;
  batch: number;
  backend: BackendPreference;
  pad: 'constant' | 'edge' | 'none';
  measure: InferenceMeasure;
  dice: 'classes' | 'foreground' | 'auto';
  crop: boolean;
  consistency: boolean;
  /**
   * How the label map is written: `auto` (NIfTI, and a DICOM SEG too when the image is DICOM),
   * `seg` (`--seg-only`: the SEG instead of labels.nii.gz) or `nifti` (`--nifti-only`: no SEG).
   */
  labelFormat: 'auto' | 'seg' | 'nifti';
  /** `--force`: replace an existing output folder that holds a different earlier run. */
  force: boolean;
  /** `--max-image-gib` in bytes: the largest image or label map read (default 2 GiB). */
  maxImageBytes: number;
  verbose: boolean;
  quiet: boolean;
  help: boolean;
}

/** The help text of `patchlens infer`. */
export const INFER_HELP = `Usage: patchlens infer --image <file|dicom folder> --model <folder|model.json> --out <folder> [options]

Runs a segmentation model over an image by patches and writes the label map (labels.nii.gz, and for
a DICOM --image also labels.seg.dcm, a DICOM SEG of the series), the probabilities, the coverage,
the patch performance map (with --label) and the consistency map.

Required:
  --image <file|folder>  input image: .nii or .nii.gz, or DICOM (a folder of one or more series, a
                         DICOMDIR, or a file of the series; uncompressed or deflated transfer syntaxes)
  --model <path>         tfjs model folder (model.json + weight shards [+ patchlens.json]) or its model.json
  --out <folder>         output folder (created if missing)

Options:
  --series <uid|number>  the series of a DICOM --image folder (its SeriesInstanceUID or series number);
                         needed when the folder holds several (the error lists them)
  --seg-only             the label map only as labels.seg.dcm (DICOM SEG: one segment per class, AUTOMATIC,
                         the model's name and SHA-256), no labels.nii.gz; needs a DICOM --image
  --nifti-only           the label map only as labels.nii.gz, no SEG (a NIfTI --image never gets one)
  --label <file>         reference label map (.nii/.nii.gz) for Dice and the patch performance map
  --patch <n|a,b,c|whole> patch size in voxels, integers in ${formatRange(PATCH_RANGE)}, one or one per axis, or whole
                         (one window); a patch below the model's receptive field is warned about before the
                         run; default: the model's trained patch size when it covers the receptive field,
                         else whole (one window) when the volume fits in memory, else the smallest multiple
                         of 16 covering the receptive field
  --overlap <f|a,b,c>    overlap fraction in ${formatRange(OVERLAP_RANGE)}, one or per axis (default ${DEFAULT_OVERLAP})
  --placement <p>        ${PLACEMENTS.join(' | ')} (default ${DEFAULT_PLACEMENT})
  --blend <b>            ${BLEND_MODES.join(' | ')} (default ${DEFAULT_BLEND})
  --batch <n>            windows per model call, ${formatRange(BATCH_RANGE)} (default 1)
  --backend <b>          auto | ${CLI_BACKENDS.join(' | ')} (default auto: measured once per machine)
  --pad <p>              constant | edge | none: how an image smaller than the patch is padded (default constant)
  --measure <m>          ${INFERENCE_MEASURES.join(' | ')}: measure of the patch performance map (default ${DEFAULT_MEASURE})
  --dice <m>             classes | foreground | auto: compare labels class by class, or label > 0 (default auto)
  --max-image-gib <n>    largest image or label map to read, in GiB, ${formatRange(MAX_IMAGE_GIB_RANGE)} (default ${DEFAULT_MAX_IMAGE_GIB})
  --force                replace an existing output folder that holds a different earlier run
  --no-crop              do not crop to the head's bounding box even if the model asks for it
  --no-consistency       skip the label-free consistency map
  --verbose              print stack traces with errors
  --quiet                no progress output
  -h, --help             this help
`;

function fail(message: string): never {
  throw new UsageError(`infer: ${message}`);
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) fail(`--${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

/** One value in `range`, or one per axis (three), comma-separated. */
function numbers(flag: string, value: string, range: NumberRange, extra = ''): number[] {
  const parts = value.split(',');
  const out = parts.map((p) => numberInRange(p, range));
  if (out.some(Number.isNaN)) fail(`--${flag} must be ${describeRange(range)}${extra} (one value, or one per axis separated by commas); got ${JSON.stringify(value)}`);
  if (out.length !== 1 && out.length !== 3) fail(`--${flag} takes one value or three (one per axis); got ${out.length}`);
  return out;
}

/** Parses `patchlens infer` arguments; throws {@link UsageError} with a one-line message. */
export function parseInferArgs(argv: string[]): InferArgs {
  const parsed = parseCommandArgs('infer', {
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      image: { type: 'string' },
      series: { type: 'string' },
      label: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      patch: { type: 'string' },
      overlap: { type: 'string' },
      placement: { type: 'string' },
      blend: { type: 'string' },
      batch: { type: 'string' },
      backend: { type: 'string' },
      pad: { type: 'string' },
      measure: { type: 'string' },
      dice: { type: 'string' },
      'max-image-gib': { type: 'string' },
      force: { type: 'boolean' },
      'seg-only': { type: 'boolean' },
      'nifti-only': { type: 'boolean' },
      'no-crop': { type: 'boolean' },
      'no-consistency': { type: 'boolean' },
      verbose: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  const help = v.help === true;
  if (!help) {
    for (const flag of ['image', 'model', 'out'] as const) if (!v[flag]) fail(`--${flag} is required (see patchlens infer --help)`);
  }
  const patch = v.patch === undefined ? undefined : v.patch.trim() === 'whole' ? ('whole' as const) : numbers('patch', v.patch, PATCH_RANGE, ' or whole');
  if (v['seg-only'] && v['nifti-only']) fail('--seg-only and --nifti-only exclude each other (without either, a DICOM --image gets both)');
  let batch = 1;
  if (v.batch !== undefined) {
    batch = numberInRange(v.batch, BATCH_RANGE);
    if (Number.isNaN(batch)) fail(`--batch must be ${describeRange(BATCH_RANGE)} (one value); got ${JSON.stringify(v.batch)}`);
  }
  return {
    image: v.image ?? '',
    ...(v.series !== undefined ? { series: v.series } : {}),
    label: v.label,
    model: v.model ?? '',
    out: v.out ?? '',
    patch,
    overlap: v.overlap === undefined ? [DEFAULT_OVERLAP] : numbers('overlap', v.overlap, OVERLAP_RANGE),
    placement: choice('placement', v.placement, PLACEMENTS, DEFAULT_PLACEMENT),
    blend: choice('blend', v.blend, BLEND_MODES, DEFAULT_BLEND),
    batch,
    backend: backendOption(v.backend, fail),
    pad: choice('pad', v.pad, ['constant', 'edge', 'none'] as const, 'constant'),
    measure: choice('measure', v.measure, INFERENCE_MEASURES, DEFAULT_MEASURE),
    dice: choice('dice', v.dice, ['classes', 'foreground', 'auto'] as const, 'auto'),
    crop: v['no-crop'] !== true,
    consistency: v['no-consistency'] !== true,
    labelFormat: v['seg-only'] ? 'seg' : v['nifti-only'] ? 'nifti' : 'auto',
    force: v.force === true,
    maxImageBytes: maxImageBytesOption(v['max-image-gib'], fail),
    verbose: v.verbose === true,
    quiet: v.quiet === true,
    help,
  };
}
