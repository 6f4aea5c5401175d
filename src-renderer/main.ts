import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi, downloadUrl } from './api';

const target = document.getElementById('app');
if (!target) throw new Error('main: #app element not found in index.html');

/** Connects to main (Electron preload or the WebSocket transport), then mounts the UI. */
async function start(el: HTMLElement): Promise<void> {
  try {
    const api = await connectApi();
    mount(App, { target: el, props: { api, linkFor: downloadUrl } });
  } catch (e) {
    el.textContent = `PatchLens cannot reach its services: ${(e as Error).message}`;
    el.setAttribute('role', 'alert');
  }
}

void start(target);
