/**
 * The decode worker of @cornerstonejs/dicom-image-loader (its own `decodeImageFrameWorker.js`:
 * the cornerstone codec packages' WebAssembly builds behind a Comlink `decodeTask`), run through
 * @cornerstonejs/core's web worker manager the way the loader's `decodeImageFrame` does.
 *
 * The loader's `init()` is not called: it would purge cornerstone's image and volume cache (the
 * viewer's volume) and re-register the metadata providers. The worker is registered here under
 * its own name instead. Its module is reached through the renderer's Vite alias
 * `@cornerstonejs/dicom-image-loader/decodeImageFrameWorker` (electron.vite.config.ts), because
 * the package's export map does not list it; Vite bundles it as a module Worker with the codecs'
 * `.wasm` files beside it. WebAssembly compiles only in that Worker, which the page's CSP allows
 * (the page itself has no `'wasm-unsafe-eval'`).
 */
import { getWebWorkerManager, type Types } from '@cornerstonejs/core';

/** The name the worker is registered under in cornerstone's web worker manager. */
const WORKER_NAME = 'patchlensDicomDecode';

/** The loader's `imageFrame`: the frame's pixel attributes going in, its `pixelData` coming back. */
export type LoaderImageFrame = Partial<Types.IImageFrame>;

let registered = false;

function register(): void {
  if (registered) return;
  getWebWorkerManager().registerWorker(
    WORKER_NAME,
    () => new Worker(new URL('@cornerstonejs/dicom-image-loader/decodeImageFrameWorker', import.meta.url), { type: 'module', name: 'dicom-decode' }),
    // One Worker, stopped after a minute idle (a series picker decodes a few thumbnails, then nothing).
    { maxWorkerInstances: 1, autoTerminateOnIdle: { enabled: true, idleTimeThreshold: 60_000 } },
  );
  registered = true;
}

/** The message of whatever the worker threw (the loader and dicom-parser throw strings too). */
function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * Decodes one frame in the loader's worker (its `decodeTask`: the transfer syntax's decoder, then
 * its post-processing with prescaling off, so RescaleSlope/Intercept are not applied).
 * @param imageFrame the frame's pixel attributes (the loader's imagePixelModule of the file)
 * @param transferSyntax the file's transfer syntax UID
 * @param pixelData the frame's bytes: native samples or one compressed stream
 * @returns the decoded frame; its `pixelData` holds the samples
 * @throws Error with the decoder's message (a corrupt stream, a syntax it has no decoder for)
 */
export async function decodeFrameInWorker(imageFrame: LoaderImageFrame, transferSyntax: string, pixelData: Uint8Array): Promise<LoaderImageFrame> {
  register();
  try {
    return await getWebWorkerManager().executeTask(WORKER_NAME, 'decodeTask', {
      imageFrame,
      transferSyntax,
      pixelData,
      options: { preScale: { enabled: false } },
      decodeConfig: {},
    }) as LoaderImageFrame;
  } catch (e) {
    throw new Error(messageOf(e));
  }
}
