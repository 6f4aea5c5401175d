import type { RunLayer, VolumeData } from '../../shared/api/contract';
import type { MprController, ViewName } from './cornerstone/mprController';
import type { VoxelSample } from './model/readout';
import { lpsToRas, valueAt, worldToVoxel } from './model/voxelIndex';

/** The volumes the viewer has loaded (on the image's grid). */
export interface LoadedVolumes {
  image: VolumeData | null;
  /** world → index of the image's affine. */
  inverse: number[][] | null;
  /** The reference (or the annotation's working map). */
  reference: VolumeData | null;
  layers: ReadonlyMap<RunLayer, VolumeData>;
}

/** The voxel under a canvas point of a view and what the loaded volumes hold there (null before an image). */
export function sampleVoxel(c: MprController | null, view: ViewName, xy: [number, number], loaded: LoadedVolumes): VoxelSample | null {
  const { image, inverse } = loaded;
  if (!c || !image || !inverse) return null;
  const world = c.canvasToWorld(view, xy);
  const voxel = worldToVoxel(image, world, inverse);
  const at = (v: VolumeData | null | undefined) => (v && voxel ? valueAt(v, voxel) : null);
  const maps: Record<string, number> = {};
  for (const [layer, label] of [['tiledPerformance', 'Performance map'], ['tiledConsistency', 'Consistency map'], ['coverage', 'Coverage']] as const) {
    const value = at(loaded.layers.get(layer));
    if (value !== null) maps[label] = value;
  }
  return {
    voxel,
    worldRas: lpsToRas(world),
    intensity: at(image),
    reference: at(loaded.reference),
    predicted: at(loaded.layers.get('labels')),
    probability: at(loaded.layers.get('probability')),
    maps,
  };
}
