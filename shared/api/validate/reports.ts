/** The validators of the reports domain's channels. */
import type { RequestArgs } from '../contract';
import type { ReportChannel } from '../channels/reports';
import { bool, id, object, type Check } from './checks';

/** One validator per channel of the reports domain. */
export const REPORT_VALIDATORS: { [K in ReportChannel]: Check<RequestArgs<K>> } = {
  'report:export': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'replace', 'includePatient'], ['sweepId']);
    return {
      sweepId: id(ch, 'sweepId', o.sweepId),
      ...(o.replace !== undefined ? { replace: bool(ch, 'replace', o.replace) } : {}),
      ...(o.includePatient !== undefined ? { includePatient: bool(ch, 'includePatient', o.includePatient) } : {}),
    };
  },
};
