import type { RunLayer, RunRecord, SessionState, VolumeData, VolumeInfo } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';
import { isRunOfImage } from '../jobs/runImages';
import type { OverlayData } from './buildOverlayVolumes';

/** A key that changes when another image (or label map) is opened: name, path, shape and content hash. */
export function volumeKey(info: Pick<VolumeInfo, 'name' | 'path' | 'shape' | 'sha256'> | null): string {
  return info ? `${info.name}|${info.path ?? ''}|${info.shape.join('x')}|${info.sha256 ?? ''}` : '';
}

/**
 * The run whose layers the viewer draws: the record of `runId`, only when it is a run of the
 * open image (null when absent, or a run of another image: its layers are never drawn over this one).
 */
export function findRun(session: Pick<SessionState, 'runs' | 'image'>, runId: string | null): RunRecord | null {
  const run = runId ? session.runs.find((r) => r.id === runId) ?? null : null;
  return run && isRunOfImage(run, session.image) ? run : null;
}

/** Fetches every layer a run has, in parallel. */
export async function fetchRunLayers(api: Api, run: RunRecord): Promise<Map<RunLayer, VolumeData>> {
  const entries = await Promise.all(run.layers.map(async (layer) => [layer, await api.call('run:layer', { runId: run.id, layer })] as const));
  return new Map(entries);
}

/** What the viewer has loaded (plain data, not reactive): the keys it was loaded for and the volumes. */
export interface LoadedViewerData {
  imageKey: string;
  labelKey: string;
  runKey: string;
  image: VolumeData | null;
  /** The image affine's inverse (world → voxel). */
  inverse: number[][] | null;
  reference: VolumeData | null;
  layers: Map<RunLayer, VolumeData>;
  overlays: OverlayData[];
}

/** Nothing loaded yet. */
export function emptyLoadedViewerData(): LoadedViewerData {
  return { imageKey: '', labelKey: '', runKey: '', image: null, inverse: null, reference: null, layers: new Map(), overlays: [] };
}
