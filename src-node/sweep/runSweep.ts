import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelRunner } from '../../shared/engine/inference/modelRunner';
import { checkReference } from '../../shared/engine/inference/referenceCheck';
import { runInference, type InferenceResult } from '../../shared/engine/inference/runInference';
import type { InferenceProgress } from '../../shared/engine/inference/runOnGrid';
import type { ModelSpec } from '../../shared/engine/modelSpec';
import { assertLabelMap } from '../../shared/io/labelMap';
import { datatypeOfArray } from '../../shared/io/niftiDatatypes';
import type { Volume } from '../../shared/io/volume';
import type { BlendMode } from '../../shared/stitching/types';
import { patchAdvice } from '../../shared/recommend/patchAdvice';
import { normalizeGrid, patchKey, planSweep, SWEEP_BLENDS } from '../../shared/sweep/grid';
import { mirrorRunner } from '../../shared/sweep/mirrorRunner';
import { sweepPairs, type Shard } from '../../shared/sweep/pairs';
import { performanceWeights } from '../../shared/sweep/performanceWeights';
import { patchShapedMap } from '../../shared/sweep/summarize';
import { measureStitchCosts } from '../../shared/sweep/timeModel';
import { PerformanceMap } from '../../shared/performance/PerformanceMap';
import type { CaseResult, SweepCase, SweepConfig, SweepFile, SweepGrid, SweepModelInfo, SweepProvenance, SweepSettings } from '../../shared/sweep/types';
import { DEFAULT_SWEEP_SETTINGS } from '../../shared/settings/sweepDefaults';
import { normalizeWindowSettings } from '../../shared/settings/windowSettings';
import type { GuardWording } from '../fs/outputGuard';
import { writeJsonAtomic } from '../fs/atomicWrite';
import { readResultFile, resultFileName, SWEEP_LAYOUT, writeResult } from './sweepFolder';
import { assertSweepInputsSafe, claimSweepFolder } from './sweepGuard';
import { checkCases, defaultMachineId, fingerprintCases, loadNiftiCase } from './sweepCases';
import { timingOf } from './sweepTiming';

/** The model a sweep runs: a runner (tfjs on a backend, or a test double), its spec and identity. */
export interface SweepModel {
  runner: ModelRunner;
  spec: ModelSpec;
  info: SweepModelInfo;
}

/** Where a sweep is. */
export interface SweepProgress {
  /** Pairs of this shard finished (run or kept from before) and their total. */
  done: number;
  total: number;
  caseId: string;
  configId: string;
  /**
   * `skip`: a finished result was kept; `load`: reading the case; `calibrate`: an untimed run for
   * a calibration map another shard owns; `warmup`: the untimed warm-up; `run`: timed run `run` of
   * `runs`; `saved`: the result file is written.
   */
  stage: 'skip' | 'load' | 'calibrate' | 'warmup' | 'run' | 'saved';
  run?: number;
  runs?: number;
  /** The inference run's own progress (windows) during `calibrate`, `warmup` and `run`. */
  inference?: InferenceProgress;
  /** With `saved`: the result. */
  result?: CaseResult;
}

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** The sweep folder (created if missing). */
  dir: string;
  grid: SweepGrid;
  cases: SweepCase[];
  model: SweepModel;
  settings?: Partial<SweepSettings>;
  /** Run only the pairs of this shard (default all). */
  shard?: Shard;
  /**
   * Keep finished results whose fingerprint matches (default true); false reruns this shard's
   * pairs (each old result stays until its new one replaces it).
   */
  resume?: boolean;
  /**
   * When `dir` holds another sweep (another model, other case files, other settings, or cases this
   * one lacks): move its files aside into `dir/replaced-<date>/` and start afresh (default false:
   * refuse, see `claimSweepFolder`). Files PatchLens did not write are never touched.
   */
  force?: boolean;
  /** How refusals name the folder and the force option (default the API's: `dir`, `force: true`). */
  wording?: GuardWording;
  /** Called once, before anything runs, when `force` moved an earlier sweep aside (its new place). */
  onMovedAside?: (path: string) => void;
  /** Largest decoded image or label, in bytes, passed to `readImageFile` (default its own). */
  maxImageBytes?: number;
  /** Machine id written into every result (default the host name). */
  machine?: string;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** App, versions and backend, kept in sweep.json (and copied into summary.json). */
  provenance?: SweepProvenance;
  /** Reads a case's image and labels (default: NIfTI files via readImageFile). */
  loadCase?: (c: SweepCase) => { image: Volume; label: Volume };
  /** The SHA-256 a case input is fingerprinted by when it is not a file's own bytes (DICOM: sweep/dicomCases.ts). */
  hashOf?: (path: string) => string | undefined;
}

