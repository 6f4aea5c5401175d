import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { normalizeGrid, planSweep } from '../shared/sweep/grid';
import { rankByPredictedTime } from '../shared/sweep/rank';
import type { SweepCase, SweepGrid, SweepSummary } from '../shared/sweep/types';
import { describeDice, describeTime } from '../shared/sweep/noise';
import { readModelFolder } from '../src-node/readModelFolder';
import { checkModel, prepareCliModel } from './inferCommand';
import { runSweep, type SweepProgress } from '../src-node/sweep/runSweep';
import { OutputRefusedError, type GuardWording } from '../src-node/fs/outputGuard';
import { readResults, SWEEP_LAYOUT } from '../src-node/sweep/sweepFolder';
import { mergeSweeps, summarizeSweep } from '../src-node/sweep/summarizeSweep';
import type { Io } from './io';
import type { SweepArgs } from './sweepArgs';
import { InputError, UsageError, asInputError } from './usageError';
import { assertOutWritable } from './outProbe';
import { planSweepPatches } from './patchPlan';
import { inferenceGridShape } from '../shared/recommend/inferenceGrid';
import { readImageFile } from '../src-node/readInputFile';
import { readDicomCases } from '../src-node/sweep/dicomCases';
import { loadNiftiCase } from '../src-node/sweep/sweepCases';

/** How refusals name this command's options. */
const WORDING: GuardWording = { command: 'sweep', out: '--out', force: '--force' };

/**
 * `patchlens sweep`: runs (or, with --merge, merges) a sweep into --out, writes summary.json and
 * prints the configurations, the Pareto front and the recommendation on stdout; progress and
 * warnings go to stderr. An --out holding another sweep is refused unless --force (which moves
 * that sweep into a dated subfolder); a compatible one resumes.
 */
