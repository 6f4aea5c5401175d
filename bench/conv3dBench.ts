/**
 * Conv3D benchmark: the fast CPU kernel (`conv3dNDHWC`: WebAssembly SIMD and plain JavaScript,
 * and through `tf.conv3d` once `registerFastConv3D` is in place) against tfjs-backend-cpu's own
 * Conv3D, on 64³ patches shaped like brainchop MeshNet layers; plus this machine's FLOP limits
 * (clock estimate, measured JS scalar and WebAssembly SIMD multiply-add peaks, and the vector FMA
 * peak the CPU advertises), to say which fraction of them the kernel reaches.
 *
 * GFLOP/s count 2·cin·cout·27 FLOP per output voxel (the nominal 3³ kernel; taps that fall
 * outside the volume are counted although no kernel computes them); `gflops_valid` counts only
 * the taps inside the volume.
 *
 * Last, a whole brainchop MeshNet (`../shared/models/brainchop/model5_gw_ae`, when present) on a
 * 64³ patch: tfjs-backend-cpu alone, with `registerFastConv3D`, and with `registerFastBinaryOps`
 * too (tfjs-layers' bias add is a broadcasting Add, slow on tfjs-backend-cpu).
 *
 * Run alone: `npx tsx bench/conv3dBench.ts` (one JSON object per line).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv3dNDHWC, type Conv3DImpl } from '../shared/engine/kernels/conv3d';
import { registerFastBinaryOps } from '../shared/engine/kernels/registerFastBinaryOps';
import { registerFastConv3D } from '../shared/engine/kernels/registerFastConv3D';
import { wasmApi, type WasmMemory } from '../shared/engine/kernels/wasm/wasmApi';
import { encodeModule, FuncBuilder, I32, Op, Simd, V128 } from '../shared/engine/kernels/wasm/wasmEncoder';

type Shape5 = [number, number, number, number, number];

/** The scenarios the issue asks for (64³ patch, 3³ kernel, 'same'), plus two more MeshNet layers. */
const SCENARIOS = [
  { name: 'cin5_cout5_dil4', cin: 5, cout: 5, dil: 4 },
  { name: 'cin20_cout20_dil2', cin: 20, cout: 20, dil: 2 },
  { name: 'cin1_cout5_dil1', cin: 1, cout: 5, dil: 1 },
  { name: 'cin15_cout15_dil16', cin: 15, cout: 15, dil: 16 },
  { name: 'cin11_cout11_dil8', cin: 11, cout: 11, dil: 8 },
] as const;
const PATCH = 64;

/** The brainchop model of the whole-model scenario. */
const MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'models', 'brainchop', 'model5_gw_ae');

