// @vitest-environment jsdom
/**
 * Issue 12, item 9 (app): an error notice names the user's file in the user's words, with the
 * technical message one click away. Before, the notice was the transport's message itself
 * ("file:open: image ch2.txt: readNiftiHeader: not a NIfTI file (sizeof_hdr is …)", or
 * "file:open: file:open: …" with a path inside the project's uploads folder) and had no details.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { ApiError, type Api } from '../../../shared/api/transport';
import { AppState } from '../../../src-renderer/app/appState.svelte';
import Notices from '../../../src-renderer/app/Notices.svelte';
import { notNiftiReason } from '../../../src-renderer/app/fileKinds';
import { dedupePrefixes, hideUploadPaths, userError } from '../../../src-renderer/app/userError';

afterEach(cleanup);

const SIZEOF = 'readNiftiHeader: not a NIfTI file (sizeof_hdr is 1178882085, expected 348 for NIfTI-1 or 540 for NIfTI-2)';

describe('userError', () => {
  it('a non-NIfTI upload: "<file> is not a NIfTI image", the reader\'s message in the details', () => {
    const technical = `file:open: image ch2.txt: ${SIZEOF}`;
    expect(userError('Open image', technical, { fileName: 'ch2.txt', kind: 'image' })).toEqual({ headline: 'ch2.txt is not a NIfTI image (.nii or .nii.gz)', detail: technical });
    // Without context: the file named by the services' message.
    expect(userError('Open image', technical).headline).toBe('ch2.txt is not a NIfTI image (.nii or .nii.gz)');
    // A damaged .nii.gz is not called "not a NIfTI image".
    expect(userError('Open label', 'file:open: label x.nii.gz: readNiftiHeader: the gzip stream is truncated or corrupt (unknown compression method)', { fileName: 'x.nii.gz', kind: 'label' }).headline).toBe(
      'x.nii.gz could not be read as a NIfTI image: the file is damaged or not what its name says',
    );
  });

  it('says a prefix once and never shows where the project keeps an upload', () => {
    expect(dedupePrefixes('file:open: file:open: the uploaded model has no model.json')).toBe('file:open: the uploaded model has no model.json');
    expect(hideUploadPaths('image /home/u/PatchLens/uploads/2026-11-27T00-00-00-000Z-1a2b3c4d/ch2.txt: no such file')).toBe('image ch2.txt: no such file');
    const e = userError('Open model', 'file:open: file:open: the uploaded model has no model.json (got notes.txt)', { fileName: 'm5', kind: 'model' });
    expect(e.headline).toBe("m5 is not a model: pick the model's folder (model.json with its weight files)");
    expect(e.detail).toBe('file:open: the uploaded model has no model.json (got notes.txt)');
    const other = userError('Open image', 'file:open: image /p/uploads/2026-x-1/big.nii: expected a 3-D image, got shape [2, 3, 4, 5]', { fileName: 'big.nii', kind: 'image' });
    expect(other.headline).toBe('big.nii: expected a 3-D image, got shape [2, 3, 4, 5]');
    expect(other.headline).not.toContain('uploads');
  });

  it('a label map that does not fit names both files', () => {
    const technical = "file:open: label small.nii.gz: the label map's shape [8, 9, 10] differs from the image's [91, 109, 91] (image ch2-2mm_t1.nii.gz)";
    expect(userError('Open label', technical, { fileName: 'small.nii.gz', kind: 'label' }).headline).toBe(
      "small.nii.gz is not a label map of ch2-2mm_t1.nii.gz: the label map's shape [8, 9, 10] differs from the image's [91, 109, 91]",
    );
  });

  it('the page refuses a file whose first bytes cannot start a NIfTI file, before uploading it', () => {
    expect(notNiftiReason(new TextEncoder().encode('not an image'))).toBe('its first bytes (6e 6f 74 20) are neither gzip (1f 8b) nor a NIfTI-1/NIfTI-2 header size (348 or 540)');
    expect(notNiftiReason(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBeNull();
    expect(notNiftiReason(new Uint8Array([0x5c, 0x01, 0, 0]))).toBeNull(); // 348 little-endian
    expect(notNiftiReason(new Uint8Array([0, 0, 0x02, 0x1c]))).toBeNull(); // 540 big-endian
    expect(notNiftiReason(new Uint8Array([1, 2]))).toBe('the file has 2 byte(s), shorter than a NIfTI header');
  });
});

describe('Notices', () => {
  it('shows the headline and keeps the technical message behind "Details"', async () => {
    const api: Api = {
      transport: 'http',
      call: async (channel: string) => {
        throw new ApiError(channel, { code: 'bad-input', message: `file:open: image /p/uploads/2026-x-1/ch2.txt: ${SIZEOF}` });
      },
      on: () => () => {},
    } as unknown as Api;
    const app = new AppState(api);
    await app.attempt('Open image', () => api.call('file:open', { kind: 'image', source: { from: 'upload', uploadId: 'u1' } }), { fileName: 'ch2.txt', kind: 'image' });
    render(Notices, { app });
    expect(screen.getByTestId('notice-text').textContent).toBe('ch2.txt is not a NIfTI image (.nii or .nii.gz)');
    const details = screen.getByTestId('notice-details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(screen.getByTestId('notice-detail').textContent).toBe(`file:open: image /p/uploads/2026-x-1/ch2.txt: ${SIZEOF}`);
    await fireEvent.click(details.querySelector('summary')!);
    expect(details.open).toBe(true);
  });
});
