import { cache, volumeLoader, type Types } from '@cornerstonejs/core';
import type { VolumeData } from '../../../shared/api/contract';
import { toCornerstoneGeometry } from '../model/volumeGeometry';

/** Frame of reference shared by the image and its overlays (they are on the same grid). */
const FRAME_OF_REFERENCE = 'patchlens-frame';

/**
 * Creates (and caches) a cornerstone3D local volume from a PatchLens volume. `volumeId` must not
 * contain `:` (cornerstone would read a loader scheme). Data types cornerstone cannot hold
 * (Int32Array) are converted to Float32Array; the others are shared, not copied, and never written.
 */
export function createCornerstoneVolume(volumeId: string, volume: VolumeData): Types.IImageVolume {
  if (volumeId.includes(':')) throw new Error(`createCornerstoneVolume: volumeId must not contain ':' (got "${volumeId}")`);
  const n = volume.shape.reduce((a, b) => a * b, 1);
  if (volume.data.length !== n) throw new Error(`createCornerstoneVolume: data has ${volume.data.length} values for shape [${volume.shape.join(', ')}]`);
  const geometry = toCornerstoneGeometry(volume);
  const scalarData = volume.data instanceof Int32Array ? Float32Array.from(volume.data) : volume.data;
  const bits = scalarData.BYTES_PER_ELEMENT * 8;
  const signed = scalarData instanceof Int16Array || scalarData instanceof Float32Array;
  const created = volumeLoader.createLocalVolume(volumeId, {
    metadata: {
      BitsAllocated: bits,
      BitsStored: bits,
      SamplesPerPixel: 1,
      HighBit: bits - 1,
      PhotometricInterpretation: 'MONOCHROME2',
      PixelRepresentation: signed ? 1 : 0,
      Modality: 'MR',
      ImageOrientationPatient: geometry.direction.slice(0, 6),
      PixelSpacing: [geometry.spacing[1], geometry.spacing[0]],
      FrameOfReferenceUID: FRAME_OF_REFERENCE,
      Columns: geometry.dimensions[0],
      Rows: geometry.dimensions[1],
      voiLut: [],
      VOILUTFunction: 'LINEAR',
    } as Types.Metadata,
    dimensions: geometry.dimensions,
    spacing: geometry.spacing,
    origin: geometry.origin,
    direction: geometry.direction as unknown as Types.Mat3,
    scalarData: scalarData as Types.PixelDataTypedArray,
  });
  // Without this the texture is never uploaded and the volume renders black.
  created.invalidate?.();
  return created;
}

/** Removes a volume created by {@link createCornerstoneVolume} from cornerstone's cache. */
export function removeCornerstoneVolume(volumeId: string): void {
  if (cache.getVolume(volumeId)) cache.removeVolumeLoadObject(volumeId);
}
