/**
 * The files domain of the contract: uploads, opening and closing files, their voxels and the
 * model's training map. One comment line per request.
 */
import type { SessionState } from '../contract/session';
import type { CLOSABLE_FILE_KINDS, DicomChoice, DicomPreview, FileKind, OpenSource, PatchMapData, UploadTicket, VolumeData, VOLUME_FILE_KINDS } from '../contract/files';

/** The files domain's requests. */
export interface FileRequests {
  /** Starts an upload of files the user picked (browser transport): names and sizes; answers its id and the chunk size. */
  'upload:begin': { args: { files: { name: string; size: number }[] }; result: UploadTicket };
  /** The next bytes of one file of an upload (in order: `offset` is the bytes of that file sent so far). */
  'upload:chunk': { args: { uploadId: string; file: number; offset: number; bytes: Uint8Array }; result: { received: number } };
  /** Drops an unfinished upload and deletes what it wrote. */
  'upload:cancel': { args: { uploadId: string }; result: null };
  /** Opens an image, a label map or a model from a trusted source; null when a dialog was cancelled. */
  /** `series`: which series of a DICOM image source (its SeriesInstanceUID or series number), needed when it holds several. */
  'file:open': { args: { kind: FileKind; source: OpenSource; series?: string }; result: SessionState | null };
  /** Scans a DICOM folder (header only) and stages it for a series choice; null when the dialog was cancelled. An upload is kept until the choice is opened or discarded. */
  'file:dicomSeries': { args: { source: OpenSource }; result: DicomChoice | null };
  /** The file of a listed series' middle image (volume order), for the picker's thumbnail (the page decodes it); files over 64 MiB (DICOM_PREVIEW_MAX_BYTES) are refused. */
  'file:dicomPreview': { args: { choice: string; series: string }; result: DicomPreview };
  /** Drops a staged DICOM choice (a cancelled series picker): an upload behind it is deleted. Unknown choices are fine (gone already). */
  'file:dicomDiscard': { args: { choice: string }; result: null };
  /** Closes the label map or model (the image cannot be closed, only replaced). */
  'file:close': { args: { kind: (typeof CLOSABLE_FILE_KINDS)[number] }; result: SessionState };
  /** Voxel data of the open image or label map. */
  'volume:get': { args: { kind: (typeof VOLUME_FILE_KINDS)[number] }; result: VolumeData };
  /** The model's training-time patch performance map (null when its folder has none). */
  'model:trainingMap': { args: Record<string, never>; result: PatchMapData | null };
}

/** A request channel of the files domain. */
export type FileChannel = keyof FileRequests;

/** The files domain's channels, in contract order. */
export const FILE_CHANNELS = ['upload:begin', 'upload:chunk', 'upload:cancel', 'file:open', 'file:dicomSeries', 'file:dicomPreview', 'file:dicomDiscard', 'file:close', 'volume:get', 'model:trainingMap'] as const satisfies readonly FileChannel[];

// Compile-time check: the list names every channel of FileRequests.
const _everyFileChannel: Exclude<FileChannel, (typeof FILE_CHANNELS)[number]> extends never ? true : false = true;
void _everyFileChannel;
