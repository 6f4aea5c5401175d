import type { RequestArgs, RequestChannel, RequestResult, SessionState } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';

/** Handlers by channel; a missing handler rejects, like an unknown request would. */
export type Handlers = { [K in RequestChannel]?: (args: RequestArgs<K>) => RequestResult<K> | Promise<RequestResult<K>> };

/** A fake {@link Api} that records every call and answers from `handlers`. */
export function fakeApi(handlers: Handlers): Api & { calls: { channel: RequestChannel; args: unknown }[] } {
  const calls: { channel: RequestChannel; args: unknown }[] = [];
  return {
    transport: 'http',
    calls,
    async call(channel, args) {
      calls.push({ channel, args });
      const h = handlers[channel] as ((a: unknown) => unknown) | undefined;
      if (!h) throw new Error(`fakeApi: no handler for ${channel}`);
      return (await h(args)) as never;
    },
    on() {
      return () => {};
    },
  };
}

/** A session with nothing open, then `patch` applied. */
export function makeSession(patch: Partial<SessionState> = {}): SessionState {
  return { project: { dir: '/p', name: 'p', readOnly: false, lockedBy: null }, notices: [], image: null, label: null, model: null, runs: [], sweeps: [], jobs: [], recent: [], ...patch };
}

/** A model like the demo's (trained patch 24³). */
export const demoModel: NonNullable<SessionState['model']> = {
  name: 'demo',
  path: null,
  sha256: 'abc',
  classes: [
    { name: 'background', color: [0, 0, 0] },
    { name: 'brain', color: [255, 0, 0] },
  ],
  trainedPatchSize: [24, 24, 24],
  receptiveField: null,
  translationEquivariant: true,
  hasTrainingMap: true,
};

/** A 91×109×91 image like the demo's. */
export const demoImage: NonNullable<SessionState['image']> = {
  name: 'ch2-2mm_t1.nii.gz',
  path: null,
  shape: [91, 109, 91],
  spacing: [2, 2, 2],
  dtype: 'uint8',
  range: [0, 255],
  percentiles: [0, 250],
  modality: 'MR',
};
