/**
 * Reads one DICOM series into a PatchLens Volume, as the NIfTI reader gives one: data row-major in
 * shape `[slices, rows, columns]`, spacing `[dk, dj, di]`, and the affine from `[k, j, i, 1]` to
 * RAS+ mm — so the series and dcm2niix's NIfTI of it overlay exactly.
 */
import type { Volume } from '../../shared/io/volume';
import { DEFAULT_MAX_IMAGE_BYTES, formatBytes } from '../../shared/io/niftiLayout';
import { readDicomFile } from './dicomFile';
import { stackGeometry, type StackImage } from './geometry';
import type { DicomInstance } from './parseFile';
import { decodeCompressedFrame, decodeFrame, frameBytes, rescale, storedArrayType, type RescaleRun } from './pixels';
import { scanDicomFolder, type DicomSeries } from './scan';
import { unsupportedSyntaxMessage } from './transferSyntax';

/** One slice of a {@link DicomVolume}, in slice order. */
export interface DicomSlice {
  file: string;
  /** Frame index in the file (0 for single-frame files). */
  frame: number;
  sopInstanceUid: string;
  /** ImagePositionPatient (LPS, mm). */
  position: number[] | null;
}

/** A Volume read from a DICOM series, with what the viewer and a later DICOM SEG need. */
export interface DicomVolume extends Volume {
  /** Minimum and maximum of `data`. */
  range: [number, number];
  dicom: {
    seriesInstanceUid: string;
    studyInstanceUid: string;
    frameOfReferenceUid: string;
    seriesNumber: number | null;
    modality: string;
    seriesDescription: string;
    patientName: string;
    patientId: string;
    studyDate: string;
    photometricInterpretation: string;
    transferSyntaxes: string[];
    /** Whether RescaleSlope/Intercept changed the stored values. */
    rescaled: boolean;
    /** The slices, in volume order (k = 0 first): ascending along the slice normal. */
    slices: DicomSlice[];
    /** What was assumed (a single image without position, orientation or pixel spacing; MONOCHROME1). */
    warnings: string[];
  };
}

/** Options of {@link readDicomSeries}. */
export interface ReadDicomSeriesOptions {
  /**
   * The most bytes reading may take: the stored values (voxels × BitsAllocated/8) plus the
   * rescaled copy (4 bytes per voxel at most), checked before anything is allocated; also the
   * largest file read. Default 2 GiB.
   */
  maxBytes?: number;
}

function seriesError(label: string, message: string): Error {
  return new Error(`readDicomSeries: ${label}: ${message}`);
}

/** Checks that every instance can be read into one volume: one series, one size and pixel format, native pixel data. */
function checkInstances(label: string, instances: DicomInstance[]): void {
  const first = instances[0];
  for (const inst of instances) {
    const where = inst.path;
    if (inst.seriesInstanceUid !== first.seriesInstanceUid) {
      throw seriesError(label, `mixed series: ${first.path} is in series ${first.seriesInstanceUid}, ${where} in ${inst.seriesInstanceUid}; read one series at a time (scanDicomFolder lists them)`);
    }
    if (!inst.transferSyntax.supported) throw seriesError(label, `${where}: ${unsupportedSyntaxMessage(inst.transferSyntax)}`);
    if (inst.rows !== first.rows || inst.columns !== first.columns) {
      throw seriesError(label, `mixed image sizes: ${first.path} is ${first.rows}×${first.columns} (rows×columns), ${where} is ${inst.rows}×${inst.columns}`);
    }
    if (!(inst.rows > 0 && inst.columns > 0)) throw seriesError(label, `${where}: Rows × Columns is ${inst.rows}×${inst.columns}`);
    if (inst.samplesPerPixel !== 1) throw seriesError(label, `${where}: ${inst.samplesPerPixel} samples per pixel (${inst.photometricInterpretation}): only greyscale images are supported`);
    if (![8, 16, 32].includes(inst.bitsAllocated)) throw seriesError(label, `${where}: BitsAllocated ${inst.bitsAllocated} is not supported (8, 16 or 32)`);
    if (!(inst.bitsStored >= 1 && inst.bitsStored <= inst.bitsAllocated && inst.highBit < inst.bitsAllocated && inst.highBit + 1 >= inst.bitsStored)) {
      throw seriesError(label, `${where}: BitsStored ${inst.bitsStored} / HighBit ${inst.highBit} do not fit BitsAllocated ${inst.bitsAllocated}`);
    }
    const pixelFormat = (i: DicomInstance) => `${i.bitsAllocated}/${i.bitsStored}/${i.highBit} bits, ${i.pixelRepresentation ? 'signed' : 'unsigned'}`;
    if (pixelFormat(inst) !== pixelFormat(first)) throw seriesError(label, `mixed pixel formats: ${first.path} has ${pixelFormat(first)}, ${where} has ${pixelFormat(inst)}`);
    const need = frameBytes(inst) * inst.frames.length;
    // Compressed frames are checked when decoded (encapsulation, then the codec).
    if (!inst.transferSyntax.compressed && (!inst.pixelDataComplete || inst.pixelDataBytes < need)) {
      throw seriesError(label, `${where}: truncated pixel data: ${inst.frames.length} frame(s) of ${inst.rows}×${inst.columns} × ${inst.bitsAllocated} bits need ${need} bytes, the file has ${inst.pixelDataComplete ? inst.pixelDataBytes : 'fewer than declared'}`);
    }
  }
}

