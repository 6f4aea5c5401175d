/**
 * Reads files the user picked (`<input type="file">`, drag-and-drop) into the bytes of a
 * `file:open` upload source: `{ from: 'upload', files: await uploadFiles(input.files) }`.
 * A file picked with a folder (`<input webkitdirectory>`, a model) is named by its path in that
 * folder (`model5/model.json`); other files by their name.
 */
export async function uploadFiles(files: FileList | File[]): Promise<{ name: string; bytes: Uint8Array }[]> {
  const list = Array.from(files);
  return Promise.all(
    list.map(async (file) => {
      try {
        return { name: file.webkitRelativePath || file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      } catch (e) {
        throw new Error(`uploadFiles: cannot read ${file.name}: ${(e as Error).message}`);
      }
    }),
  );
}
