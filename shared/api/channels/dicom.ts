/**
 * The DICOM domain of the contract: a label map as a DICOM SEG of the image's source series.
 */
import type { SegExport, SegExportTarget, SegPlan } from '../contract/dicom';

/** The DICOM domain's requests. */
export interface DicomRequests {
  /**
   * What a SEG export of `target` would write (segments, algorithm, the series it references), or
   * in `problem` why none can be written (an image opened from NIfTI has no series); writes nothing.
   */
  'seg:plan': { args: SegExportTarget; result: SegPlan };
  /**
   * Writes the SEG: Electron asks where with a save dialog (null when cancelled); the browser
   * transport writes `exports/<image or run>-labels.seg.dcm` in the project and answers
   * `conflict` naming the file it would replace unless `replace` is true. `precondition` when
   * there is no DICOM series to reference.
   */
  'seg:export': { args: SegExportTarget & { replace?: boolean }; result: SegExport | null };
}

/** A request channel of the DICOM domain. */
export type DicomChannel = keyof DicomRequests;

/** The DICOM domain's channels, in contract order. */
export const DICOM_CHANNELS = ['seg:plan', 'seg:export'] as const satisfies readonly DicomChannel[];

// Compile-time check: the list names every channel of DicomRequests.
const _everyDicomChannel: Exclude<DicomChannel, (typeof DICOM_CHANNELS)[number]> extends never ? true : false = true;
void _everyDicomChannel;
