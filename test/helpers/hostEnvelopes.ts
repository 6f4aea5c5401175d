/** Helpers for tests that call a ServiceHost directly: unwrap envelopes, record events. */
import type { Envelope, EventName, Events } from '../../shared/api/contract';
import type { ServiceHost } from '../../src-node/app/serviceHost';

/** The result of an envelope (throws with its code and message when it is an error). */
export function result<T>(e: Envelope<unknown>): T {
  if ('error' in e) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.result as T;
}

/** The error of an envelope (throws when it is a result). */
export function errorOf(e: Envelope<unknown>): { code: string; message: string } {
  if (!('error' in e)) throw new Error(`expected an error, got ${JSON.stringify(e.result).slice(0, 200)}`);
  return e.error;
}

/** Records every event of a host, with the time it came (performance.now()). */
export function recorder(host: ServiceHost) {
  const events: { event: EventName; payload: unknown; at: number }[] = [];
  const off = host.subscribe(<E extends EventName>(event: E, payload: Events[E]) => events.push({ event, payload, at: performance.now() }));
  return { events, off };
}
