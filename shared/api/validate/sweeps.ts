/** The validators of the sweeps domain's channels. */
import type { RequestArgs } from '../contract';
import type { SweepChannel } from '../channels/sweeps';
import { SWEEP_CASES } from '../contract/sweeps';
import { id, object, oneOf, type Check } from './checks';
import { sweepRequest } from './runParameters';

/** One validator per channel of the sweeps domain. */
export const SWEEP_VALIDATORS: { [K in SweepChannel]: Check<RequestArgs<K>> } = {
  'sweep:start': (ch, args) => ({ request: sweepRequest(ch, object(ch, 'args', args, ['request']).request) }),
  'sweep:plan': (ch, args) => ({ cases: oneOf(ch, 'cases', object(ch, 'args', args, ['cases']).cases, SWEEP_CASES) }),
  'sweep:openCase': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'caseId']);
    return { sweepId: id(ch, 'sweepId', o.sweepId), caseId: id(ch, 'caseId', o.caseId) };
  },
  'sweep:summary': (ch, args) => ({ sweepId: id(ch, 'sweepId', object(ch, 'args', args, ['sweepId']).sweepId) }),
  'sweep:map': (ch, args) => {
    const o = object(ch, 'args', args, ['sweepId', 'calibrationId']);
    return { sweepId: id(ch, 'sweepId', o.sweepId), calibrationId: id(ch, 'calibrationId', o.calibrationId) };
  },
};