/** What {@link runSweep} did. */
export interface RunSweepReport {
  dir: string;
  /** Pairs of this shard. */
  pairs: number;
  /** Pairs measured now, and kept from an earlier run. */
  ran: number;
  skipped: number;
  /** Result files written now. */
  files: string[];
  sweep: SweepFile;
  /** Where an incompatible earlier sweep was moved (`force`), or null. */
  movedAside: string | null;
}

/** Default settings (see {@link SweepSettings}): `shared/settings`'s, re-exported for the compute worker. */
export { DEFAULT_SWEEP_SETTINGS };

const FN = 'runSweep';
const SPATIAL_AXES = 3;

function checkSettings(s: SweepSettings): void {
  if (!(Number.isInteger(s.repeats) && s.repeats >= 1)) throw new RangeError(`${FN}: settings.repeats must be a positive integer, got ${s.repeats}`);
  if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1)) throw new RangeError(`${FN}: settings.batchSize must be a positive integer, got ${s.batchSize}`);
  if (!['patch', 'each', 'none'].includes(s.warmup)) throw new RangeError(`${FN}: settings.warmup must be patch, each or none, got ${JSON.stringify(s.warmup)}`);
}

/**
 * Runs a sweep: every (case, configuration) pair of this shard, each with an untimed warm-up
 * (see `settings.warmup`) and `repeats` timed `runInference` runs (median, min, max and the
 * median split), Dice against the case's labels and the patch performance map.
 *
 * - Resumable: every finished pair is written at once, atomically, to
 *   `results/<case>__<config>.json`; a restarted sweep keeps every result whose fingerprint
 *   (model SHA-256, the case files' SHA-256, batch, measure, Dice mode, crop) matches and runs
 *   only the rest. An abort (signal) or a crash loses at most the pair in flight.
 * - Shards: only pairs whose index (case-major order over `sweep.json`'s configurations) mod n
 *   equals i; `sweep.json` is the same for every shard, so folders merge.
 * - Order: pairs run in index order. A `performance-weighted` pair takes its weights from its
 *   case's calibration map (the patch size's calibration configuration, see `calibrationConfig`):
 *   from this case's warm-up run, the result file, by running the calibration pair at that
 *   moment when it is this shard's, or else from an untimed run that is not saved (another shard
 *   owns the pair). Calibration pairs also measure each blend's stitching cost (`stitchProbe`)
 *   for the time model.
 * - Warm-up (`settings.warmup`): `patch` (default): one untimed run of the calibration
 *   configuration before the first timed run of each patch size in this process (per process,
 *   not per case: it warms the model's kernels and shape caches and the JIT); `each`: one
 *   untimed run of the pair's own configuration before its timed runs; `none`.
 * - Runs use no consistency map (it costs time and the sweep does not need it).
 * - The folder: nothing is written over an input (a case file, the model folder:
 *   `assertSweepInputsSafe`); an existing `sweep.json` must be the same sweep (model, the case
 *   files of every case it holds, batch, measure, Dice mode, crop; the grid, repeats and warm-up
 *   may change), otherwise the sweep is refused, or with `force` the old sweep's files are moved
 *   into `dir/replaced-<date>/` first (`claimSweepFolder`).
 * - Every case's labels are checked (`assertLabelMap`: integers ≥ 0 on the image's grid) before
 *   it runs, and `checkReference` records in every result whether they look like an image
 *   (the summary then recommends nothing). `sweep.json`'s cases record the SHA-256 of the image
 *   and label files (`imageSha256`, `labelSha256`).
 */
