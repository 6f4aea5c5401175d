/**
 * The series picker's thumbnails (`file:dicomPreview`): the file holding a listed series' middle
 * image, sent whole for the page to decode (src-renderer/viewer/dicom, as OHIF's study browser
 * does). The middle is taken in volume order, the order main reads the series in (slices sorted
 * along the normal by stackGeometry); a series whose geometry main refuses (tilt, a gap…) still
 * gets a thumbnail, by position along its first image's normal. Files are named relative to the
 * listed folder, never by a patient identifier.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { DICOM_PREVIEW_MAX_BYTES, type DicomPreview } from '../../shared/api/contract';
import type { DicomSeries } from '../dicom';
import { cross, dot } from '../dicom/geometry';
import { segSourceOfSeries } from '../dicom/seg';
import { seriesNamed } from '../readDicomImage';
import type { StagedDicom } from './dicomChoices';
import { fail } from './serviceError';

/** One image of a series: its file and frame index in that file. */
export interface SeriesImage {
  file: string;
  frame: number;
}

/**
 * The images of a scanned series in volume order: as `readDicomSeries` orders them (stackGeometry,
 * through segSourceOfSeries); when that refuses the geometry, by ImagePositionPatient along the
 * first image's normal (images without a position last), then InstanceNumber, then file order.
 */
export function imagesInVolumeOrder(series: DicomSeries): SeriesImage[] {
  try {
    return segSourceOfSeries(series).dicom.slices.map((s) => ({ file: s.file, frame: s.frame }));
  } catch {
    const o = series.instances[0]?.frames[0]?.orientation;
    const normal = o && o.length === 6 ? cross(o.slice(0, 3), o.slice(3, 6)) : null;
    const images = series.instances.flatMap((inst) =>
      inst.frames.map((fr) => ({ file: inst.path, frame: fr.frame, along: normal && fr.position?.length === 3 ? dot(fr.position, normal) : Infinity, number: inst.instanceNumber ?? 0 })),
    );
    // Array.prototype.sort is stable: equal keys keep file order.
    images.sort((a, b) => (a.along === b.along ? 0 : a.along - b.along) || a.number - b.number || a.frame - b.frame);
    return images.map(({ file, frame }) => ({ file, frame }));
  }
}

/** The series a `file:dicomPreview` names: by SeriesInstanceUID, else by series number when one series has it. */
function seriesOfChoice(ch: string, staged: StagedDicom, wanted: string): DicomSeries {
  const found = seriesNamed(staged.series, wanted);
  if (found.length === 1) return found[0];
  const which = found.length > 1 ? `${found.length} series have number ${wanted}; name one by its SeriesInstanceUID` : `no series ${JSON.stringify(wanted)} in it`;
  throw fail('bad-input', `${ch}: the listed folder holds ${staged.series.length} series; ${which}`);
}

/**
 * The file of the middle image (index ⌊n/2⌋ in volume order: the 3rd of 5) of the series `wanted`
 * (its SeriesInstanceUID or number) of a staged choice, and that image's frame in the file.
 * @throws ServiceError `bad-input` for a series not in the choice, or a file over
 *   {@link DICOM_PREVIEW_MAX_BYTES} (naming the file and its size); `not-found` for a file gone
 *   since the folder was listed
 */
export async function dicomPreview(ch: string, staged: StagedDicom, wanted: string): Promise<DicomPreview> {
  const series = seriesOfChoice(ch, staged, wanted);
  const images = imagesInVolumeOrder(series);
  const middle = images[Math.floor(images.length / 2)];
  if (!middle) throw fail('bad-input', `${ch}: series ${JSON.stringify(wanted)} has no images`);
  let base = staged.path;
  try {
    if (!(await stat(base)).isDirectory()) base = dirname(base); // a DICOMDIR
  } catch {
    base = dirname(base);
  }
  const name = relative(base, middle.file).split(sep).join('/');
  const tooBig = (size: number) => fail('bad-input', `${ch}: ${name} is ${size} bytes (${(size / 1024 ** 2).toFixed(1)} MiB), over the preview limit of ${DICOM_PREVIEW_MAX_BYTES / 1024 ** 2} MiB`);
  let buffer: Buffer;
  try {
    const size = (await stat(middle.file)).size;
    if (size > DICOM_PREVIEW_MAX_BYTES) throw tooBig(size);
    buffer = await readFile(middle.file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw fail('not-found', `${ch}: ${name} is gone since the folder was listed; list it again`);
    throw e;
  }
  // It may have grown between stat and read.
  if (buffer.byteLength > DICOM_PREVIEW_MAX_BYTES) throw tooBig(buffer.byteLength);
  return { name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), frame: middle.frame };
}
