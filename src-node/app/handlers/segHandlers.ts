import type { RequestChannel } from '../../../shared/api/contract';
import type { HostContext } from '../hostContext';
import { exportSeg, planSeg } from '../exportSeg';
import type { HandlerTable } from './callContext';

/** The channels of DICOM SEG export (the reference labels or a run's prediction). */
export type SegChannel = Extract<RequestChannel, `seg:${string}`>;

/** The handlers of {@link SegChannel}. */
export function segHandlers(host: HostContext): HandlerTable<SegChannel> {
  return {
    'seg:plan': async ({ session }, target) => planSeg(host, session, target),
    'seg:export': ({ session }, { replace, ...target }) => session.exclusive(() => exportSeg(host, session, target, replace === true)),
  };
}
