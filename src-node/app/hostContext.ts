import type { BackendProbe } from '../../shared/engine/backend/selectBackend';
import type { ComputeClient } from './computeClient';
import type { JobQueue } from './jobQueue';
import type { OpenFiles } from './openFiles';
import type { ComputeMode } from '../../shared/api/contract';
import type { PageCompute } from './pageCompute';
import type { ProjectRecords } from './projectRecords';
import type { ProjectStore } from './projectStore';
import type { ServiceHostOptions } from './serviceHost';

/**
 * What every session shares (created once by createServiceHost): the project folder and its
 * records, the job queue and the compute worker, the page compute agents, the file cache.
 */
export interface HostContext {
  readonly options: ServiceHostOptions;
  readonly store: ProjectStore;
  readonly records: ProjectRecords;
  readonly demoDir: string;
  readonly log: (message: string) => void;
  readonly compute: ComputeClient;
  readonly computeMode: ComputeMode;
  readonly queue: JobQueue;
  readonly pageCompute: PageCompute;
  readonly files: OpenFiles;
  /** The compute worker's backend probes (from its last warm-up; null until one finished). */
  nodeProbes: BackendProbe[] | null;
  /** Whether the services were closed. */
  readonly isClosed: () => boolean;
}