/** Rounds for display. */
function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Uniform values in [-1, 1) from a seeded LCG. */
function random(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/**
 * Median of `fn`'s wall time in ms over at least `min` runs (and ~`budgetMs` in all), after `warm`
 * runs (V8 tiers WebAssembly and JavaScript up during the first runs).
 */
function timeMs(fn: () => void, { warm = 6, min = 3, max = 15, budgetMs = 1500 } = {}): { median: number; min: number; runs: number } {
  for (let i = 0; i < warm; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < min || (times.length < max && performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0], runs: times.length };
}

/** Sum over output positions of the taps inside the input, along one axis ('same', stride 1). */
function validTaps(size: number, dil: number): number {
  let n = 0;
  for (let o = 0; o < size; o++) for (let k = -1; k <= 1; k++) n += o + k * dil >= 0 && o + k * dil < size ? 1 : 0;
  return n;
}

/** Clock estimate (GHz) from a chain of dependent 1-cycle integer operations. */
function clockGHz(): number {
  const chain = (n: number, y: number): number => {
    let x = 0;
    for (let i = 0; i < n; i++) {
      x = (x + y) | 0; x = (x ^ y) | 0; x = (x + y) | 0; x = (x ^ y) | 0;
      x = (x + y) | 0; x = (x ^ y) | 0; x = (x + y) | 0; x = (x ^ y) | 0;
      x = (x + y) | 0; x = (x ^ y) | 0; x = (x + y) | 0; x = (x ^ y) | 0;
      x = (x + y) | 0; x = (x ^ y) | 0; x = (x + y) | 0; x = (x ^ y) | 0;
    }
    return x;
  };
  const n = 2e7;
  chain(n, 3);
  const t = timeMs(() => void chain(n, 5), { warm: 0, min: 5, max: 5 });
  return (n * 16) / t.min / 1e6;
}

/** JS scalar multiply-add peak (GFLOP/s): 10 independent chains `a = a·m + c` in doubles. */
function jsScalarPeak(): number {
  const run = (n: number, m: number, c: number): number => {
    let a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1, a8 = 1, a9 = 1;
    for (let i = 0; i < n; i++) {
      a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c; a4 = a4 * m + c;
      a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c; a8 = a8 * m + c; a9 = a9 * m + c;
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
  };
  const n = 2e7;
  run(n, 0.999999, 1e-6);
  const t = timeMs(() => void run(n, 0.999999, 1e-6), { warm: 0, min: 5, max: 5 });
  return (n * 20) / t.min / 1e6;
}

/** WebAssembly SIMD multiply-add peak (GFLOP/s): `chains` independent f32x4 chains `a = a·m + c`. */
function wasmSimdPeak(chains: number): number {
  const f = new FuncBuilder(1);
  const m = f.local(V128), c = f.local(V128), i = f.local(I32);
  const acc: number[] = [];
  for (let k = 0; k < chains; k++) acc.push(f.local(V128));
  f.i32(0).simdMem(Simd.v128Load32Splat, 2, 0).set(m); // m = mem[0]
  f.i32(0).simdMem(Simd.v128Load32Splat, 2, 4).set(c); // c = mem[1]
  for (const a of acc) f.get(m).set(a);
  f.get(0).set(i);
  f.raw(Op.loop, 0x40);
  for (const a of acc) f.get(a).get(m).simd(Simd.f32x4Mul).get(c).simd(Simd.f32x4Add).set(a);
  f.get(i).i32(1).raw(Op.i32Sub).tee(i).raw(Op.brIf).u(0);
  f.raw(Op.end);
  for (const a of acc) f.i32(16).get(a).simdMem(Simd.v128Store, 4, 0); // keep the results alive
  const api = wasmApi();
  if (!api) return NaN;
  const inst = new api.Instance(new api.Module(encodeModule([{ name: 'peak', body: f }], 1)));
  const mem = new Float32Array((inst.exports.memory as WasmMemory).buffer);
  mem[0] = 0.999999;
  mem[1] = 1e-6;
  const peak = inst.exports.peak as (n: number) => void;
  const n = 2e7;
  peak(n);
  const t = timeMs(() => peak(n), { warm: 0, min: 5, max: 5 });
  return (n * chains * 8) / t.min / 1e6;
}

/** Vector FMA lanes per instruction from /proc/cpuinfo's flags (Linux), or undefined. */
function fmaLanes(): { lanes: number; isa: string } | undefined {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].split(/\s+/) ?? [];
    if (!flags.includes('fma')) return undefined;
    return flags.includes('avx512f') ? { lanes: 16, isa: 'AVX-512 FMA' } : { lanes: 8, isa: 'AVX2 FMA' };
  } catch {
    return undefined;
  }
}

/**
 * Runs the benchmark and reports through `emit`, one object per measurement.
 *
 * @param emit receives one JSON-serialisable line per measurement
 */
