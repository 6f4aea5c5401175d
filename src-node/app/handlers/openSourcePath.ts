import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isDicomInput } from '../../readDicomImage';
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
 * A `choice` (a folder {@link dicomFolderOf} listed) answers its token too: used up once a series opened.
 */
export async function openSourcePath(host: HostContext, call: CallContext, kind: FileKind, source: OpenSource): Promise<{ path: string | null; upload: string | null; choice?: string }> {
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
      const { path, isDir } = droppedPath('file:open', transport, source.path);
      if (kind === 'model' && !isDir) throw fail('bad-input', `file:open: model ${basename(path)}: drop the model's folder (model.json, weight shards, patchlens.json), not a file`);
      // An image may be a dropped DICOM folder; a label map is a file.
      if (kind === 'label' && (isDir || !statSync(path).isFile())) throw fail('bad-input', `file:open: ${kind} ${basename(path)}: not a file`);
      return { path, upload: null };
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
    case 'choice':
      // A folder file:dicomSeries listed: main kept its path under the token (the page never sees it).
      if (kind !== 'image') throw fail('bad-request', `file:open: a choice is a listed DICOM folder; it opens only as an image, not as a ${kind}`);
      return { path: session.dicomChoices.get('file:open', source.choice).path, upload: null, choice: source.choice };
  }
}

/**
 * A path Electron's preload dropped: absolute, existing, resolved.
 * @throws ServiceError `forbidden` over the browser transport, `bad-request`, `not-found`
 */
function droppedPath(ch: string, transport: CallContext['transport'], path: string): { path: string; isDir: boolean } {
  // Only Electron's preload sends dropped paths (page script cannot: see src-main/preloadApi.ts);
  // over the browser transport a path from the page is never trusted: the page uploads the bytes.
  if (transport !== 'electron') throw fail('forbidden', `${ch}: the browser transport opens no path the page names; upload the file instead`);
  if (!isAbsolute(path)) throw fail('bad-request', `${ch}: a dropped path must be absolute, got ${JSON.stringify(path)}`);
  try {
    return { path: resolve(path), isDir: statSync(path).isDirectory() };
  } catch {
    throw fail('not-found', `${ch}: ${path}: no such file or folder`);
  }
}

/** The name of an upload's picked folder (the first segment its files share), else of its one file, else "N files". */
function uploadName(files: readonly string[]): string {
  const top = new Set(files.map((f) => f.split('/')[0]));
  if (top.size === 1 && files.every((f) => f.includes('/'))) return [...top][0];
  return files.length === 1 ? files[0] : `${files.length} uploaded files`;
}

/**
 * The DICOM folder `file:dicomSeries` lists (null: the dialog was cancelled), what to call it,
 * and the upload folder behind it (taken from the session's uploads: kept until the choice is
 * opened or discarded). A dropped or recent DICOM file stands for its folder; a DICOMDIR for its
 * records. Opening a series writes its NIfTI into the project, so a read-only project is refused
 * before anything is listed.
 * @throws ServiceError `unsupported`, `forbidden`, `bad-request`, `not-found`, `bad-input` (not a DICOM folder or file)
 */
export async function dicomFolderOf(host: HostContext, call: CallContext, source: Exclude<OpenSource, { from: 'choice' }>): Promise<{ path: string; name: string; upload: string | null } | null> {
  const ch = 'file:dicomSeries';
  const { options, store } = host;
  const { session, transport } = call;
  session.assertWritable(ch);
  const ofPath = (path: string, isDir: boolean) => {
    if (!isDir && !isDicomInput(path)) throw fail('bad-input', `${ch}: ${basename(path)}: not a DICOM folder, DICOMDIR or DICOM file`);
    const folder = isDir || basename(path).toUpperCase() === 'DICOMDIR' ? path : dirname(path);
    return { path: folder, name: basename(folder) || folder, upload: null };
  };
  switch (source.from) {
    case 'dialog': {
      if (!options.dialogs) throw fail('unsupported', `${ch}: there are no native dialogs over the ${transport} transport; upload the folder instead`);
      const path = await options.dialogs.open('dicom');
      return path === null ? null : ofPath(resolve(path), true);
    }
    case 'recent':
      if (!store.isRecent('image', source.path)) throw fail('forbidden', `${ch}: ${source.path} is not in the project's recent image files`);
      if (!existsSync(source.path)) throw fail('not-found', `${ch}: ${source.path}: no such file or folder`);
      return ofPath(source.path, statSync(source.path).isDirectory());
    case 'drop': {
      const { path, isDir } = droppedPath(ch, transport, source.path);
      return ofPath(path, isDir);
    }
    case 'upload': {
      const { folder, files } = session.uploads.take(source.uploadId);
      return { path: folder, name: uploadName(files), upload: folder };
    }
  }
}
