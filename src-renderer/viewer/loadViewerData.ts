import type { RunLayer, RunRecord, SessionState, VolumeData, VolumeInfo } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';

/** A key that changes when another image (or label map) is opened: name, path and shape. */
export function volumeKey(info: Pick<VolumeInfo, 'name' | 'path' | 'shape'> | null): string {
  return info ? `${info.name}|${info.path ?? ''}|${info.shape.join('x')}` : '';
}

/** The run record of an id in the session (null when absent). */
export function findRun(session: Pick<SessionState, 'runs'>, runId: string | null): RunRecord | null {
  return runId ? session.runs.find((r) => r.id === runId) ?? null : null;
}

/** Fetches every layer a run has, in parallel. */
export async function fetchRunLayers(api: Api, run: RunRecord): Promise<Map<RunLayer, VolumeData>> {
  const entries = await Promise.all(run.layers.map(async (layer) => [layer, await api.call('run:layer', { runId: run.id, layer })] as const));
  return new Map(entries);
}