export async function runSweep(options: RunSweepOptions): Promise<RunSweepReport> {
  const { model, signal } = options;
  const dir = resolve(options.dir);
  checkCases(options.cases);
  const settings: SweepSettings = { ...DEFAULT_SWEEP_SETTINGS, ...options.settings };
  checkSettings(settings);
  const plan = planSweep(options.grid, { spatialAxes: SPATIAL_AXES });
  // Every configuration within the limits every face checks, before anything runs or is written.
  for (const config of plan.configs) normalizeWindowSettings(`${FN}: configuration ${config.id}`, config, config.patchSize);
  const machine = options.machine ?? defaultMachineId();
  const resume = options.resume !== false;
  const cases = options.cases.map((c) => ({ ...c }));

  // sweep.json: the same for every shard and every restart of the same sweep.
  const fingerprints = fingerprintCases(cases, model.info.sha256, settings, options.hashOf);
  // Never over an input; into an existing folder only for the same sweep (or, forced, after
  // moving the other one aside).
  assertSweepInputsSafe(dir, cases, model.info.path ?? null, options.wording);
  const claim = claimSweepFolder(dir, { model: model.info, cases, fingerprints, settings }, { force: options.force, wording: options.wording });
  if (claim.movedAside) options.onMovedAside?.(claim.movedAside);
  const before = claim.before;
  const now = new Date().toISOString();
  const grid = normalizeGrid(options.grid, { spatialAxes: SPATIAL_AXES });
  const sweep: SweepFile = {
    format: 'patchlens.sweep',
    version: 1,
    created: before?.created ?? now,
    updated: now,
    grid,
    spatialAxes: SPATIAL_AXES,
    configs: plan.configs,
    calibration: plan.calibration,
    cases,
    fingerprints,
    model: model.info,
    settings,
    ...options.provenance,
  };
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, SWEEP_LAYOUT.sweep), sweep);
  mkdirSync(join(dir, SWEEP_LAYOUT.results), { recursive: true });

  const pairs = sweepPairs(cases, plan.configs, options.shard);
  const calibrationIds = new Set(Object.values(plan.calibration));
  const configById = new Map(plan.configs.map((c) => [c.id, c]));
  const resultPath = (caseId: string, configId: string) => join(dir, SWEEP_LAYOUT.results, resultFileName(caseId, configId));
  // Without resume nothing counts as finished: every pair runs again and its new result replaces
  // the old one when it is written (an interrupted rerun keeps the old results it did not reach).
  const finished = (caseId: string, configId: string): CaseResult | null => {
    if (!resume) return null;
    const r = readResultFile(resultPath(caseId, configId));
    return r && r.fingerprint === fingerprints[caseId] && r.caseId === caseId && r.configId === configId ? r : null;
  };

  const report: RunSweepReport = { dir, pairs: pairs.length, ran: 0, skipped: 0, files: [], sweep, movedAside: claim.movedAside };
  const progress = (p: Omit<SweepProgress, 'done' | 'total'>) => options.onProgress?.({ done: report.ran + report.skipped, total: pairs.length, ...p });
  const throwIfAborted = () => {
    if (signal?.aborted) throw signal.reason ?? new Error(`${FN}: aborted`);
  };
  const mirrored = mirrorRunner(model.runner, { spatialAxes: SPATIAL_AXES });
  const warmed = new Set<string>();
  const blendsToProbe = [...new Set<(typeof SWEEP_BLENDS)[number]>(['constant', ...sweep.grid.blends])];

  for (const [ci, c] of cases.entries()) {
    const mine = pairs.filter((p) => p.caseIndex === ci);
    if (mine.length === 0) continue;
    const todo = mine.filter((p) => {
      if (finished(c.id, p.configId)) {
        report.skipped++;
        progress({ caseId: c.id, configId: p.configId, stage: 'skip' });
        return false;
      }
      return true;
    });
    if (todo.length === 0) continue;
    throwIfAborted();
    progress({ caseId: c.id, configId: todo[0].configId, stage: 'load' });
    const { image, label } = options.loadCase ? options.loadCase(c) : loadNiftiCase(c, { maxBytes: options.maxImageBytes });
    assertLabelMap(label, image, `case ${c.id} label ${c.label}`);
    // One rule for what the reference is (the run's own warnings say the same): recorded per result for the summary.
    const reference = checkReference(label.data, model.runner.classes, settings.diceMode, datatypeOfArray(label.data).name);
    const maps = new Map<string, { data: Float64Array; shape: number[] }>();

    const run = async (config: SweepConfig, stage: SweepProgress['stage'], blend: BlendMode | Float32Array, runIndex?: number): Promise<InferenceResult> => {
      throwIfAborted();
      const result = await runInference({
        image,
        label,
        runner: config.mirror ? mirrored : model.runner,
        spec: model.spec,
        options: {
          patchSize: config.patchSize,
          overlap: config.overlap,
          placement: config.placement,
          blend,
          batchSize: settings.batchSize,
          measure: settings.measure,
          diceMode: settings.diceMode,
          reference,
          crop: settings.crop,
          consistency: false,
          signal,
          onProgress: (inference) => progress({ caseId: c.id, configId: config.id, stage, run: runIndex, runs: stage === 'run' ? settings.repeats : undefined, inference }),
        },
      });
      if (!result.dice || !result.patchPerformance) throw new Error(`${FN}: case ${c.id}: no Dice or patch performance map (are the labels empty?)`);
      return result;
    };
    /** Runs a patch size's calibration configuration untimed and keeps its map. */
    const calibrate = async (pk: string, stage: 'calibrate' | 'warmup') => {
      const calId = plan.calibration[pk];
      const cal = configById.get(calId)!;
      progress({ caseId: c.id, configId: calId, stage });
      const r = await run(cal, stage, cal.blend as BlendMode);
      const map = { data: patchShapedMap(r.patchPerformance!.accumulator, cal.patchSize), shape: [...cal.patchSize] };
      maps.set(calId, map);
      warmed.add(pk);
      return map;
    };
    const pending = new Set(todo.map((p) => p.configId));
    /**
     * The calibration map of a patch size in this case: from memory, from a result file, by
     * running the calibration pair now when it is this shard's, else from an untimed run.
     */
    const calibrationMap = async (pk: string) => {
      const calId = plan.calibration[pk];
      let map = maps.get(calId);
      if (!map) {
        const cal = configById.get(calId)!;
        const stored = finished(c.id, calId);
        if (stored?.performance) map = { data: patchShapedMap(PerformanceMap.fromJSON(stored.performance), cal.patchSize), shape: [...cal.patchSize] };
        else if (pending.has(calId)) {
          await runPair(cal);
          map = maps.get(calId)!;
        } else map = await calibrate(pk, 'calibrate');
        maps.set(calId, map);
      }
      return { calId, map };
    };

    /** Warm-up, repeats, the result file. */
    const runPair = async (config: SweepConfig): Promise<void> => {
      pending.delete(config.id);
      throwIfAborted();
      const pk = patchKey(config.patchSize);
      // 'patch' warm-up: the calibration configuration, untimed, before the first timed run of a
      // patch size in this process (its map is kept for performance-weighted).
      if (settings.warmup === 'patch' && !warmed.has(pk)) await calibrate(pk, 'warmup');
      let blend: BlendMode | Float32Array;
      let weightsFrom: string | undefined;
      if (config.blend === 'performance-weighted') {
        const { calId, map } = await calibrationMap(pk);
        blend = performanceWeights(map);
        weightsFrom = calId;
      } else {
        blend = config.blend;
      }
      if (settings.warmup === 'each') {
        progress({ caseId: c.id, configId: config.id, stage: 'warmup' });
        await run(config, 'warmup', blend);
      }
      const runs: InferenceResult[] = [];
      for (let k = 1; k <= settings.repeats; k++) {
        progress({ caseId: c.id, configId: config.id, stage: 'run', run: k, runs: settings.repeats });
        runs.push(await run(config, 'run', blend, k));
      }
      const last = runs[runs.length - 1];
      const calibration = calibrationIds.has(config.id);
      if (calibration) maps.set(config.id, { data: patchShapedMap(last.patchPerformance!.accumulator, config.patchSize), shape: [...config.patchSize] });
      const result: CaseResult = {
        caseId: c.id,
        configId: config.id,
        config,
        windows: last.windows,
        timing: timingOf(runs),
        dice: last.dice!,
        machine,
        backend: last.backend.name,
        performance: last.patchPerformance!.accumulator.toJSON(),
        domainSize: [...last.grid.domain.size],
        gridShape: [...last.grid.shape],
        calibration,
        fingerprint: fingerprints[c.id],
        reference,
        // A patch below the model's receptive field (issue 12, item 1) is said in the result, on
        // the grid this case ran on, so the report and the explorer say it where `infer` would.
        warnings: [...patchAdvice(config.patchSize, model.spec.receptiveField, last.grid.domain.size).messages, ...last.warnings],
        finishedAt: new Date().toISOString(),
      };
      if (weightsFrom) result.weightsFrom = weightsFrom;
      if (calibration) result.stitchProbe = await measureStitchCosts(config.patchSize, blendsToProbe, { classes: model.runner.classes });
      throwIfAborted();
      report.files.push(writeResult(dir, result));
      report.ran++;
      progress({ caseId: c.id, configId: config.id, stage: 'saved', result });
    };

    for (const p of todo) if (pending.has(p.configId)) await runPair(configById.get(p.configId)!);
  }
  return report;
}

