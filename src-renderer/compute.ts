/**
 * Entry of Electron's hidden compute window (compute.html): connects through the preload API
 * like the app page and offers its engine worker (tfjs webgl / wasm / cpu in a module Worker) to
 * main as a page compute agent. No UI; main recreates the window when its renderer dies.
 */
import { connectApi } from './api';
import { startComputeAgent } from './compute/index';

async function start(): Promise<void> {
  if (!window.patchlens) throw new Error('compute: no preload API (window.patchlens): this page runs only in PatchLens\'s compute window');
  const api = await connectApi();
  const agent = startComputeAgent(api, 'compute-window');
  document.documentElement.dataset.agent = 'starting';
  agent.attached.then(
    (id) => (document.documentElement.dataset.agent = id),
    () => (document.documentElement.dataset.agent = 'failed'),
  );
}

start().catch((e: unknown) => console.error(`PatchLens compute window: ${(e as Error).message}`));
