import type { RequestChannel } from '../../../shared/api/contract';
import { readTrainingMap } from '../../compute/index';
import type { HostContext } from '../hostContext';
import { fail } from '../serviceError';
import { volumeData } from '../volumeInfo';
import type { HandlerTable } from './callContext';
import { listDicomFolder } from '../dicomListing';
import { dicomPreview } from '../dicomPreview';
import { dicomFolderOf, openSourcePath } from './openSourcePath';

/** The channels of the session's files: uploads, opening and closing files (DICOM folders listed for a series choice), their voxels, the model's training map. */
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
        const { path, upload, choice } = await openSourcePath(host, call, kind, source);
        if (path === null) return null;
        try {
          await session.openPath(kind, path, series);
        } catch (e) {
          // A file that does not open is not kept: an upload is deleted again (a choice stays staged: another series may open).
          if (upload) session.uploads.discard(upload);
          throw e;
        }
        if (choice) session.dicomChoices.opened(choice);
        session.changed();
        return session.state();
      });
    },
    'file:dicomSeries': async (call, { source }) => {
      const { session } = call;
      if (source.from === 'choice') throw fail('bad-request', 'file:dicomSeries: a choice is listed already');
      const folder = await dicomFolderOf(host, call, source);
      if (!folder) return null;
      let listed;
      try {
        listed = await listDicomFolder('file:dicomSeries', folder.path, folder.name);
        if (session.ended) throw fail('cancelled', 'file:dicomSeries: the window closed while its folder was listed');
      } catch (e) {
        if (folder.upload) session.uploads.discard(folder.upload);
        throw e;
      }
      return { choice: session.dicomChoices.stage(folder.path, folder.upload, listed.series), ...listed.listing };
    },
    'file:dicomPreview': async ({ session }, { choice, series }) => dicomPreview('file:dicomPreview', session.dicomChoices.get('file:dicomPreview', choice), series),
    'file:dicomDiscard': async ({ session }, { choice }) => session.dicomChoices.discard(choice),
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
