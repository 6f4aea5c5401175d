import { describe, expect, it } from 'vitest';
import { ARG_VALIDATORS } from '../../../shared/api/validateArgs';
import { toComputeTaskResult } from '../../../src-renderer/compute/toComputeTaskResult';
import { engineResult } from './fakes';

describe('toComputeTaskResult', () => {
  it('keeps the volumes (float32 / uint8 shared, not copied) and converts other coverage types to float32', () => {
    const r = engineResult();
    const out = toComputeTaskResult(r);
    expect(out.labels.data).toBe(r.labels.data);
    expect(out.labels.shape).toEqual([2, 3, 4]);
    expect(out.labels.affine).toEqual(r.labels.affine);
    expect(out.labels.affine).not.toBe(r.labels.affine);
    expect(out.probabilities.data).toBe(r.probabilities!.data);
    expect(out.probabilities.shape).toEqual([2, 3, 4, 2]);
    expect(out.coverage.weight.data).toBe(r.coverage!.weight.data);
    expect(out.coverage.count.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.coverage.count.data)).toEqual(Array.from(r.coverage!.count.data as Int16Array));
  });

  it('hands the maps over as their raw accumulators with the measure (consistency named so)', () => {
    const r = engineResult();
    const out = toComputeTaskResult(r);
    expect(out.patchPerformance).toEqual({ shape: [2, 2, 2], count: 2, measure: 'crossEntropy', accumulator: { shape: [2, 2, 2], sum: r.patchPerformance!.accumulator.sum, count: 2 } });
    expect(out.patchPerformance!.accumulator.sum).toBe(r.patchPerformance!.accumulator.sum);
    expect(out.consistency!.measure).toBe('consistency');
    expect(out.consistency!.accumulator.shape).toEqual([2, 2, 2, 2]);
    expect(out.consistency!.accumulator.sum).toHaveLength(16);
    const none = toComputeTaskResult({ ...r, patchPerformance: null, consistency: null });
    expect([none.patchPerformance, none.consistency]).toEqual([null, null]);
  });

  it('reduces the backend to name, reason, renderer, software and drops the worker diagnostics', () => {
    const r = engineResult();
    const out = toComputeTaskResult(r);
    expect(out.backend).toEqual({ name: 'webgl', reason: 'fastest in a Conv3D-layer probe', renderer: 'ANGLE (Fake GPU)', software: false });
    const cpu = toComputeTaskResult({ ...r, backend: { name: 'cpu', fallbacks: [], probes: [] } });
    expect(cpu.backend).toEqual({ name: 'cpu', reason: 'chosen by the page', renderer: null, software: false });
    expect(Object.keys(out).sort()).toEqual(
      ['backend', 'classes', 'consistency', 'coverage', 'dice', 'domainDice', 'grid', 'labels', 'options', 'patchPerformance', 'probabilities', 'timing', 'warnings', 'windows'].sort(),
    );
    expect(out.dice).toEqual(r.dice);
    expect(out.windows).toBe(2);
    expect(out.timing).toEqual(r.timing);
    expect(out.grid).toEqual(r.grid);
    expect(out.classes).toEqual(r.classes);
    expect(out.warnings).toEqual(['a warning']);
  });

  it('passes the contract validator of compute:done', () => {
    const out = toComputeTaskResult(engineResult());
    const args = ARG_VALIDATORS['compute:done']('compute:done', { agentId: 'a1', taskId: 't1', result: out });
    expect(args.result.labels.shape).toEqual([2, 3, 4]);
    expect(args.result.consistency!.measure).toBe('consistency');
  });

  it('names what is missing when the run returned no probabilities or coverage', () => {
    expect(() => toComputeTaskResult({ ...engineResult(), probabilities: null })).toThrow(/toComputeTaskResult: .*probabilities/);
    expect(() => toComputeTaskResult({ ...engineResult(), coverage: null })).toThrow(/toComputeTaskResult: .*coverage/);
  });
});