/**
 * Reads a series (from {@link scanDicomFolder}, or a list of its files) into a Volume.
 *
 * - Order: slices sorted by ImagePositionPatient projected on the slice normal (row × column
 *   direction of ImageOrientationPatient), ascending — never by InstanceNumber or file name.
 *   Multi-frame files contribute one slice per frame (enhanced CT/MR: PlanePositionSequence and
 *   PlaneOrientationSequence of the per-frame or shared functional groups; RT Dose:
 *   GridFrameOffsetVector).
 * - Geometry: shape `[slices, Rows, Columns]`, spacing `[step, PixelSpacing[0], PixelSpacing[1]]`
 *   with the step from the positions (SliceThickness only for a single slice); the affine is the
 *   DICOM LPS geometry with x and y negated (RAS+), in the NIfTI reader's `[k, j, i]` column order.
 * - Values: the stored integers (BitsStored, PixelRepresentation) with each frame's
 *   RescaleSlope/Intercept applied: a Float32Array when a slope or intercept is not an integer,
 *   else the smallest integer array that holds them. MONOCHROME1 values are kept as stored.
 * - Transfer syntaxes: implicit and explicit VR little endian, deflated explicit VR little
 *   endian, explicit VR big endian; JPEG baseline (8-bit), JPEG lossless, JPEG-LS, JPEG 2000,
 *   HTJ2K and RLE through the cornerstone3D codec packages (codecs.ts); other compressed syntaxes
 *   (12-bit JPEG, MPEG, JPEG XL, JPEG 2000 multi-component) are refused with their name.
 * - Size: checked against `maxBytes` before the volume is allocated.
 * Nothing is returned half-loaded: every check happens before the volume is returned.
 * @throws `readDicomSeries: <series>: …` naming the files and the numbers for mixed series, sizes
 *   or pixel formats, a transfer syntax without a codec, truncated pixel data or a compressed frame
 *   its codec cannot decode (naming the file, the frame and the syntax), every
 *   geometry error of `stackGeometry` (tilt, inconsistent orientation, gaps, duplicates,
 *   non-uniform steps), a file that changed between the scan and the read, and the size limit.
 */
