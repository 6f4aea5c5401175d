/**
 * The WebSocket transport's test page: connects with the renderer's own `connectApi` (token from
 * the address) and exposes `window.transportTest` and the events it received to the Chromium test.
 */
import { connectApi, downloadUrl, uploadFiles } from '../../../../src-renderer/api';
import type { TransportTestResult } from './types';

const events: unknown[] = [];

window.transportEvents = events;
window.transportTest = async (): Promise<TransportTestResult> => {
  const api = await connectApi();
  api.on('session:changed', (p) => events.push(p));
  const volume = await api.call('volume:get', { kind: 'image' });
  const uploadId = await uploadFiles(api, [new File([new Uint8Array([5, 6, 7])], 'x.nii')]);
  const upload = await api.call('file:open', { kind: 'image', source: { from: 'upload', uploadId } });
  let error: TransportTestResult['error'] = null;
  try {
    await api.call('run:delete', { runId: 'r2' });
  } catch (e) {
    const err = e as Error & { code?: string };
    error = { name: err.name, code: err.code ?? null, message: err.message };
  }
  return {
    transport: api.transport,
    isFloat32: volume.data instanceof Float32Array,
    data: Array.from(volume.data),
    shape: volume.shape,
    upload,
    error,
    href: location.href,
    stored: sessionStorage.getItem('patchlens.token'),
    session: sessionStorage.getItem('patchlens.session'),
    link: downloadUrl('/files/sweeps/s1/report.pdf'),
  };
};
document.getElementById('status')!.textContent = 'ready';
