/**
 * The files domain's data: what a file to open is and where it comes from, uploads, a volume's
 * voxels and description, a model's description, the recent list.
 */

/** Every kind of file to open (see {@link FileKind}). */
export const FILE_KINDS = ['image', 'label', 'model'] as const;

/** What a file to open is used as. A model is a folder (model.json, weight shards, optional patchlens.json). */
export type FileKind = (typeof FILE_KINDS)[number];

/** The kinds of file `file:close` closes (the image cannot be closed, only replaced). */
export const CLOSABLE_FILE_KINDS = ['label', 'model'] as const satisfies readonly FileKind[];

/** The kinds of file `volume:get` answers the voxels of. */
export const VOLUME_FILE_KINDS = ['image', 'label'] as const satisfies readonly FileKind[];

/** Every `from` of an {@link OpenSource}. */
export const OPEN_SOURCE_KINDS = ['dialog', 'recent', 'drop', 'upload', 'choice'] as const;

/**
 * Where a file comes from. Main accepts paths only from its own dialogs, drag-and-drop in
 * Electron (sent by the preload itself, never by page script; refused over the browser
 * transport), the project's recent list, or bytes the page uploaded (`upload:begin` /
 * `upload:chunk`, written into the project folder by main: the browser transport never opens a
 * path the page names), or a DICOM folder main listed (`file:dicomSeries`) and staged under a
 * token: `choice` opens one of its series (`file:open { kind: 'image', source, series }`).
 */
export type OpenSource =
  | { from: 'dialog' }
  | { from: 'recent'; path: string }
  | { from: 'drop'; path: string }
  | { from: 'upload'; uploadId: string }
  | { from: 'choice'; choice: string };


// Compile-time check: OPEN_SOURCE_KINDS names every `from` of OpenSource and nothing else.
type SourceKind = (typeof OPEN_SOURCE_KINDS)[number];
const _everySource: [Exclude<OpenSource['from'], SourceKind>, Exclude<SourceKind, OpenSource['from']>] extends [never, never] ? true : false = true;
void _everySource;

/** Largest chunk of one `upload:chunk`, bytes (8 MiB). */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** An upload in progress (`upload:begin`). */
export interface UploadTicket {
  uploadId: string;
  /** Send the files in chunks of at most this many bytes, in order. */
  chunkBytes: number;
  /** The most bytes one upload may hold. */
  maxBytes: number;
}

/** Voxel data of a volume for display: row-major, shape slowest axis first (`[nk, nj, ni]`), affine index → RAS+ mm (see shared/io/volume.ts). */
export interface VolumeData {
  shape: number[];
  spacing: number[];
  affine: number[][];
  data: Float32Array | Uint8Array | Int16Array | Uint16Array | Int32Array;
}

/** A patch-shaped map (patch performance or consistency): mean per position in the patch. */
export interface PatchMapData {
  /** Patch shape, slowest axis first (spatial only, e.g. `[24, 24, 24]`). */
  shape: number[];
  data: Float32Array;
  /** Measure name (`absoluteError`, `crossEntropy`, `diceError`, `consistency`, training loss name). */
  measure: string;
  /** Patches accumulated. */
  count: number;
  /** Where it comes from, one line (e.g. "run r3", "training", "sweep s1 calibration p24-o0-…"). */
  source: string;
}

/** A loaded image or label map. */
export interface VolumeInfo {
  /** File name (no directory). */
  name: string;
  /** Absolute path on the machine running the services (null for the bundled demo's in-memory copy). */
  path: string | null;
  shape: number[];
  spacing: number[];
  /** NIfTI datatype name (`uint8`, `int16`, `float32`, ...). */
  dtype: string;
  /** Minimum and maximum voxel value. */
  range: [number, number];
  /** Robust display range: 0.5th and 99.5th percentiles (MR auto window/level). */
  percentiles: [number, number];
  /** Modality guessed from the header / values, for window presets. */
  modality: 'CT' | 'MR' | 'unknown';
  /**
   * SHA-256 of the file's bytes: what the image is (two files of the same name or shape are not
   * the same image). A run belongs to the image whose hash it recorded ({@link RunRecord.imageSha256}).
   * Absent where the services did not hash the file (test doubles).
   */
  sha256?: string | null;
}

