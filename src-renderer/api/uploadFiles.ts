import type { Api } from '../../shared/api/transport';

/**
 * Uploads files the user picked (`<input type="file">`, drag-and-drop) to main in chunks
 * (`upload:begin`, `upload:chunk`): main writes them into the project folder as they arrive and
 * never holds a whole file in memory. Answers the upload's id for
 * `file:open { from: 'upload', uploadId }`. A file picked with a folder (`<input webkitdirectory>`,
 * a model) is named by its path in that folder (`model5/model.json`); other files by their name.
 * A failure cancels the upload (main deletes what arrived).
 * @param onProgress bytes sent so far and in all
 */
export async function uploadFiles(api: Api, files: FileList | File[], onProgress?: (sent: number, total: number) => void): Promise<string> {
  const list = Array.from(files);
  const total = list.reduce((s, f) => s + f.size, 0);
  const ticket = await api.call('upload:begin', { files: list.map((f) => ({ name: f.webkitRelativePath || f.name, size: f.size })) });
  let sent = 0;
  try {
    for (let i = 0; i < list.length; i++) {
      const file = list[i];
      for (let offset = 0; offset < file.size; offset += ticket.chunkBytes) {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await file.slice(offset, Math.min(file.size, offset + ticket.chunkBytes)).arrayBuffer());
        } catch (e) {
          throw new Error(`uploadFiles: cannot read ${file.name}: ${(e as Error).message}`);
        }
        await api.call('upload:chunk', { uploadId: ticket.uploadId, file: i, offset, bytes });
        sent += bytes.length;
        onProgress?.(sent, total);
      }
    }
  } catch (e) {
    await api.call('upload:cancel', { uploadId: ticket.uploadId }).catch(() => undefined);
    throw e;
  }
  return ticket.uploadId;
}
