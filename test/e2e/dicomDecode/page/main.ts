/**
 * The DICOM decode test page: exposes `window.decodeDicom(url)`, which fetches a file from the
 * test server and decodes it with the renderer's decodeDicomFile (dicom-image-loader's worker),
 * answering a serialisable summary or the error's message.
 */
import { decodeDicomFile } from '../../../../src-renderer/viewer/dicom/decodeDicomFile';
import { thumbnailOf } from '../../../../src-renderer/viewer/dicom/thumbnail';
import type { DecodeInPage } from './decodeInPage';

declare global {
  interface Window {
    decodeDicom?: DecodeInPage;
  }
}

window.decodeDicom = async (url, options = {}) => {
  const res = await fetch(url);
  if (!res.ok) return { error: `test page: GET ${url} answered ${res.status}` };
  const bytes = new Uint8Array(await res.arrayBuffer());
  try {
    const d = await decodeDicomFile(bytes, { name: url.split('/').pop(), ...options });
    const thumb = thumbnailOf(d, 16);
    const { pixels, ...attributes } = d;
    return {
      decoded: {
        ...attributes,
        pixelType: pixels.map((p) => p.constructor.name),
        pixels: pixels.map((p) => Array.from(p)),
        thumbnail: { width: thumb.width, height: thumb.height, alpha: thumb.data[3] },
      },
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
};
document.getElementById('status')!.textContent = 'ready';
