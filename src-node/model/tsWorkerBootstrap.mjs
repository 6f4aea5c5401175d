// Development entry of PatchLens's TypeScript worker threads (running from sources under tsx or
// vitest): registers tsx's ESM loader in this worker thread, then loads the .ts module named by
// workerData.entry. Node 20 workers do not inherit tsx's loader hooks from the main thread.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
