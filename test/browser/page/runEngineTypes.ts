/** What the test asks the page for and what the page answers (plain, serialisable data). */
import type { BackendPreference } from '../../../shared/engine/backend/selectBackend';
import type { EngineBackendInfo, EngineInferenceOptions, EngineWorkerInfo, EnginePhase } from '../../../src-renderer/engine/protocol';

/** Arguments of `window.runEngine`. */
export interface RunEngineArgs {
  /** URL of the NIfTI input on the test server. */
  imageUrl: string;
  /** URL of the model's folder (model.json and its shards). */
  modelUrl: string;
  backend: BackendPreference;
  probe?: 'cached' | 'fresh';
  options: EngineInferenceOptions;
  /** Abort the run at its first progress message of the `model` phase. */
  cancelInModelPhase?: boolean;
}

/** One progress message as the page received it. */
export interface SeenProgress {
  phase: EnginePhase;
  done: number;
  total: number;
  etaMs: number | null;
}

/** What `window.runEngine` answers. */
export interface RunEngineSummary {
  ok: boolean;
  /** The rejection, when the run failed (`code` from EngineError). */
  error?: { name: string; code?: string; message: string };
  /** Whether the posted buffers were detached on the page's side right after postMessage. */
  detached: { image: boolean; modelJson: boolean; weights: boolean };
  /** Byte sizes before posting. */
  postedBytes: number;
  progress: SeenProgress[];
  /** Milliseconds from `run()` to its settlement, as the page saw it. */
  pageMs: number;
  labels?: number[];
  labelsShape?: number[];
  labelsNiftiBytes?: number;
  /** The shape `readNifti` reads back from the labels' NIfTI bytes. */
  labelsNiftiShape?: number[];
  probabilitiesShape?: number[];
  /** Largest |Σ_c p_c − 1| over all voxels. */
  probabilitySumError?: number;
  coverageShape?: number[];
  consistency?: { shape: number[]; count: number; mapLength: number; accumulatorShape: number[] } | null;
  windows?: number;
  backend?: EngineBackendInfo;
  worker?: EngineWorkerInfo;
  timing?: Record<string, number>;
  grid?: { shape: number[]; domain: { start: number[]; size: number[] }; steps: string[] };
  model?: { name: string; source: string; sha256: string };
  warnings?: string[];
}

declare global {
  interface Window {
    /** Set by the test page once the engine client exists. */
    runEngine?: (args: RunEngineArgs) => Promise<RunEngineSummary>;
  }
}
