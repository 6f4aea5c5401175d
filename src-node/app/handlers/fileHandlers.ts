import type { RequestChannel } from '../../../shared/api/contract';
import { readTrainingMap } from '../../compute/index';
import type { HostContext } from '../hostContext';
import { fail } from '../serviceError';
import { volumeData } from '../volumeInfo';
import type { HandlerTable } from './callContext';
import { openSourcePath } from './openSourcePath';

/** The channels of the session's files: uploads, opening and closing files, their voxels, the model's training map. */
export type FileChannel = Extract<RequestChannel, `upload:${string}` | `file:${string}` | `volume:${string}` | `model:${string}`>;

/** The handlers of {@link FileChannel}. */
export function fileHandlers(host: HostContext): HandlerTable<FileChannel> {
  return {
    'upload:begin': async ({ session }, { files }) => {
      session.assertWritable('upload:begin');
      return session.uploads.begin(files);
    },
    'upload:chunk': async ({ session }, { uploadId, file, offset, bytes }) => session.uploads.chunk(uploadId, file, offset, bytes),
    'upload:cancel': async ({ session }, { uploadId }) => session.uploads.cancel(uploadId),
    'file:open': (call, { kind, source, series }) => {
      const { session } = call;
      return session.exclusive(async () => {
        const { path, upload } = await openSourcePath(host, call, kind, source);
        if (path === null) return null;
        try {
          await session.openPath(kind, path, series);
        } catch (e) {
          // A file that does not open is not kept: an upload is deleted again.
          if (upload) session.uploads.discard(upload);
          throw e;
        }
        session.changed();
        return session.state();
      });
    },
    'file:close': ({ session }, { kind }) =>
      session.exclusive(async () => {
        session.closeFile(kind);
        session.changed();
        return session.state();
      }),
    'volume:get': async ({ session }, { kind }) => {
      const v = kind === 'image' ? session.image : session.label;
      if (!v) throw fail('precondition', `volume:get: no ${kind === 'image' ? 'image' : 'label map'} is open`);
      return volumeData(v.volume);
    },
    'model:trainingMap': async ({ session }) => {
      if (!session.model) throw fail('precondition', 'model:trainingMap: no model is open');
      return readTrainingMap(session.model.ref.path);
    },
  };
}
