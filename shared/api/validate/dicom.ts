/** The validators of the DICOM domain's channels. */
import type { RequestArgs } from '../contract';
import type { DicomChannel } from '../channels/dicom';
import type { SegExportTarget } from '../contract/dicom';
import { bool, fail, id, object, oneOf } from './checks';
import type { Check } from './checks';

const WHAT = ['reference', 'run'] as const;

/** `{ what: 'reference' }` or `{ what: 'run', runId }` (plus the keys in `extra`), checked. */
function target(ch: string, args: unknown, extra: readonly string[]): { target: SegExportTarget; o: Record<string, unknown> } {
  const o = object(ch, 'args', args, ['what', 'runId', ...extra], ['what']);
  const what = oneOf(ch, 'what', o.what, WHAT);
  if (what === 'reference') {
    if (o.runId !== undefined) fail(ch, `runId is only for what "run" (the reference labels are the session's)`);
    return { target: { what }, o };
  }
  if (o.runId === undefined) fail(ch, 'runId is required with what "run"');
  return { target: { what, runId: id(ch, 'runId', o.runId) }, o };
}

/** One validator per channel of the DICOM domain. */
export const DICOM_VALIDATORS: { [K in DicomChannel]: Check<RequestArgs<K>> } = {
  'seg:plan': (ch, args) => target(ch, args, []).target,
  'seg:export': (ch, args) => {
    const { target: t, o } = target(ch, args, ['replace']);
    return { ...t, ...(o.replace !== undefined ? { replace: bool(ch, 'replace', o.replace) } : {}) };
  },
};
