import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi, currentWsTransport, downloadUrl } from './api';
import { startComputeAgent, wsReconnectHook } from './compute/index';

const target = document.getElementById('app');
if (!target) throw new Error('main: #app element not found in index.html');

/** Connects to main (Electron preload or the WebSocket transport), then mounts the UI. */
async function start(el: HTMLElement): Promise<void> {
  try {
    const api = await connectApi();
    mount(App, { target: el, props: { api, linkFor: downloadUrl } });
    // In a browser this page offers its engine worker (WebGL) to main for inference runs; in
    // Electron the hidden compute window does (compute.html). The tensor work stays in the worker.
    if (api.transport !== 'electron') {
      const ws = currentWsTransport();
      startComputeAgent(api, 'ui-page', ws ? { onReconnect: wsReconnectHook(ws) } : {});
    }
  } catch (e) {
    el.textContent = `PatchLens cannot reach its services: ${(e as Error).message}`;
    el.setAttribute('role', 'alert');
  }
}

void start(target);
