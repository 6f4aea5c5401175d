import type { RequestChannel, RunRecord } from '../../../shared/api/contract';
import { readRunLayer } from '../../compute/index';
import type { LabelData } from '../../annotation/labelNifti';
import { reevaluateRunOffThread } from '../../annotation/reevaluateOffThread';
import { discard } from '../../annotation/recovery';
import { annotationImage, readStart, startingTable, toLabelData, type AnnotationImage } from '../annotationStart';
import { AnnotationState } from '../annotationState';
import { noteAnnotationEdit } from '../annotationTools';
import type { HostContext } from '../hostContext';
import { fail } from '../serviceError';
import type { Session } from '../session';
import type { HandlerTable } from './callContext';

/** The channels of the open image's annotation: opening it, edits, table, findings, saving, recovery, re-evaluating a run. */
export type AnnotationChannel = Extract<RequestChannel, `annotation:${string}`>;

/**
 * The handlers of {@link AnnotationChannel}. The session holds one annotation, of its open image
 * (src-node/app/annotationState.ts); every file goes to the project's annotation folder, so no
 * request names a path.
 */
export function annotationHandlers(host: HostContext): HandlerTable<AnnotationChannel> {
  const { store, records } = host;

  /** A run the session shows, made of the open image (by its file's SHA-256 where the run recorded one). */
  const runOf = (session: Session, ch: AnnotationChannel, runId: string, image: AnnotationImage): RunRecord => {
    const run = session.runIds.has(runId) ? records.runs.get(runId) : undefined;
    if (!run) throw fail('not-found', `${ch}: no run ${runId}`);
    if (run.imageSha256 && run.imageSha256 !== image.sha256) throw fail('precondition', `${ch}: run ${runId} was made of ${run.imageName}, not of the open image ${image.name}`);
    return run;
  };

  /** The named run's predicted labels on the image grid. */
  const predictionOf = (session: Session, ch: AnnotationChannel, runId: string, image: AnnotationImage): LabelData => {
    const run = runOf(session, ch, runId, image);
    if (!run.layers.includes('labels')) throw fail('not-found', `${ch}: run ${runId} has no labels layer`);
    const layer = readRunLayer(run.dir, 'labels');
    if (layer.shape.some((s, a) => s !== image.shape[a])) throw fail('precondition', `${ch}: run ${runId}'s labels are on a grid [${layer.shape.join(', ')}], not the open image's [${image.shape.join(', ')}]`);
    return toLabelData(`run ${runId}'s labels`, layer.data);
  };

  /** The open annotation. */
  const annotationOf = (session: Session, ch: AnnotationChannel): AnnotationState => {
    const open = session.annotation;
    if (!open) throw fail('precondition', `${ch}: no annotation is open (call annotation:open${session.image ? '' : ' after opening an image'})`);
    return open;
  };

  /** Closes the session's annotation and opens the image's from `start`. */
  const open = async (session: Session, start: Parameters<typeof readStart>[2], runId: string | undefined): Promise<AnnotationState> => {
    const ch = 'annotation:open';
    if (!session.image) throw fail('precondition', `${ch}: no image is open`);
    const image = annotationImage(ch, session.image);
    const prediction = runId === undefined ? null : predictionOf(session, ch, runId, image);
    // Read first: a start that fails leaves the open annotation as it was. (A `recovered` start
    // never needs the open one's closing autosave: its unsaved edits are answered by the caller.)
    const begin = readStart(store.dir, image, start, { reference: session.label, prediction });
    await session.closeAnnotation();
    const state = new AnnotationState(
      {
        projectDir: store.dir,
        readOnly: store.readOnly,
        image,
        prediction,
        table: startingTable(begin.labels, session.model?.info.classes ?? null, begin.table),
        autosave: host.options.annotationAutosave,
        onChanged: (changed) => {
          if (session.annotation === state) session.emit('annotation:changed', changed);
        },
        onAutosaveError: (e) => host.log(`autosaving the edits of ${image.name} failed: ${e.message} (the next edit tries again)`),
      },
      begin,
    );
    session.annotation = state;
    return state;
  };

  return {
    'annotation:open': ({ session }, { start, runId }) =>
      session.exclusive(async () => {
        const current = session.annotation;
        // Recovering while this session's own edits of the image are open answers main's copy itself (newer than any autosave).
        // Only edits count: a start from the reference is "unsaved" too, and must not hide the autosave on offer.
        const own = current?.changedState();
        if (start === 'recovered' && current && own && current.image.sha256 === session.image?.info.sha256 && own.dirty && own.edits > 0 && runId === undefined) return current.info();
        return (await open(session, start, runId)).info();
      }),
    'annotation:edit': async ({ session }, { diff, step, imageKey }) => {
      const current = annotationOf(session, 'annotation:edit');
      const answer = current.edit('annotation:edit', diff, imageKey);
      // The step's tool, for a DICOM SEG's algorithm type (annotationTools.ts).
      noteAnnotationEdit(current, step);
      return answer;
    },
    'annotation:table': async ({ session }, { table }) => annotationOf(session, 'annotation:table').setTable('annotation:table', table),
    'annotation:findings': async ({ session }, { findings }) => annotationOf(session, 'annotation:findings').setFindings('annotation:findings', findings),
    'annotation:save': ({ session }, { resolution }) =>
      session.exclusive(async () => {
        const ch = 'annotation:save';
        session.assertWritable(ch);
        const current = annotationOf(session, ch);
        if (resolution !== 'keep-theirs') return current.save(ch, resolution);
        // Keep theirs: our edits stay in the autosave (written on closing); the files on disk become the annotation.
        const reopened = await open(session, 'saved', undefined);
        const { savedAt } = reopened.changedState();
        return { savedAt: savedAt ?? new Date().toISOString(), labelsPath: reopened.paths.labels, findingsPath: reopened.paths.findings };
      }),
    'annotation:discardRecovery': ({ session }) =>
      session.exclusive(async () => {
        const ch = 'annotation:discardRecovery';
        session.assertWritable(ch);
        const current = session.annotation;
        if (current) await current.discardRecovery(ch);
        else if (session.image) discard(store.dir, annotationImage(ch, session.image).key);
        else throw fail('precondition', `${ch}: no image is open`);
        return {};
      }),
    'annotation:reevaluate': async ({ session }, { runId }) => {
      const ch = 'annotation:reevaluate';
      const current = annotationOf(session, ch);
      const run = runOf(session, ch, runId, current.image);
      // A copy of main's map, handed to a worker thread: edits go on meanwhile, and so does every other request.
      return reevaluateRunOffThread(run.dir, current.labels.slice(), { log: host.log });
    },
  };
}
