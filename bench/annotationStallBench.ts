/**
 * The service's event loop while the annotation of a 256³ image is re-evaluated and saved
 * (`npm run bench` calls it; `npx tsx bench/annotationStallBench.ts` runs it alone): the longest
 * stall, as `monitorEventLoopDelay` (1 ms resolution) sees it, over
 *   - inline: `reevaluateRun` on the service's thread, then `saveAnnotation` (gzipSync), as before;
 *   - worker: `reevaluateRunOffThread` (a worker thread) and `saveAnnotationAsync` (gzip on
 *     libuv's pool) at once, as the handlers do now.
 * The run: the fake border model (2 classes) on a synthetic 256³ case, 64³ windows at overlap 0.5
 * (343 windows, a ~200 MB prediction cache), re-evaluated against a reference with 10 % of its
 * voxels flipped at seeded random places (edits everywhere, and a label file that gzip has to
 * work at). Both modes must give the same re-evaluation and the same label file bytes.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunReevaluation, RunSettings } from '../shared/api/contract';
import { readNifti } from '../shared/io/nifti';
import { openAnnotation, saveAnnotation, saveAnnotationAsync, type AnnotatedImage } from '../src-node/annotation/annotationFiles';
import { reevaluateRunOffThread } from '../src-node/annotation/reevaluateOffThread';
import { reevaluateRun } from '../src-node/compute/reevaluateRun';
import { sha256Hex } from '../src-node/fs/sha256';
import { mulberry32 } from '../shared/util/mulberry32';
import { tempFolder, writeCase } from '../test/helpers/fakeModel';
import { fakeRunFolder } from '../test/src-node/annotation/runFolderFixture';

const SHAPE = [256, 256, 256];
const settings: RunSettings = { patchSize: [64, 64, 64], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };
const r1 = (x: number) => Math.round(x * 10) / 10;

type Mode = 'inline' | 'worker';

/** Re-evaluates `runDir` and saves `labels` into a fresh project in `projectDir`, the `mode`'s way; answers the longest stall and what came out. */
async function measure(mode: Mode, runDir: string, projectDir: string, image: AnnotatedImage, labels: Uint8Array) {
  mkdirSync(projectDir, { recursive: true });
  const opened = openAnnotation(projectDir, image).versions;
  const findings = { format: 'patchlens.findings', findings: [] };
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // Let the monitor's timer run once before the work starts.
  await new Promise((r) => setTimeout(r, 20));
  histogram.enable();
  await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  let result: RunReevaluation;
  let saveMs: number | null = null;
  if (mode === 'inline') {
    result = await reevaluateRun(runDir, labels.slice());
    const s0 = performance.now();
    saveAnnotation(projectDir, image, opened, { labels, findings });
    saveMs = performance.now() - s0;
  } else {
    [result] = await Promise.all([reevaluateRunOffThread(runDir, labels.slice()), saveAnnotationAsync(projectDir, image, opened, { labels, findings })]);
  }
  const totalMs = performance.now() - t0;
  // One more timer turn, so that a stall right at the end is counted.
  await new Promise((r) => setTimeout(r, 5));
  histogram.disable();
  const saved = readFileSync(openAnnotation(projectDir, image).paths.labels);
  return { maxStallMs: histogram.max / 1e6, meanDelayMs: histogram.mean / 1e6, totalMs, saveMs, result, labelsSha256: sha256Hex(saved), labelBytes: saved.length };
}

/** The typed arrays of a re-evaluation as hex, the rest as JSON: equal strings mean the same numbers bit for bit. */
function fingerprint(r: RunReevaluation): string {
  const hex = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  return JSON.stringify({ ...r, before: hex(r.before.data), after: hex(r.after.data), difference: hex(r.difference.data) });
}

/** Prints the `annotation_stall` line; `emit` prints one JSON object per line. */
export async function annotationStallBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  const { dir, cleanup } = tempFolder('patchlens-stall-bench-');
  try {
    const c = writeCase(dir, 'case', SHAPE, 2);
    const volume = readNifti(readFileSync(c.image));
    const label = readNifti(readFileSync(c.label!));
    const setupT0 = performance.now();
    const runDir = await fakeRunFolder(dir, 'run', { image: volume, label, settings });
    const setupMs = performance.now() - setupT0;
    const labels = Uint8Array.from(label.data as Uint8Array);
    const rand = mulberry32(14);
    for (let i = 0; i < labels.length; i++) if (rand() < 0.1) labels[i] = 1 - labels[i];
    const image: AnnotatedImage = { path: c.image, header: volume.header, sha256: sha256Hex(readFileSync(c.image)) };
    const inline = await measure('inline', runDir, join(dir, 'project-inline'), image, labels);
    const worker = await measure('worker', runDir, join(dir, 'project-worker'), image, labels);
    emit({
      bench: 'annotation_stall',
      metric: 'max_stall_ms',
      value: r1(worker.maxStallMs),
      unit: 'ms',
      mode: 'worker (reevaluateRunOffThread + saveAnnotationAsync)',
      inline_max_stall_ms: r1(inline.maxStallMs),
      worker_max_stall_ms: r1(worker.maxStallMs),
      inline_mean_delay_ms: r1(inline.meanDelayMs),
      worker_mean_delay_ms: r1(worker.meanDelayMs),
      inline_total_ms: r1(inline.totalMs),
      inline_save_ms: r1(inline.saveMs!),
      worker_total_ms: r1(worker.totalMs),
      same_result: fingerprint(inline.result) === fingerprint(worker.result),
      same_label_bytes: inline.labelsSha256 === worker.labelsSha256,
      label_file_bytes: worker.labelBytes,
      shape: SHAPE,
      patch: settings.patchSize[0],
      overlap: settings.overlap,
      classes: 2,
      run_setup_ms: r1(setupMs),
    });
  } finally {
    cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  annotationStallBench((line) => process.stdout.write(`${JSON.stringify(line)}\n`)).catch((e: unknown) => {
    process.stdout.write(`${JSON.stringify({ bench: 'error', message: e instanceof Error ? e.message : String(e) })}\n`);
    process.exitCode = 1;
  });
}
