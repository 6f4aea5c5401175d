import { statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { FileKind, OpenSource } from '../../../shared/api/contract';
import type { HostContext } from '../hostContext';
import { fail } from '../serviceError';
import type { CallContext } from './callContext';

/**
 * The path a `file:open` source names (null: a dialog was cancelled), and the folder of an upload
 * to delete when the file does not open. Only trusted sources name paths: a native dialog, the
 * project's recent list, a path Electron's preload dropped, an upload of the caller's session.
 * @throws ServiceError `unsupported` (no dialogs over this transport), `forbidden` (a path the page
 * names over the browser transport, a path not in the recent list), `bad-request`, `not-found`,
 * `bad-input` (a drop or upload that is not the kind's file or folder)
 */
export async function openSourcePath(host: HostContext, call: CallContext, kind: FileKind, source: OpenSource): Promise<{ path: string | null; upload: string | null }> {
  const { options, store } = host;
  const { session, transport } = call;
  switch (source.from) {
    case 'dialog':
      if (!options.dialogs) throw fail('unsupported', `file:open: there are no native dialogs over the ${transport} transport; upload the file instead`);
      return { path: await options.dialogs.open(kind), upload: null };
    case 'recent':
      if (!store.isRecent(kind, source.path)) throw fail('forbidden', `file:open: ${source.path} is not in the project's recent ${kind} files`);
      return { path: source.path, upload: null };
    case 'drop': {
      // Only Electron's preload sends dropped paths (page script cannot: see src-main/preloadApi.ts);
      // over the browser transport a path from the page is never trusted: the page uploads the bytes.
      if (transport !== 'electron') throw fail('forbidden', 'file:open: the browser transport opens no path the page names; upload the file instead');
      if (!isAbsolute(source.path)) throw fail('bad-request', `file:open: a dropped path must be absolute, got ${JSON.stringify(source.path)}`);
      let isDir: boolean;
      try {
        isDir = statSync(source.path).isDirectory();
      } catch {
        throw fail('not-found', `file:open: ${source.path}: no such file or folder`);
      }
      if (kind === 'model' && !isDir) throw fail('bad-input', `file:open: model ${basename(source.path)}: drop the model's folder (model.json, weight shards, patchlens.json), not a file`);
      // An image may be a dropped DICOM folder; a label map is a file.
      if (kind === 'label' && (isDir || !statSync(source.path).isFile())) throw fail('bad-input', `file:open: ${kind} ${basename(source.path)}: not a file`);
      return { path: resolve(source.path), upload: null };
    }
    case 'upload': {
      session.assertWritable('file:open');
      const { folder, files } = session.uploads.take(source.uploadId);
      if (kind === 'model') {
        // A picked folder arrives as `<folder>/model.json`, …: the model is the folder holding model.json.
        const json = files.find((f) => f === 'model.json' || f.endsWith('/model.json'));
        if (!json) {
          session.uploads.discard(folder);
          throw fail('bad-input', `file:open: the uploaded model has no model.json (got ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''})`);
        }
        return { path: join(folder, json.slice(0, -'model.json'.length)), upload: folder };
      }
      // A picked folder of an image is a DICOM series (or several): the upload's folder, scanned on opening.
      if (kind === 'image' && files.length > 1) return { path: folder, upload: folder };
      if (files.length !== 1) {
        session.uploads.discard(folder);
        throw fail('bad-input', `file:open: a ${kind} upload is one file, got ${files.length}`);
      }
      return { path: join(folder, files[0]), upload: folder };
    }
  }
}
