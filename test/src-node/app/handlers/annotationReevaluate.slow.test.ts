/**
 * annotation:open from a run's prediction and annotation:reevaluate end to end: the demo model
 * runs once in the service host's worker (slow), then the run is re-evaluated from its
 * prediction cache against main's edited copy of the reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationInfo, RunReevaluation, SessionState, VolumeData } from '../../../../shared/api/contract';
import { brushIndices, EditHistory, LabelTable } from '../../../../shared/annotation/index';
import { createServiceHost } from '../../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../../src-node/app/serviceHost';
import { errorOf, jobEnd, result } from '../../../helpers/hostEnvelopes';

const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;

describe('annotation:reevaluate', () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-reevaluate-'));
  let host: ServiceHost;
  let conn: ServiceConnection;
  let runId = '';
  let runDice: number | null = null;
  const logged: string[] = [];

  beforeAll(async () => {
    host = await createServiceHost({ projectDir, transport: 'http', log: (line) => logged.push(line) });
    conn = host.connect({ role: 'ui' });
    result<SessionState>(await conn.handle('session:openDemo', {}));
    const { jobId } = result<{ jobId: string }>(await conn.handle('run:start', { settings }));
    const job = await jobEnd(conn, jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const s = result<SessionState>(await conn.handle('session:get', {}));
    runId = s.runs[0].id;
    runDice = s.runs[0].dice;
  }, 300_000);
  afterAll(async () => {
    await host?.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it("opens from the run's predicted labels, and compares the reference with them when a run is named", async () => {
    const layer = result<VolumeData>(await conn.handle('run:layer', { runId, layer: 'labels' }));
    const predicted = result<AnnotationInfo>(await conn.handle('annotation:open', { start: 'prediction', runId }));
    expect(predicted.start).toBe('prediction');
    expect(Array.from(predicted.labels.data)).toEqual(Array.from(layer.data));
    expect(predicted.stats.find((r) => r.value === 1)!.dice).toBe(1);
    const reference = result<AnnotationInfo>(await conn.handle('annotation:open', { start: 'reference', runId }));
    const brain = reference.stats.find((r) => r.value === 1)!;
    expect(brain.dice).toBeCloseTo(runDice!, 9);
  });

  it("re-evaluates the run against main's copy: the run's Dice unedited, another after an edit", async () => {
    const unedited = result<RunReevaluation>(await conn.handle('annotation:reevaluate', { runId }));
    expect(unedited.runId).toBe(runId);
    // It ran in the re-evaluation worker: no line says it fell back to the service's thread.
    expect(logged.filter((line) => line.includes('re-evaluation worker'))).toEqual([]);
    expect(unedited.dice.mean).toBeCloseTo(runDice!, 12);
    const info = result<AnnotationInfo>(await conn.handle('annotation:open', { start: 'reference' }));
    const history = new EditHistory(info.labels.data as Uint8Array, { locks: LabelTable.fromJSON(info.table) });
    // Erase a ball of the brain from the reference: the prediction there becomes false positives.
    const erased = history.apply({ label: 'Eraser 8 mm', indices: brushIndices({ shape: info.labels.shape, spacing: info.labels.spacing }, { centre: [45, 54, 45], radiusMm: 8 }), values: 0 });
    result(await conn.handle('annotation:edit', { diff: erased.change!, step: erased.step!.label }));
    const edited = result<RunReevaluation>(await conn.handle('annotation:reevaluate', { runId }));
    expect(edited.dice.mean).toBeLessThan(unedited.dice.mean);
    expect(edited.errorCounts.falsePositive).toBeGreaterThan(unedited.errorCounts.falsePositive);
    expect(edited.after.shape).toEqual([24, 24, 24]);
    expect(errorOf(await conn.handle('annotation:reevaluate', { runId: 'r-none' })).code).toBe('not-found');
  });
});
