/**
 * A fake ServiceHost for the transport tests: every connection records its calls, answers
 * `volume:get` with a Float32Array volume, `run:delete` with a not-found error, `upload:chunk` with
 * what it received, never answers `job:cancel`, echoes other requests, emits events on demand, and
 * resolves downloads inside one folder.
 */
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Envelope, EventName, Events } from '../../shared/api/contract';
import type { ConnectOptions, ServiceConnection, ServiceHost } from '../../src-node/app/serviceHost';

/** One fake connection with what it saw. */
export interface FakeConnection extends ServiceConnection {
  options: ConnectOptions;
  calls: { channel: string; args: unknown }[];
  closedAs: 'closed' | 'lost' | null;
  /** Sends an event to this connection's subscribers. */
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** What messageAllowance answers (null by default). */
  allowance: Partial<Record<string, number>>;
}

/** The fake with what it saw. */
export interface FakeServices extends ServiceHost {
  /** Every connection made, in order. */
  made: FakeConnection[];
  /** Every call of every connection, in order. */
  calls: { channel: string; args: unknown; connection: string }[];
  downloads: string[];
  /** Connections at once before `connect` refuses (default unlimited). */
  maxConnections: number;
}

/** The volume `volume:get` answers. */
export function fakeVolume() {
  const data = new Float32Array(4 * 3 * 2).map((_, i) => i * 0.5 - 3);
  return { shape: [4, 3, 2], spacing: [1, 1, 2], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], data };
}

/** Creates the fake; `downloadDir` is where `resolveDownload` looks. */
export function createFakeServices(downloadDir: string): FakeServices {
  const made: FakeConnection[] = [];
  const calls: FakeServices['calls'] = [];
  const downloads: string[] = [];
  const root = resolve(downloadDir);
  const live = () => made.filter((c) => c.closedAs === null);
  const fake: FakeServices = {
    made,
    calls,
    downloads,
    maxConnections: Infinity,
    connect(options) {
      if (live().length >= fake.maxConnections) throw new Error(`PatchLens serves at most ${fake.maxConnections} windows or tabs at once`);
      const listeners = new Set<(event: EventName, payload: unknown) => void>();
      const n = made.length + 1;
      const conn: FakeConnection = {
        id: `c${n}`,
        options,
        session: options.resume ? { id: options.resume.sessionId, key: options.resume.key, resumed: true } : { id: `s${n}`, key: `${n}`.padStart(32, '0'), resumed: false },
        calls: [],
        closedAs: null,
        allowance: {},
        async handle(channel, args): Promise<Envelope<unknown>> {
          conn.calls.push({ channel, args });
          calls.push({ channel, args, connection: conn.id });
          if (channel === 'volume:get') return { result: fakeVolume() };
          if (channel === 'upload:begin') return { result: { uploadId: `u${conn.calls.length}`, chunkBytes: 4, maxBytes: 1024 } };
          if (channel === 'run:delete') return { error: { code: 'not-found', message: `no run ${(args as { runId: string }).runId}` } };
          if (channel === 'sweep:summary') throw new Error('the fake broke');
          // Never answers: for calls pending when the socket drops.
          if (channel === 'job:cancel') return new Promise<never>(() => undefined);
          if (channel === 'upload:chunk' || channel === 'compute:done') {
            const bytes = channel === 'upload:chunk' ? (args as { bytes: Uint8Array }).bytes : (args as { result: { labels: { data: Uint8Array } } }).result.labels.data;
            return { result: { isUint8Array: bytes instanceof Uint8Array, length: bytes.length, sum: bytes.reduce((a, b) => a + b, 0) } };
          }
          return { result: { echo: channel, args } };
        },
        subscribe(listener) {
          const l = listener as (event: EventName, payload: unknown) => void;
          listeners.add(l);
          return () => listeners.delete(l);
        },
        messageAllowance(channel) {
          return conn.allowance[channel] ?? null;
        },
        close(mode = 'lost') {
          if (conn.closedAs === null) conn.closedAs = mode;
          listeners.clear();
        },
        emit(event, payload) {
          for (const l of listeners) l(event, payload);
        },
      };
      made.push(conn);
      return conn;
    },
    connections: () => live().length,
    command(command) {
      for (const c of live()) c.emit('app:command', { command });
    },
    async openInitial() {},
    resolveDownload(path) {
      downloads.push(path);
      const file = resolve(root, path);
      return file.startsWith(root + sep) && existsSync(file) ? file : null;
    },
    async close() {},
  };
  return fake;
}