export async function runSweepCommand(args: SweepArgs, io: Io): Promise<void> {
  const say = (s: string) => (args.quiet ? undefined : io.err(s));
  const summaryOptions = { rule: args.rule, machine: args.machine };
  const movedAside = (path: string) => say(`sweep: the earlier sweep in ${resolve(args.out)} was moved to ${path} (--force; nothing was deleted)\n`);
  // Before any work: an --out that cannot be written is refused now, not after the run.
  await assertOutWritable('sweep', args.out, 'inside');
  if (args.merge.length > 0) {
    let summary: SweepSummary;
    try {
      summary = mergeSweeps(args.merge, { ...summaryOptions, out: args.out, force: args.force, wording: WORDING, onMovedAside: movedAside });
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    for (const w of summary.warnings) say(`warning: ${w}\n`);
    io.out(formatSummary(summary, resolve(args.out)));
    return;
  }

  // Read, validated and built in a worker with a time limit first (see inferCommand's checkModel).
  say(`sweep: reading and checking the model ${resolve(args.model)}, choosing the backend\n`);
  await checkModel(args.model, io.signal);
  const artifacts = await asInputError(() => readModelFolder(args.model), '--model');
  const prepared = await prepareCliModel(artifacts, args.backend);
  const { model, runner, backend } = prepared;
  try {
    if (model.inputShape.spatialRank !== 3) {
      throw new InputError(`--model ${args.model}: the model takes ${model.inputShape.spatialRank}-D patches (input rank ${model.inputShape.rank}) but sweeps run on 3-D images`);
    }
    if (model.inputShape.channels !== 1) throw new InputError(`--model ${args.model}: the model takes ${model.inputShape.channels} input channels but the images have 1`);
    // What PatchLens says about each patch size, before any work; the default is never one it warns about.
    // DICOM images (folders, DICOMDIRs) and SEG labels are read first (asynchronous readers).
    const cases = args.cases.map((c) => ({ ...c, image: resolve(c.image), label: resolve(c.label) }));
    const dicom = await asInputError(() => readDicomCases(cases, { maxBytes: args.maxImageBytes }), '--case');
    const patches = planSweepPatches(args.patch, model.spec, () =>
      cases.map((c) => {
        try {
          return { id: c.id, shape: inferenceGridShape(dicom.image(c.image) ?? readImageFile(`case ${c.id} image`, c.image, { maxBytes: args.maxImageBytes }).volume, model.spec, args.crop) };
        } catch (e) {
          throw new InputError((e as Error).message);
        }
      }),
    );
    for (const w of patches.warnings) say(`warning: ${w}\n`);
    const grid: SweepGrid = {
      patchSizes: patches.patchSizes,
      overlaps: args.overlap,
      placements: args.placement,
      blends: args.blend,
      mirror: args.mirror,
    };
    let configs: number;
    let runGrid: SweepGrid = grid;
    if (args.predictOnly) {
      // The grid whose only configurations are the calibrations (largest overlap, first placement,
      // constant blending, no mirroring): see calibrationConfig.
      const g = normalizeGrid(grid);
      const widest = g.overlaps.reduce((a, b) => (Math.max(...b) > Math.max(...a) ? b : a));
      runGrid = { patchSizes: g.patchSizes, overlaps: [widest], placements: [g.placements[0]], blends: ['constant'], mirror: [false] };
    }
    try {
      configs = planSweep(runGrid).configs.length;
    } catch (e) {
      throw new UsageError(`sweep: ${(e as Error).message}`);
    }
    const pairs = configs * args.cases.length;
    say(`model ${model.spec.name} (${model.spec.source}, sha256 ${model.sha256.slice(0, 12)}…) on ${backend.name}${backend.renderer ? ` (${backend.renderer})` : ''}: ${backend.reason}\n`);
    say(`sweep: ${configs} configuration(s) × ${args.cases.length} case(s) = ${pairs} pair(s)${args.shard.count > 1 ? `, shard ${args.shard.index}/${args.shard.count}` : ''}, ${args.repeats} timed run(s) each, into ${resolve(args.out)}\n`);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    const progress = sweepProgressPrinter(say, io.isTTY);
    try {
      const report = await runSweep({
        dir: args.out,
        grid: runGrid,
        cases,
        ...(dicom.any ? { loadCase: (c: SweepCase) => dicom.load(c) ?? loadNiftiCase(c, { maxBytes: args.maxImageBytes }), hashOf: dicom.hashOf } : {}),
        model: { runner, spec: model.spec, info: { name: model.spec.name, sha256: model.sha256, path: resolve(args.model) } },
        settings: { repeats: args.repeats, warmup: args.warmup, batchSize: args.batch, measure: args.measure, diceMode: args.dice, crop: args.crop },
        shard: args.shard,
        resume: args.resume,
        force: args.force,
        wording: WORDING,
        onMovedAside: movedAside,
        maxImageBytes: args.maxImageBytes,
        machine: args.machine,
        signal: io.signal,
        onProgress: progress.update,
        provenance: {
          app: { name: pkg.name, version: pkg.version },
          versions: { tfjs: tf.version_core, node: process.version },
          backend: { name: backend.name, renderer: backend.renderer ?? null, reason: backend.reason },
        },
      });
      progress.done();
      say(`${report.ran} pair(s) measured, ${report.skipped} kept from before\n`);
    } catch (e) {
      progress.done();
      const finished = progress.finished();
      if (io.signal?.aborted) {
        throw new InputError(`interrupted: ${finished} finished pair(s) are kept in ${join(resolve(args.out), SWEEP_LAYOUT.results)}; run the same command again to resume`);
      }
      const m = (e as Error).message;
      if (e instanceof RangeError || e instanceof OutputRefusedError || /^runSweep: case |^case /.test(m)) throw new InputError(m);
      throw e;
    }
    if (args.predictOnly) {
      const plan = planSweep(grid);
      const cals = readResults(args.out).results.map((r) => r.result).filter((r) => Object.values(plan.calibration).includes(r.configId));
      const ranked = rankByPredictedTime(grid, cals);
      io.out(`${'config'.padEnd(45)}${'windows'.padStart(8)}${'predicted s'.padStart(14)}\n`);
      for (const r of ranked) io.out(`${r.config.id.padEnd(45)}${String(Math.round(r.windows)).padStart(8)}${(r.predictedMs / 1000).toFixed(3).padStart(14)}\n`);
      io.out(`${ranked.length} configuration(s) ranked by predicted time per case, from ${cals.length} calibration run(s) in ${resolve(args.out)}\n`);
      return;
    }
    const summary = summarizeSweep(args.out, summaryOptions);
    for (const w of summary.warnings) say(`warning: ${w}\n`);
    io.out(formatSummary(summary, resolve(args.out)));
  } finally {
    runner.dispose();
  }
}

/**
 * Sweep progress: a redrawn line on a terminal (pairs done, the pair, run k of n, windows and
 * time left); plain lines otherwise (one per finished pair, one for the results kept from before).
 */
export function sweepProgressPrinter(write: (s: string) => void, isTTY: boolean): { update: (p: SweepProgress) => void; done: () => void; finished: () => number } {
  let drawn = false;
  let skipped = 0;
  let unreported = 0;
  let saved = 0;
  let lastCase = '';
  const flushSkipped = () => {
    if (unreported > 0 && !isTTY) write(`resuming: ${unreported} finished pair(s) kept\n`);
    unreported = 0;
  };
  return {
    update(p) {
      if (p.stage === 'skip') {
        skipped++;
        unreported++;
        return;
      }
      if (p.stage === 'saved') saved++;
      if (isTTY) {
        const width = 24;
        const filled = p.total > 0 ? Math.round((width * p.done) / p.total) : 0;
        const what = p.stage === 'run' ? `run ${p.run}/${p.runs}` : p.stage === 'saved' ? 'saved' : p.stage;
        const inf = p.inference?.phase === 'model' ? ` · ${p.inference.done}/${p.inference.total} windows${p.inference.etaMs !== null ? `, ${Math.ceil(p.inference.etaMs / 1000)} s left` : ''}` : '';
        write(`\rsweep [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} ${p.caseId} ${p.configId} · ${what}${inf}\x1b[K`);
        drawn = true;
        return;
      }
      flushSkipped();
      if (p.stage === 'load' && p.caseId !== lastCase) {
        lastCase = p.caseId;
        write(`case ${p.caseId}\n`);
      } else if (p.stage === 'saved' && p.result) {
        const r = p.result;
        write(`[${p.done}/${p.total}] ${p.caseId} ${p.configId}: ${(r.timing.medianMs / 1000).toFixed(2)} s (${r.timing.runs} run(s), ${r.windows} windows), Dice ${r.dice.mean.toFixed(4)}\n`);
      } else if (p.stage === 'warmup' || p.stage === 'calibrate') {
        if (!p.inference) write(`${p.caseId} ${p.configId}: ${p.stage === 'warmup' ? 'warm-up (untimed)' : 'calibration map (untimed)'}\n`);
      }
    },
    done() {
      if (drawn) write('\n');
      drawn = false;
      flushSkipped();
    },
    finished: () => saved + skipped,
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const sec = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 3 : 1);

/** The summary as a table plus the recommendation, for stdout. */
export function formatSummary(s: SweepSummary, dir: string): string {
  const lines: string[] = [];
  const idw = Math.max(6, ...s.configs.map((c) => c.config.id.length));
  lines.push(`${pad('config', idw)}  ${lpad('windows', 7)}  ${lpad('time s', 8)}  ${lpad('min–max s', 15)}  ${lpad('Dice', 6)}  ${lpad('Dice/s', 8)}  ${lpad('predicted s', 16)}  front`);
  for (const c of [...s.configs].sort((a, b) => a.timeMs - b.timeMs)) {
    const pred = c.predictedMs === null ? (c.calibration ? 'calibration' : '—') : `${sec(c.predictedMs)} (${c.predictionErrorPct! >= 0 ? '+' : ''}${c.predictionErrorPct!.toFixed(0)} %)`;
    const range = `${sec(c.timing.minMs)}–${sec(c.timing.maxMs)}`;
    const flag = c.onParetoFront ? '*' : c.complete ? '' : `(${c.cases}/${s.cases.length} cases)`;
    lines.push(
      `${pad(c.config.id, idw)}  ${lpad(c.windows.toFixed(0), 7)}  ${lpad(sec(c.timeMs), 8)}  ${lpad(range, 15)}  ${lpad(c.dice.toFixed(4), 6)}  ${lpad(c.efficiency.toFixed(4), 8)}  ${lpad(pred, 16)}  ${flag}`,
    );
  }
  const r = s.recommendation;
  if (r) {
    lines.push('');
    lines.push(`recommended (${r.rule}): ${r.configId}: ${sec(r.timeMs)} s and ${r.windows.toFixed(0)} windows per case, Dice ${r.dice.toFixed(4)} (best ${r.bestDice.toFixed(4)}: ${r.bestDiceConfigId})`);
    lines.push(`  ${r.reason}`);
    // "saves" only when the time difference exceeds the noise (compareTimes); Dice with its verdict.
    const saving = (label: string, v: NonNullable<typeof r.vsMostExpensive>) => {
      const time = !v.time
        ? `saves ${sec(v.ms)} s (${(100 * v.fraction).toFixed(0)} %)`
        : v.time.verdict === 'faster'
          ? `saves ${sec(v.ms)} s (${(100 * v.fraction).toFixed(0)} %): ${describeTime(v.time)}`
          : `time ${describeTime(v.time)}`;
      const dice = v.diceComparison ? describeDice(v.diceComparison) : `Dice ${v.diceDelta >= 0 ? '−' : '+'}${Math.abs(v.diceDelta).toFixed(4)}`;
      const windows = v.windows >= 0 ? `${v.windows.toFixed(0)} fewer` : `${(-v.windows).toFixed(0)} more`;
      return `  vs ${label} ${v.configId}: ${time}; ${windows} windows per case; ${dice}`;
    };
    if (r.vsMostExpensive && r.vsMostExpensive.configId !== r.configId) lines.push(saving('the most expensive', r.vsMostExpensive));
    if (r.vsMargin && r.vsMargin.configId !== r.configId) lines.push(saving("recommendMargin's overlap", r.vsMargin));
  } else if (s.noRecommendation) {
    lines.push('');
    lines.push(`no recommendation: ${s.noRecommendation}`);
  }
  if (s.findings?.length) {
    lines.push('not findings (within noise / no difference):');
    for (const f of s.findings) lines.push(`  - ${f}`);
  }
  for (const m of s.margins) {
    const o = m.recommendation.overlap.map((x) => +x.toFixed(4));
    lines.push(
      `margin (patch ${m.patchSize.join('×')}, calibration map): ${m.recommendation.margin.join(',')} voxels → overlap ${o.every((x) => x === o[0]) ? o[0] : o.join('×')}, ${m.configId ? `in the grid as ${m.configId}` : 'not in the grid'}`,
    );
  }
  const held = s.timeModels.filter((t) => t.meanAbsErrorPct !== null);
  if (held.length) lines.push(`time model (fastest run predicted from the calibration runs): mean |error| ${(held.reduce((a, t) => a + t.meanAbsErrorPct!, 0) / held.length).toFixed(1)} %, max ${Math.max(...held.map((t) => t.maxAbsErrorPct!)).toFixed(1)} %`);
  if (s.missing.length) lines.push(`${s.missing.length} pair(s) not measured yet (other shards: merge with patchlens sweep --merge <folder> … --out <folder>)`);
  lines.push(`summary: ${join(dir, SWEEP_LAYOUT.summary)}`);
  return `${lines.join('\n')}\n`;
}