export async function readDicomSeries(series: DicomSeries | readonly string[], options: ReadDicomSeriesOptions = {}): Promise<DicomVolume> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  let instances: DicomInstance[];
  if (Array.isArray(series)) {
    const scan = await scanDicomFolder(series as readonly string[], { maxBytes });
    if (scan.skipped.length > 0) throw seriesError(`${series.length} file(s)`, `not DICOM images: ${scan.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`);
    instances = scan.series.flatMap((s) => s.instances);
  } else {
    instances = [...(series as DicomSeries).instances];
  }
  const first = instances[0];
  const label = `series ${first.seriesNumber ?? '?'} (${first.seriesInstanceUid})`;
  checkInstances(label, instances);

  const frames = instances.flatMap((inst, f) => inst.frames.map((fr) => ({ inst, fileIndex: f, fr })));
  const images: StackImage[] = frames.map(({ inst, fr }) => ({
    where: inst.frames.length > 1 ? `${inst.path} frame ${fr.frame + 1}` : inst.path,
    position: fr.position,
    orientation: fr.orientation,
    pixelSpacing: fr.pixelSpacing,
    instanceNumber: inst.instanceNumber,
  }));
  let geometry;
  try {
    geometry = stackGeometry(images, first.spacingBetweenSlices ?? first.sliceThickness);
  } catch (e) {
    throw seriesError(label, (e as Error).message);
  }

  const perSlice = first.rows * first.columns;
  const voxels = perSlice * frames.length;
  const need = voxels * (first.bitsAllocated / 8) + voxels * 4;
  if (need > maxBytes) {
    throw seriesError(label, `${frames.length} slices of ${first.rows}×${first.columns} need ${formatBytes(need)} (${need} bytes) to read, over the limit of ${formatBytes(maxBytes)} (${maxBytes} bytes); if the series is real, raise the limit (maxBytes)`);
  }
  const stored = new (storedArrayType(first))(voxels);
  const sliceOf = new Map<number, number>(geometry.order.map((n, k) => [n, k]));
  const runs: RescaleRun[] = [];
  let n = 0;
  for (const inst of instances) {
    const file = await readDicomFile(inst.path, { headerOnly: false, maxBytes }).catch((e: Error) => {
      throw seriesError(label, `${inst.path}: ${e.message}`);
    });
    const now = file.instance;
    if (now.sopInstanceUid !== inst.sopInstanceUid || now.frames.length !== inst.frames.length || now.rows !== inst.rows || now.columns !== inst.columns) {
      throw seriesError(label, `${inst.path} changed since it was scanned (SOP Instance UID, frames or size differ); scan the folder again`);
    }
    const pixel = file.dataSet.elements.x7fe00010;
    for (const fr of now.frames) {
      const k = sliceOf.get(n++) as number;
      if (now.transferSyntax.compressed) {
        await decodeCompressedFrame(now, file.dataSet, fr.frame, stored, k * perSlice).catch((e: Error) => {
          throw seriesError(label, e.message);
        });
      } else {
        decodeFrame(now, file.dataSet.byteArray as Uint8Array, pixel.dataOffset, fr.frame, stored, k * perSlice);
      }
      runs.push({ at: k * perSlice, length: perSlice, slope: fr.slope, intercept: fr.intercept });
    }
  }
  const { data, range, rescaled } = rescale(stored, runs);
  const warnings = [...geometry.warnings];
  if (first.photometricInterpretation === 'MONOCHROME1') warnings.push('MONOCHROME1: higher values are darker; the values are kept as stored');
  return {
    data,
    shape: [frames.length, first.rows, first.columns],
    spacing: geometry.spacing,
    affine: geometry.affine,
    range,
    dicom: {
      seriesInstanceUid: first.seriesInstanceUid,
      studyInstanceUid: first.studyInstanceUid,
      frameOfReferenceUid: first.frameOfReferenceUid,
      seriesNumber: first.seriesNumber,
      modality: first.modality,
      seriesDescription: first.seriesDescription,
      patientName: first.patientName,
      patientId: first.patientId,
      studyDate: first.studyDate,
      photometricInterpretation: first.photometricInterpretation,
      transferSyntaxes: [...new Set(instances.map((i) => i.transferSyntax.name))],
      rescaled,
      slices: geometry.order.map((m) => ({ file: frames[m].inst.path, frame: frames[m].fr.frame, sopInstanceUid: frames[m].inst.sopInstanceUid, position: frames[m].fr.position })),
      warnings,
    },
  };
}
