import type { InspectResult } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';

/** The patch inspector's state: loading, the windows that covered a voxel, or why there are none. */
export interface InspectState {
  loading: boolean;
  result: InspectResult | null;
  error: string | null;
}

/**
 * Asks main which windows of a run covered a voxel (`run:inspect`). No run: nothing to show; a
 * point outside the image: says so; a failure: its message.
 */
export async function inspectVoxel(api: Api, runId: string | null, voxel: number[] | null): Promise<InspectState> {
  if (!runId) return { loading: false, result: null, error: null };
  if (!voxel) return { loading: false, result: null, error: 'That point is outside the image.' };
  try {
    return { loading: false, result: await api.call('run:inspect', { runId, voxel }), error: null };
  } catch (e) {
    return { loading: false, result: null, error: e instanceof Error ? e.message : String(e) };
  }
}
