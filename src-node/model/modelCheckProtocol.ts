import type { ModelFolderFacts, ModelFolderStage } from './modelFolderFacts';

/** Main → model check worker: check the model folder at `path`. */
export interface ModelCheckRequest {
  type: 'check';
  path: string;
}

/** Model check worker → main: `ready` once its modules are loaded, then one answer to the request. */
export type ModelCheckReply =
  | { type: 'ready' }
  | { type: 'facts'; facts: ModelFolderFacts }
  | { type: 'error'; stage: ModelFolderStage | 'worker'; message: string };
