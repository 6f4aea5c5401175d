/** The page compute agent: this page's engine worker offered to main for inference runs. */
export { startComputeAgent, type ComputeAgent, type ComputeAgentDeps, type ComputeAgentHost } from './computeAgent';
export { toComputeTaskResult } from './toComputeTaskResult';
export { toEngineRunInput } from './toEngineRunInput';
export { wsReconnectHook } from './wsReconnectHook';