export async function conv3dBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();

  // Machine limits.
  const ghz = clockGHz();
  const jsPeak = jsScalarPeak();
  const simdPeak = Math.max(wasmSimdPeak(8), wasmSimdPeak(10), wasmSimdPeak(12));
  const lanes = fmaLanes();
  const hwPeak = lanes ? 2 * lanes.lanes * 2 * ghz : undefined;
  emit({ bench: 'conv3d_limits', metric: 'clock_estimate', value: r3(ghz), unit: 'GHz', method: 'dependent 1-cycle integer ops', cpu: cpus()[0]?.model });
  emit({ bench: 'conv3d_limits', metric: 'js_scalar_muladd_peak', value: r3(jsPeak), unit: 'GFLOP/s', method: '10 independent a = a*m + c chains, float64', per_cycle: r3(jsPeak / ghz) });
  emit({ bench: 'conv3d_limits', metric: 'wasm_simd_muladd_peak', value: r3(simdPeak), unit: 'GFLOP/s', method: 'best of 8/10/12 independent f32x4 a = a*m + c chains (no FMA in wasm SIMD 1.0)', per_cycle: r3(simdPeak / ghz) });
  if (hwPeak !== undefined && lanes) {
    emit({ bench: 'conv3d_limits', metric: 'hardware_fp32_peak_estimate', value: r3(hwPeak), unit: 'GFLOP/s', method: `2 ${lanes.isa} pipes × ${lanes.lanes} fp32 lanes × 2 FLOP × clock (assumed, one core)` });
  }

  for (const s of SCENARIOS) {
    const xs: Shape5 = [1, PATCH, PATCH, PATCH, s.cin];
    const fs: Shape5 = [3, 3, 3, s.cin, s.cout];
    const x = random(xs.reduce((a, b) => a * b, 1), 1);
    const f = random(fs.reduce((a, b) => a * b, 1), 2);
    const voxels = PATCH ** 3;
    const flop = 2 * s.cin * s.cout * 27 * voxels;
    const flopValid = 2 * s.cin * s.cout * validTaps(PATCH, s.dil) ** 3;
    const scenario = { scenario: s.name, patch: PATCH, cin: s.cin, cout: s.cout, dilation: s.dil, flop_nominal: flop, flop_valid: flopValid };
    const line = (impl: string, t: { median: number; min: number; runs: number }, extra: Record<string, unknown> = {}) => {
      emit({
        bench: 'conv3d', metric: 'gflops', value: r3(flop / t.median / 1e6), unit: 'GFLOP/s', impl, ...scenario,
        ms_median: r3(t.median), ms_min: r3(t.min), runs: t.runs, gflops_valid: r3(flopValid / t.median / 1e6), ...extra,
      });
    };

    // tfjs-backend-cpu's own kernel: slow, so one timed run after a small warm-up.
    const xt = tf.tensor5d(x, xs);
    const ft = tf.tensor5d(f, fs);
    tf.tidy(() => tf.conv3d(tf.slice(xt, 0, [1, 8, 8, 8, s.cin]) as tf.Tensor5D, ft, 1, 'same', 'NDHWC', s.dil).dataSync());
    const tfjs = timeMs(() => tf.tidy(() => void tf.conv3d(xt, ft, 1, 'same', 'NDHWC', s.dil).dataSync()), { warm: 0, min: 1, max: 1 });
    line('tfjs-cpu', tfjs);

    const results: Record<string, number> = {};
    for (const impl of ['simd', 'js'] as Conv3DImpl[]) {
      const t = timeMs(() => void conv3dNDHWC(x, xs, f, fs, { pad: 'same', dilations: s.dil, impl }), impl === 'js' ? { warm: 1, min: 3, max: 5 } : {});
      results[impl] = t.median;
      const gflops = flop / t.median / 1e6;
      line(impl, t, {
        speedup_vs_tfjs: r3(tfjs.median / t.median),
        fraction_of_limit: r3(gflops / (impl === 'simd' ? simdPeak : jsPeak)),
        limit: impl === 'simd' ? 'wasm_simd_muladd_peak' : 'js_scalar_muladd_peak',
        fraction_of_hardware_peak: hwPeak ? r3(gflops / hwPeak) : undefined,
      });
    }
    const undo = registerFastConv3D();
    try {
      const t = timeMs(() => tf.tidy(() => void tf.conv3d(xt, ft, 1, 'same', 'NDHWC', s.dil).dataSync()));
      line('tf.conv3d+registerFastConv3D', t, { speedup_vs_tfjs: r3(tfjs.median / t.median) });
    } finally {
      undo();
    }
    xt.dispose();
    ft.dispose();
  }
  await modelBench(emit);
}

/** Loads a tfjs layers model from a folder, accepting any input size (MeshNets are fully convolutional). */
async function loadMeshNet(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(resolve(dir, 'model.json'), 'utf8'));
  json.modelTopology.model_config.config.layers[0].config.batch_input_shape = [null, null, null, null, 1];
  const groups = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const all = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(resolve(dir, p)))));
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData }));
}

/** The whole-model scenario: model5_gw_ae on a 64³ patch, three ways. */
async function modelBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  if (!existsSync(resolve(MODEL_DIR, 'model.json'))) return;
  const model = await loadMeshNet(MODEL_DIR);
  const x = tf.tensor5d(random(PATCH ** 3, 5).map((v) => 0.5 + 0.5 * v), [1, PATCH, PATCH, PATCH, 1]);
  const predict = () => tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync());
  const scenario = { scenario: 'model5_gw_ae', patch: PATCH };
  const base = timeMs(predict, { warm: 0, min: 1, max: 1 });
  emit({ bench: 'conv3d_model', metric: 'ms', value: r3(base.median), unit: 'ms', impl: 'tfjs-cpu', ...scenario });
  const undoConv = registerFastConv3D();
  try {
    const conv = timeMs(predict, { warm: 2, min: 3, max: 5 });
    emit({ bench: 'conv3d_model', metric: 'ms', value: r3(conv.median), unit: 'ms', impl: 'registerFastConv3D', speedup_vs_tfjs: r3(base.median / conv.median), ...scenario });
    const undoBinary = registerFastBinaryOps();
    try {
      const both = timeMs(predict, { warm: 2, min: 3, max: 9 });
      emit({ bench: 'conv3d_model', metric: 'ms', value: r3(both.median), unit: 'ms', impl: 'registerFastConv3D+registerFastBinaryOps', speedup_vs_tfjs: r3(base.median / both.median), ...scenario });
    } finally {
      undoBinary();
    }
  } finally {
    undoConv();
  }
  x.dispose();
  model.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  conv3dBench((line) => process.stdout.write(`${JSON.stringify(line)}\n`)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
