/** The validators of the runs domain's channels. */
import type { RequestArgs } from '../contract';
import type { RunChannel } from '../channels/runs';
import { RUN_LAYERS } from '../contract/runs';
import { describe } from '../../util/validate';
import { fail, id, int, object, oneOf, type Check } from './checks';
import { runSettings } from './runParameters';

/** One validator per channel of the runs domain. */
export const RUN_VALIDATORS: { [K in RunChannel]: Check<RequestArgs<K>> } = {
  'run:start': (ch, args) => ({ settings: runSettings(ch, object(ch, 'args', args, ['settings']).settings) }),
  'run:layer': (ch, args) => {
    const o = object(ch, 'args', args, ['runId', 'layer']);
    return { runId: id(ch, 'runId', o.runId), layer: oneOf(ch, 'layer', o.layer, RUN_LAYERS) };
  },
  'run:maps': (ch, args) => ({ runId: id(ch, 'runId', object(ch, 'args', args, ['runId']).runId) }),
  'run:inspect': (ch, args) => {
    const o = object(ch, 'args', args, ['runId', 'voxel']);
    const voxel = Array.isArray(o.voxel) && o.voxel.length === 3 ? o.voxel : fail(ch, `voxel must be an array of 3 non-negative integers [k, j, i], got ${describe(o.voxel)}`);
    return { runId: id(ch, 'runId', o.runId), voxel: Array.from(voxel, (v, i) => int(ch, `voxel[${i}]`, v, 0, 1 << 20)) };
  },
  'run:delete': (ch, args) => ({ runId: id(ch, 'runId', object(ch, 'args', args, ['runId']).runId) }),
};
