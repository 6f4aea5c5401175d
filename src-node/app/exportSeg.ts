/**
 * `seg:plan` and `seg:export`: the session's reference labels or a run's prediction as a DICOM
 * SEG of the image's source series (./segLabels.ts says what goes in). Electron asks where with
 * a save dialog; the browser transport writes `exports/<name>.seg.dcm` in the project and serves
 * it under the download base. Never over an input, always atomically.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { SegExport, SegExportTarget, SegPlan } from '../../shared/api/contract';
import { writeDicomSeg } from '../dicom/seg';
import { writeFileAtomic } from '../fs/atomicWrite';
import { appPackage } from './appPackage';
import type { HostContext } from './hostContext';
import { segLabels, segPlanOf } from './segLabels';
import { fail } from './serviceError';
import type { Session } from './session';

/** The project's folder of exported SEGs (browser transport). */
export const EXPORTS_DIR = 'exports';

/** What an export of `target` would write, or why none can be written (writes nothing). */
export function planSeg(ctx: HostContext, session: Session, target: SegExportTarget): SegPlan {
  return segPlanOf(segLabels('seg:plan', ctx, session, target));
}

/**
 * Writes the SEG of `target`. Electron: where the save dialog says (null when cancelled; the
 * dialog itself asks before replacing). Browser transport: `<project>/exports/<name>`; when that
 * file exists and `replace` is not true, answers `conflict` naming it.
 * @throws ServiceError `precondition` when there is no DICOM series to reference (an image opened
 *   from NIfTI) or the labels are off its grid; `bad-input` for a target that is one of the inputs
 */
export async function exportSeg(ctx: HostContext, session: Session, target: SegExportTarget, replace: boolean): Promise<SegExport | null> {
  const ch = 'seg:export';
  session.assertWritable(ch);
  const prepared = segLabels(ch, ctx, session, target);
  if (prepared.problem || !prepared.record) throw fail('precondition', `${ch}: ${prepared.problem ?? 'no DICOM series to reference'}`);
  const record = prepared.record;
  const ask = ctx.options.dialogs?.saveSeg;
  let path: string;
  if (ask) {
    const chosen = await ask(prepared.fileName);
    if (chosen === null) return null;
    path = resolve(chosen);
  } else {
    path = join(ctx.store.dir, EXPORTS_DIR, prepared.fileName);
  }
  if (prepared.inputs.some((p) => resolve(p) === path)) throw fail('bad-input', `${ch}: ${path} is an input of this SEG (the image, its labels or a file of its series): choose another file`);
  if (!ask && existsSync(path) && !replace) throw fail('conflict', `${ch}: ${basename(path)} exists in ${dirname(path)}: exporting replaces it`);
  const written = writeDicomSeg(prepared.labels, record.source, prepared.segments, {
    ...prepared.options,
    attributes: record.attributes,
    softwareVersion: `PatchLens ${appPackage().version}`,
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, written.bytes);
  const base = ctx.options.downloadBase;
  const url = !ask && base !== undefined ? `${base.replace(/\/+$/, '')}/${EXPORTS_DIR}/${encodeURIComponent(prepared.fileName)}` : null;
  return { path, files: [path], url, algorithm: { ...prepared.algorithm }, segments: written.segments, seriesInstanceUid: written.seriesInstanceUid };
}
