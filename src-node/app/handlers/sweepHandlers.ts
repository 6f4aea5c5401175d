import type { RequestChannel, SweepRecord } from '../../../shared/api/contract';
import type { HostContext } from '../hostContext';
import { openSweepCase, startSweep, sweepPlan } from '../sweepJob';
import { fail } from '../serviceError';
import type { Session } from '../session';
import { readSweepMap, sweepSummary } from '../sweepRecords';
import type { HandlerTable } from './callContext';

/** The channels of sweeps: planning and starting one, opening one of its cases, its summary and maps. */
export type SweepChannel = Extract<RequestChannel, `sweep:${string}`>;

/** The handlers of {@link SweepChannel}. */
export function sweepHandlers(host: HostContext): HandlerTable<SweepChannel> {
  /** A sweep the session shows. */
  const sweepOf = (session: Session, ch: SweepChannel, sweepId: string): SweepRecord => {
    const s = session.sweepIds.has(sweepId) ? host.records.sweeps.get(sweepId) : undefined;
    if (!s) throw fail('not-found', `${ch}: no sweep ${sweepId}`);
    return s;
  };
  return {
    'sweep:start': async ({ session }, { request }) => ({ jobId: startSweep(host, session, request).id }),
    'sweep:plan': ({ session }, { cases }) => sweepPlan(host, session, cases),
    'sweep:openCase': ({ session }, { sweepId, caseId }) => openSweepCase(host, session, sweepId, caseId),
    'sweep:summary': async ({ session }, { sweepId }) => sweepSummary(sweepOf(session, 'sweep:summary', sweepId).dir),
    'sweep:map': async ({ session }, { sweepId, calibrationId }) => readSweepMap(sweepId, sweepOf(session, 'sweep:map', sweepId).dir, calibrationId),
  };
}
