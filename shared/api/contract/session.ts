/**
 * The session's state: everything the renderer mirrors.
 */
import type { JobInfo } from './jobs';
import type { DicomImageInfo, ModelInfo, RecentEntry, VolumeInfo } from './files';
import type { RunRecord } from './runs';
import type { SweepRecord } from './sweeps';

/** Everything the renderer mirrors (small; sent whole on every change). */
export interface SessionState {
  /**
   * The project folder. `readOnly`: another PatchLens holds the project's lock (`lockedBy` says
   * who): this session can look but not run, sweep, export, delete or upload.
   */
  project: { dir: string; name: string; readOnly: boolean; lockedBy: string | null };
  /** Things the user must be told that no request answered (a damaged project.json moved aside, a stale lock taken over). */
  notices: string[];
  image: VolumeInfo | null;
  /** The open image's DICOM series, when it was opened from one (absent or null otherwise). */
  dicom?: DicomImageInfo | null;
  label: VolumeInfo | null;
  model: ModelInfo | null;
  /**
   * The spatial shape inference runs over for the open image and model: the model grid
   * (conformed / reoriented / resampled), cropped as the model crops it (brainchop's head box).
   * What `patchAdvice` / `defaultPatch` (shared/recommend/patchAdvice.ts) take as `gridShape`.
   * Null while unknown (no image or no model, or still being computed: a `session:changed`
   * brings it); absent from test doubles.
   */
  inferenceGrid?: number[] | null;
  /** Newest first. */
  runs: RunRecord[];
  sweeps: SweepRecord[];
  /** Queued, running and the last finished jobs (newest first). */
  jobs: JobInfo[];
  recent: RecentEntry[];
}