/**
 * Where an image opened from a DICOM series came from (the app converts the series to a NIfTI in
 * the project: src-node/app/dicomImport.ts). The patient identifiers are for the viewer's
 * header; reports carry them only when the user opts in, and provenance and logs never do.
 */
export interface DicomImageInfo {
  patient: { name: string; id: string; birthDate: string; sex: string };
  study: { instanceUid: string; date: string; description: string };
  series: { instanceUid: string; number: number | null; description: string; modality: string; images: number };
}

/**
 * One series of a DICOM folder, as the series picker lists it (`file:dicomSeries`). Read from the
 * files' headers only (no pixels). The patient fields are for the picker: main never logs them.
 */
export interface DicomSeriesSummary {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string;
  seriesDescription: string;
  /** Images (frames) in the series. */
  images: number;
  /** Rows and columns of its first image. */
  rows: number;
  columns: number;
  /** Every distinct `rows×columns`, only when the sizes are mixed (absent otherwise). */
  sizes?: string[];
  /** Sum of the sizes of the series' files, bytes. */
  bytes: number;
  /** Transfer syntaxes of its files, by name. */
  transferSyntaxes: string[];
  /** PatientName as stored (components separated by `^`), '' when absent. */
  patientName: string;
  patientId: string;
  /** StudyDate as stored (YYYYMMDD), '' when absent. */
  studyDate: string;
  studyDescription: string;
}

/** Most files {@link DicomChoice.skippedExamples} names. */
export const DICOM_SKIPPED_EXAMPLES = 5;

/**
 * A DICOM folder main scanned and staged for the user's choice (`file:dicomSeries`): open one of
 * its series with `file:open { kind: 'image', source: { from: 'choice', choice }, series }`, or
 * drop it with `file:dicomDiscard` (an upload behind it is deleted then).
 */
export interface DicomChoice {
  /** The staged folder's token (valid until opened, discarded, replaced or idle). */
  choice: string;
  /** The folder's name (no directory). */
  name: string;
  /** Its series, by series number then SeriesInstanceUID. */
  series: DicomSeriesSummary[];
  /** Files that are not DICOM images (another type, truncated, no pixel data, …). */
  skipped: number;
  /** Up to {@link DICOM_SKIPPED_EXAMPLES} of them: the name relative to the folder and why. */
  skippedExamples: { name: string; reason: string }[];
}

/** Largest file `file:dicomPreview` sends (64 MiB): a thumbnail is not worth more. */
export const DICOM_PREVIEW_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The middle image of a listed series (`file:dicomPreview`), for the series picker's thumbnail:
 * the whole DICOM file it is in, which the page decodes itself (src-renderer/viewer/dicom).
 */
export interface DicomPreview {
  /** The file's name relative to the listed folder. */
  name: string;
  /** The file's bytes (at most {@link DICOM_PREVIEW_MAX_BYTES}). */
  bytes: Uint8Array;
  /** The middle image's frame index in the file (0 for a single-frame file). */
  frame: number;
}

/** A loaded model. */
export interface ModelInfo {
  name: string;
  path: string | null;
  sha256: string;
  classes: { name: string; color: [number, number, number] }[];
  trainedPatchSize: number[] | null;
  receptiveField: number[] | null;
  translationEquivariant: boolean;
  /** Whether the model folder has a training-time patch performance map. */
  hasTrainingMap: boolean;
}

/** An entry of the project's recent-files list (the only paths `from: 'recent'` accepts). */
export interface RecentEntry {
  kind: FileKind;
  path: string;
  name: string;
  /** ISO date last opened. */
  openedAt: string;
}
