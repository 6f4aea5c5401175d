import type { RequestChannel } from '../../../shared/api/contract';
import type { HostContext } from '../hostContext';
import { exportReport } from '../exportReport';
import type { HandlerTable } from './callContext';

/** The channels of sweep reports (HTML + PDF + JSON). */
export type ReportChannel = Extract<RequestChannel, `report:${string}`>;

/** The handlers of {@link ReportChannel}. */
export function reportHandlers(host: HostContext): HandlerTable<ReportChannel> {
  return {
    'report:export': async ({ session }, { sweepId, replace, includePatient }) => exportReport(host, session, sweepId, replace === true, includePatient === true),
  };
}
