/** What the test asks the page for and what the page answers (plain, serialisable data). */
import type { BackendPreference } from '../../../../shared/engine/backend/selectBackend';
import type { EngineBackendInfo, EngineDebugOptions, EngineInferenceOptions, EngineWorkerInfo, EnginePhase } from '../../../../src-renderer/engine/protocol';

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
  /** The request's test-only fault injection. */
  debug?: EngineDebugOptions;
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

/** What tfjs-backend-webgl did around a real context loss (lostContextProbe.worker.ts). */
export interface LostContextProbe {
  /** The class of tfjs's canvas in the worker. */
  canvas: string;
  /** `gl.isContextLost()` right after `loseContext()`. */
  lostAtOnce: boolean;
  /** `gl.getError()` right after, and the value of CONTEXT_LOST_WEBGL. */
  getError: number;
  contextLostWebgl: number;
  /** `webglcontextlost` events seen synchronously after `loseContext()`. */
  eventsRightAfter: number;
  /** The error of an op (cached shaders) on the lost context, null when it did not throw. */
  opThrew: string | null;
  /** `dataSync()` of that op: its error, or the largest |value| it gave. */
  dataSyncThrew: string | null;
  dataSyncMaxAbs?: number;
  /** The same for an op whose shader was never compiled. */
  newShaderThrew: string | null;
  newShaderMaxAbs?: number;
  /** `await data()` after the wait: 'pending', 'resolved' or 'rejected: …'. */
  dataSettled: string;
  /** Timer callbacks in the worker in one second while the read was stalled, and after releasing it. */
  timerCallsPerSecondWhileStalled: number;
  timerCallsPerSecondAfterRelease: number;
  /** The events seen on tfjs's OffscreenCanvas by then. */
  events: string[];
  /** Reads `releaseStalledWebglReads` released, and the largest |value| the released read gave. */
  released: number;
  releasedReadMaxAbs: number | null;
  numTensorsAfterDispose: number;
  /** `replaceLostWebglBackend()`'s answer, and whether the next webgl backend had a new, live context. */
  replaced: boolean;
  freshContext: boolean;
  /** Largest difference between the layer on the fresh context and before the loss. */
  freshMaxDiff: number;
  numTensorsAtEnd: number;
}

declare global {
  interface Window {
    /** Set by the test page once the engine client exists. */
    runEngine?: (args: RunEngineArgs) => Promise<RunEngineSummary>;
    /** Loses a WebGL context under plain tfjs in a worker of its own and reports what happened. */
    probeLostContext?: (waitMs: number) => Promise<LostContextProbe>;
  }
}
