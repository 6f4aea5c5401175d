/**
 * A fake ServiceHost for the transport tests: records every call, answers `volume:get` with a
 * Float32Array volume, `run:delete` with a not-found error, never answers `job:cancel`, echoes other requests, emits events
 * on demand, and resolves downloads inside one folder.
 */
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Envelope, EventName, Events } from '../../shared/api/contract';
import type { ServiceHost } from '../../src-node/app/serviceHost';

/** The fake with what it saw. */
export interface FakeServices extends ServiceHost {
  calls: { channel: string; args: unknown }[];
  downloads: string[];
  /** Sends an event to every subscriber. */
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  listenerCount(): number;
}

/** The volume `volume:get` answers. */
export function fakeVolume() {
  const data = new Float32Array(4 * 3 * 2).map((_, i) => i * 0.5 - 3);
  return { shape: [4, 3, 2], spacing: [1, 1, 2], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], data };
}

/** Creates the fake; `downloadDir` is where `resolveDownload` looks. */
export function createFakeServices(downloadDir: string): FakeServices {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const calls: { channel: string; args: unknown }[] = [];
  const downloads: string[] = [];
  const root = resolve(downloadDir);
  return {
    calls,
    downloads,
    async handle(channel, args): Promise<Envelope<unknown>> {
      calls.push({ channel, args });
      if (channel === 'volume:get') return { result: fakeVolume() };
      if (channel === 'run:delete') return { error: { code: 'not-found', message: `no run ${(args as { runId: string }).runId}` } };
      if (channel === 'sweep:summary') throw new Error('the fake broke');
      // Never answers: for calls pending when the socket drops.
      if (channel === 'job:cancel') return new Promise<never>(() => undefined);
      if (channel === 'file:open') {
        const files = (args as { source: { files: { name: string; bytes: Uint8Array }[] } }).source.files;
        return { result: { received: files.map((f) => ({ name: f.name, isUint8Array: f.bytes instanceof Uint8Array, sum: f.bytes.reduce((a, b) => a + b, 0) })) } };
      }
      return { result: { echo: channel, args } };
    },
    subscribe(listener) {
      const l = listener as (event: EventName, payload: unknown) => void;
      listeners.add(l);
      return () => listeners.delete(l);
    },
    command(command) {
      for (const l of listeners) l('app:command', { command });
    },
    async openInitial() {},
    resolveDownload(path) {
      downloads.push(path);
      const file = resolve(root, path);
      return file.startsWith(root + sep) && existsSync(file) ? file : null;
    },
    async close() {},
    emit(event, payload) {
      for (const l of listeners) l(event, payload);
    },
    listenerCount: () => listeners.size,
  };
}
